// What the gate reads: the candidate site data, the published data (a file or a git commit),
// the run's month accounting, the reference wards and the approvals. Anything it cannot read
// is an UnusableInputError: the gate could not check, which is not the same as refusing.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import {
  coverageSchema,
  dropCountsSchema,
  monthSchema,
  siteDataSchema,
  type SiteData,
} from '../src/shared/schema.ts';
import { CRIME_TYPES } from '../src/shared/constants.ts';
import { ApprovalError, parseApprovalInput, readApprovals, type Approval } from './approvals.ts';
import type { Expected } from './gate.ts';
import { parseWards, REFERENCE_FILES } from './reference.ts';
import type { MonthQuality } from './validate.ts';

/** Where the site reads its data, in the working tree and in any commit. */
export const SITE_DATA_PATH = 'src/data/site-data.json';
export const RUN_SUMMARY_PATH = 'data/processed/run-summary.json';

/** An input the gate cannot even read: a usage error, a missing file, bad JSON. */
export class UnusableInputError extends Error {}

export interface GateInputs {
  candidate: string;
  previous: { file: string } | { ref: string };
  runSummary: string;
  /** The committed approvals file (absent: none). */
  approvals?: string | undefined;
  /** One approval given by hand, "YYYY-MM: reason". */
  approve?: string | undefined;
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UnusableInputError(`Cannot read ${what} ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseJson(text, `${what} ${path}`);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UnusableInputError(`${where} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The published site data at a commit, or null when that commit has none (first build). */
export async function siteDataAtRef(ref: string, cwd = '.'): Promise<SiteData | null> {
  let text: string;
  try {
    ({ stdout: text } = await promisify(execFile)('git', ['show', `${ref}:${SITE_DATA_PATH}`], {
      cwd,
      maxBuffer: 256 * 1024 * 1024,
    }));
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    if (/does not exist in|exists on disk, but not in/.test(stderr)) return null;
    throw new UnusableInputError(
      `Cannot read ${SITE_DATA_PATH} at git ${ref}: ${stderr.trim() || (error as Error).message}`,
      { cause: error },
    );
  }
  return parsePublished(
    parseJson(text, `${SITE_DATA_PATH} at ${ref}`),
    `${SITE_DATA_PATH} at ${ref}`,
  );
}

/** The published data passed the gate once; if it no longer parses, nothing can be compared. */
function parsePublished(value: unknown, where: string): SiteData {
  const parsed = siteDataSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UnusableInputError(
    `The published site data (${where}) does not fit the current schema, so the candidate ` +
      `cannot be compared with it: ${parsed.error.issues[0]?.message ?? ''} at ` +
      `${parsed.error.issues[0]?.path.join('.') ?? ''}. Compare against a file with --previous.`,
  );
}

/** The part of the pipeline's run summary the gate reads: each month's row accounting. */
const runSummarySchema = z.object({
  months: z.array(
    z.object({
      month: monthSchema,
      read: z.number().int().nonnegative(),
      kept: z.number().int().nonnegative(),
      dropped: dropCountsSchema,
      coverage: coverageSchema,
    }),
  ),
});

/** Per-month row accounting from the run summary; none when the run left no summary. */
async function monthQuality(file: string): Promise<MonthQuality[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return []; // e.g. checking a copied site-data.json on its own.
  }
  const parsed = runSummarySchema.safeParse(parseJson(text, file));
  if (!parsed.success) {
    throw new UnusableInputError(
      `${file} is not a pipeline run summary: ${parsed.error.issues[0]?.message} at ` +
        `${parsed.error.issues[0]?.path.join('.')}`,
    );
  }
  return parsed.data.months;
}

/** What the gate compares: the candidate (unparsed), the published data and month accounting. */
export interface GateData {
  next: unknown;
  previous: SiteData | null;
  months: MonthQuality[];
  expected: Expected;
  approvals: Approval[];
}

/** The wards of the reference data and police.uk's crime types: what every build must hold. */
export async function loadExpected(cwd = '.'): Promise<Expected> {
  const file = resolve(cwd, 'data', 'reference', REFERENCE_FILES.wards);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UnusableInputError(`Cannot read the reference wards ${file}`, { cause: error });
  }
  const wards = parseWards(text, file).map(({ code, name }) => ({ code, name }));
  return { wards, crimeTypes: CRIME_TYPES };
}

/** The committed approvals and the one given by hand. */
async function loadApprovals(inputs: GateInputs, cwd: string): Promise<Approval[]> {
  try {
    const fromFile = inputs.approvals ? await readApprovals(resolve(cwd, inputs.approvals)) : [];
    const byHand = parseApprovalInput(inputs.approve);
    return byHand ? [...fromFile, byHand] : fromFile;
  } catch (error) {
    if (error instanceof ApprovalError) {
      throw new UnusableInputError(error.message, { cause: error });
    }
    throw error;
  }
}

/** Read everything the gate needs; paths are relative to `cwd`. */
export async function loadGateData(inputs: GateInputs, cwd = '.'): Promise<GateData> {
  const next = await readJson(resolve(cwd, inputs.candidate), 'candidate site data');
  const previous =
    'file' in inputs.previous
      ? parsePublished(
          await readJson(resolve(cwd, inputs.previous.file), 'published site data'),
          inputs.previous.file,
        )
      : await siteDataAtRef(inputs.previous.ref, cwd);
  const months = await monthQuality(resolve(cwd, inputs.runSummary));
  const expected = await loadExpected(cwd);
  const approvals = await loadApprovals(inputs, cwd);
  return { next, previous, months, expected, approvals };
}
