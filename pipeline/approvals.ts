// A person's approval of what the gate refuses: a month, the reason, optionally which checks.
// Given as a committed file (data/approvals.json; another area's beside its area.json) or as
// the data workflow's `approve` input ("YYYY-MM: reason"). An approval lets that month's
// findings through; every finding let through is recorded in the change log with the reason,
// and the commit step removes the file's approvals it used, so a used approval is spent once
// and never waves a later fault past. One that no finding used stays in the file, and lets the
// next finding of its month (and checks) through, until it is used or a person removes it.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { areaFilePath, DEFAULT_AREA, otherArea } from '../src/shared/area-paths.ts';
import { monthSchema } from '../src/shared/schema.ts';
import type { ComparisonCheck } from './gate.ts';
import { oneLine, quoteOutside } from './log-safe.ts';
import { errorMessage } from '../src/shared/error-message.ts';

/** The default area's approvals (Leeds's): approvalsPath(). */
export const APPROVALS_PATH = 'data/approvals.json';

/**
 * The approvals file of `area` (default DEFAULT_AREA), relative to the repository and with
 * forward slashes (a git path too): the default area's APPROVALS_PATH, another's beside its
 * area.json. One file for all would let an approval of one district's month through another's
 * gate, and spend it there.
 */
export function approvalsPath(area: string = DEFAULT_AREA): string {
  const other = otherArea(area);
  return other === undefined ? APPROVALS_PATH : areaFilePath(other, 'approvals.json');
}

/** The checks an approval can let through: those about one month's figures. */
export const APPROVABLE_CHECKS = [
  'revision',
  'missing-ward',
  'missing-type',
  'missing-force',
  'seasonal-range',
  'sanity',
  'missing-month',
] as const satisfies readonly (ComparisonCheck | 'missing-month')[];
export type ApprovableCheck = (typeof APPROVABLE_CHECKS)[number];

export const approvalSchema = z.object({
  month: monthSchema,
  /** Why the change is right, in words a reader of the change log understands. */
  reason: z.string().trim().min(10, 'say why the change is right (at least 10 characters)'),
  /** Who approved it. */
  approvedBy: z.string().trim().min(1).optional(),
  /** Only these checks; all of APPROVABLE_CHECKS when left out. */
  checks: z.array(z.enum(APPROVABLE_CHECKS)).min(1).optional(),
});
export type Approval = z.infer<typeof approvalSchema>;

export const approvalsFileSchema = z.object({ approvals: z.array(approvalSchema) });
export type ApprovalsFile = z.infer<typeof approvalsFileSchema>;

export class ApprovalError extends Error {}

/** The shape of an approvals file, as its errors give it. */
const APPROVALS_SHAPE =
  '{"approvals": [{"month": "YYYY-MM", "reason": "why the change is right, 10 characters or ' +
  `more"}]} (an approval may add "approvedBy": "who" and "checks": [${APPROVABLE_CHECKS.map(
    (c) => `"${c}"`,
  ).join(', ')}])`;

/**
 * An ApprovalError: `file`, what is wrong with it (`problem`, whose text from outside is
 * quoted with oneLine()) and how to mend it, on one line. `committedPath`: the file read is
 * the one committed at a commit, at this path of the repository, mended by committing it.
 */
function approvalsFileError(
  file: string,
  problem: string,
  committedPath: string | undefined,
  cause?: unknown,
): ApprovalError {
  const remedy =
    committedPath !== undefined
      ? `commit it mended (\`git log -- ${committedPath}\` shows its earlier versions) as ` +
        `${APPROVALS_SHAPE}, or committed without approvals ({"approvals": []})`
      : `write it as ${APPROVALS_SHAPE}, or delete it to approve nothing`;
  return new ApprovalError(`${oneLine(`${file} ${problem}`)}: ${remedy}.`, { cause });
}

/** The approvals in `file`; none when it does not exist. Throws ApprovalError when it is not valid. */
export async function readApprovals(file: string): Promise<Approval[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw approvalsFileError(file, `cannot be read (${errorMessage(error)})`, undefined, error);
  }
  return parseApprovals(text, file);
}

/**
 * The approvals in `text`, the content of `file`; `committedPath` when it is the file as
 * committed at a commit, at that path of the repository (messages then say to commit it
 * mended). Throws ApprovalError when it is not valid.
 */
export function parseApprovals(text: string, file: string, committedPath?: string): Approval[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw approvalsFileError(
      file,
      `is not valid JSON (${errorMessage(error)})`,
      committedPath,
      error,
    );
  }
  const parsed = approvalsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw approvalsFileError(
      file,
      `is not an approvals file (${issues.join('; ')})`,
      committedPath,
    );
  }
  return parsed.data.approvals;
}

/** The most of a refused approval input its error quotes. */
const INPUT_QUOTED = 200;

/**
 * An approval given by hand, "YYYY-MM: reason" (the workflow's approve input, validate-data's
 * --approve), as an approval; undefined when empty. `givenAs` names where the command takes
 * it, in its own terms, for the error.
 */
export function parseApprovalInput(
  text: string | undefined,
  givenAs: string,
): Approval | undefined {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return undefined;
  const match = /^(\d{4}-\d{2})\s*:\s*(.+)$/s.exec(trimmed);
  const parsed = approvalSchema.safeParse({ month: match?.[1], reason: match?.[2] });
  if (!match || !parsed.success) {
    throw new ApprovalError(
      `the approval ${quoteOutside(trimmed, INPUT_QUOTED)} must read "YYYY-MM: reason" (e.g. ` +
        `"2025-02: police.uk withdrew duplicate burglary records"): ` +
        `${parsed.success ? 'no month' : oneLine(parsed.error.issues[0]?.message ?? '')}. Give ` +
        `it so (${givenAs}), or leave it empty to approve nothing.`,
    );
  }
  return parsed.data;
}

/** Whether `a` and `b` are one approval: the same month, for the same reason. */
export function sameApproval(a: Approval, b: { month: string; reason: string }): boolean {
  return a.month === b.month && a.reason === b.reason;
}

export interface ApprovedException {
  month: string;
  reason: string;
  approvedBy?: string | undefined;
  /** The findings let through. */
  findings: string[];
}

/**
 * Split findings into those still refused and those an approval lets through (grouped by
 * approval), and say which approvals were used.
 */
export function applyApprovals<F extends { check: string; month?: string; message: string }>(
  findings: readonly F[],
  approvals: readonly Approval[],
): { refused: F[]; approved: ApprovedException[]; used: Approval[] } {
  const refused: F[] = [];
  const byApproval = new Map<Approval, string[]>();
  for (const finding of findings) {
    const approval = approvals.find(
      (a) =>
        finding.month === a.month &&
        (APPROVABLE_CHECKS as readonly string[]).includes(finding.check) &&
        (a.checks === undefined || (a.checks as readonly string[]).includes(finding.check)),
    );
    if (approval) byApproval.set(approval, [...(byApproval.get(approval) ?? []), finding.message]);
    else refused.push(finding);
  }
  const approved = [...byApproval].map(([a, messages]) => ({
    month: a.month,
    reason: a.reason,
    ...(a.approvedBy !== undefined ? { approvedBy: a.approvedBy } : {}),
    findings: messages,
  }));
  return { refused, approved, used: [...byApproval.keys()] };
}
