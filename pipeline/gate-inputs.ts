// What the gate reads: the candidate site data, the published data (a file or a git commit),
// the run's month accounting, the reference wards and the approvals. Anything it cannot read
// is an UnusableInputError: the gate could not check, which is not the same as refusing.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path, { resolve } from 'node:path';
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
import { readAreaConfig } from './area.ts';
import type { Expected } from './gate.ts';
import { DEFAULT_AREA, pipelinePaths } from './paths.ts';
import { parseWards } from './reference.ts';
import {
  REQUIRED_COVERAGE,
  type MonthQuality,
  type MonthRepairs,
  type RepairedFileKind,
} from './validate.ts';
import { errorMessage } from '../src/shared/error-message.ts';

/** Where the site reads its data, in the working tree and in any commit. */
export const SITE_DATA_PATH = 'src/data/site-data.json';
export const RUN_SUMMARY_PATH = 'data/processed/run-summary.json';

/**
 * Where an area's published site data and its last run summary are, relative to the
 * repository root: SITE_DATA_PATH and RUN_SUMMARY_PATH for the default area (Leeds),
 * data/areas/<slug>/output/ for another.
 */
export function areaDataPaths(area: string = DEFAULT_AREA): {
  siteData: string;
  runSummary: string;
} {
  const paths = pipelinePaths({ root: '.', area });
  const relative = (file: string) => path.relative(path.resolve('.'), file);
  return { siteData: relative(paths.siteData), runSummary: relative(paths.runSummary) };
}

/** An input the gate cannot even read: a usage error, a missing file, bad JSON. */
export class UnusableInputError extends Error {}

export interface GateInputs {
  /** The district (data/areas/<slug>/area.json) whose wards every build must hold; default leeds. */
  area?: string | undefined;
  candidate: string;
  /**
   * A file, or the area's site data at a git commit; `otherwise`, what else the calling
   * command offers when that cannot be used (validate-data: --previous).
   */
  previous: { file: string } | { ref: string; otherwise?: string };
  /**
   * The run summary written with the candidate, for each month's row accounting; null (or a
   * file that is not there) to check the site data without it, which the report says.
   */
  runSummary: string | null;
  /** The committed approvals file (absent: none). */
  approvals?: string | undefined;
  /** One approval given by hand, "YYYY-MM: reason". */
  approve?: string | undefined;
  /** Where the command takes `approve` (its option or variable), named when it is refused. */
  approveGivenAs?: string | undefined;
  /**
   * What to do, in the calling command's own terms, about a file the pipeline writes (the
   * candidate, its run summary) that is not there or cannot be used: have it written again.
   * Default: WRITE_AGAIN, which names no command.
   */
  writeAgain?: string | undefined;
}

const WRITE_AGAIN = 'Run the pipeline again to write it, then check it again.';

/** Why a file the pipeline writes would not parse. */
const DAMAGED = 'It was cut short or changed after the pipeline wrote it.';

/**
 * `path` as JSON; refused naming `what` and the file, what is wrong and `remedy` when it is
 * not there, cannot be read or is not JSON (then with `damaged`, why that would be).
 */
async function readJson(
  path: string,
  what: string,
  remedy: string,
  damaged?: string,
): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const problem =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'is not there'
        : `cannot be read (${errorMessage(error)})`;
    throw new UnusableInputError(`The ${what} ${path} ${problem}. ${remedy}`, { cause: error });
  }
  return parseJson(text, `The ${what} ${path}`, damaged ? `${damaged} ${remedy}` : remedy);
}

/** `text` as JSON; refused naming `where`, what is wrong and `remedy` when it is not. */
function parseJson(text: string, where: string, remedy: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UnusableInputError(`${where} is not valid JSON: ${errorMessage(error)}. ${remedy}`, {
      cause: error,
    });
  }
}

/**
 * The published site data at a commit (the area's, SITE_DATA_PATH for Leeds), or null when
 * that commit has none (first build). When it cannot be used, the error says to commit it
 * mended, or `otherwise` (what else the calling command offers, in its own terms).
 */
export async function siteDataAtRef(
  ref: string,
  cwd = '.',
  file: string = SITE_DATA_PATH,
  otherwise?: string,
): Promise<SiteData | null> {
  const text = await textAtRef(ref, cwd, file);
  if (text === null) return null;
  const where = `${file} at ${ref}`;
  const or = otherwise === undefined ? '' : `; or ${otherwise}`;
  const remedy = `Commit it mended (\`git log -- ${file}\` shows its last good version)${or}.`;
  const schemaRemedy =
    `Commit it as the current pipeline writes it, as a change of its schema is committed ` +
    `with the data${or}.`;
  return parsePublished(parseJson(text, where, remedy), where, schemaRemedy);
}

/** `file` (relative to `cwd`, the repository) as committed at `ref`; null when it has none. */
export async function textAtRef(ref: string, cwd: string, file: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['show', `${ref}:${file}`], {
      cwd,
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    if (/does not exist in|exists on disk, but not in/.test(stderr)) return null;
    throw new UnusableInputError(
      `Cannot read ${file} at git ${ref}: ${stderr.trim() || errorMessage(error)}`,
      { cause: error },
    );
  }
}

/**
 * The published data passed the gate once; if it no longer parses, nothing can be compared.
 * `remedy` says what to do.
 */
function parsePublished(value: unknown, where: string, remedy: string): SiteData {
  const parsed = siteDataSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UnusableInputError(
    `The published site data (${where}) does not fit the current schema, so nothing can be ` +
      `compared with it: ${parsed.error.issues[0]?.message ?? ''} at ` +
      `${parsed.error.issues[0]?.path.join('.') ?? ''}. ${remedy}`,
  );
}

const count = z.number().int().nonnegative();
const repairedSchema = z.record(z.string(), count);
const repairedExamplesSchema = z.record(
  z.string(),
  z.array(z.object({ where: z.string(), detail: z.string() })),
);

/**
 * A kind of file's rows by month, and those repaired at intake (run-summary.ts
 * repairedByMonth). Absent in summaries written before they were counted by month: none.
 */
const repairedByMonthSchema = z
  .object({
    repairedByMonth: z
      .array(
        z.object({
          month: monthSchema,
          rows: count,
          repaired: repairedSchema,
          repairedExamples: repairedExamplesSchema.optional(),
        }),
      )
      .optional(),
  })
  .nullish();

/**
 * The part of the pipeline's run summary the gate reads: each month's row accounting, and
 * each month's outcomes and stop-and-search rows repaired at intake.
 */
const runSummarySchema = z.object({
  months: z.array(
    z.object({
      month: monthSchema,
      read: z.number().int().nonnegative(),
      kept: z.number().int().nonnegative(),
      dropped: dropCountsSchema,
      crimeIdsByFile: z.array(
        z.object({
          file: z.string(),
          rows: z.number().int().nonnegative(),
          repeated: z.number().int().nonnegative(),
        }),
      ),
      coverage: coverageSchema,
      /** Absent in summaries written before rows were repaired at intake: none counted. */
      repaired: repairedSchema.optional(),
      repairedExamples: repairedExamplesSchema.optional(),
    }),
  ),
  outcomes: repairedByMonthSchema,
  stopSearch: repairedByMonthSchema,
});

/** What the gate reads of a run summary. */
interface RunAccounting {
  months: MonthQuality[];
  repairs: MonthRepairs[];
}

/** The value of --run-summary that checks the site data without a run summary. */
export const NO_RUN_SUMMARY = 'none';

/**
 * Per-month row accounting from the run summary; null when there is none (e.g. checking a
 * copied site-data.json on its own), which the gate's report then says (NO_RUN_SUMMARY_NOTE).
 */
async function monthQuality(file: string, writeAgain: string): Promise<RunAccounting | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UnusableInputError(
      `The run summary ${file} cannot be read (${errorMessage(error)}). ${writeAgain}`,
      { cause: error },
    );
  }
  const json = parseJson(text, file, `${DAMAGED} ${writeAgain}`);
  const parsed = runSummarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const problem = `${issue?.message} at ${issue?.path.join('.')}`;
    // A summary of months, lacking a field the gate reads of each: written by an earlier
    // version of the pipeline (before the gate read crimeIdsByFile, say), or edited.
    const months = (json as { months?: unknown } | null)?.months;
    const ofMonths =
      Array.isArray(months) &&
      months.every((m) => typeof (m as { month?: unknown } | null)?.month === 'string');
    throw new UnusableInputError(
      ofMonths
        ? `${file} lacks what the gate reads of each month (${problem}): it was written by ` +
            `an earlier version of the pipeline, or edited. ${writeAgain}`
        : `${file} is not a pipeline run summary: ${problem}. ${writeAgain}`,
    );
  }
  const { months, outcomes, stopSearch } = parsed.data;
  const ofKind = (kind: RepairedFileKind, counted: z.infer<typeof repairedByMonthSchema>) =>
    (counted?.repairedByMonth ?? []).map((m) => ({ kind, ...m }));
  return {
    months,
    repairs: [...ofKind('outcomes', outcomes), ...ofKind('stop-and-search', stopSearch)],
  };
}

/** What the gate compares: the candidate (unparsed), the published data and month accounting. */
export interface GateData {
  next: unknown;
  previous: SiteData | null;
  /** Null when checked without a run summary (none given, or none there). */
  months: MonthQuality[] | null;
  /** Each month's outcomes and stop-and-search rows repaired at intake (none without a summary). */
  repairs: MonthRepairs[];
  expected: Expected;
  approvals: Approval[];
}

/**
 * The district's name, the wards of the area's reference data (data/areas/<slug>/area.json
 * names the file) and police.uk's crime types: what every build of that area must hold.
 */
export async function loadExpected(cwd = '.', area: string = DEFAULT_AREA): Promise<Expected> {
  let config;
  try {
    config = await readAreaConfig(area, { root: resolve(cwd) });
  } catch (error) {
    throw new UnusableInputError(errorMessage(error), { cause: error });
  }
  const wardFiles = config.boundaries.wards;
  const file = resolve(cwd, wardFiles.file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UnusableInputError(`Cannot read the reference wards ${file}`, { cause: error });
  }
  const properties = { code: wardFiles.codeProperty, name: wardFiles.nameProperty };
  const wards = parseWards(text, file, properties).map(({ code, name }) => ({ code, name }));
  // Without a postcode reference the Postcode District column is left empty, not guessed.
  const coverage =
    config.postcodes === null
      ? REQUIRED_COVERAGE.filter((c) => c !== 'postcodeDistrict')
      : REQUIRED_COVERAGE;
  return {
    district: config.localAuthority.name,
    wardsFile: wardFiles.file,
    wards,
    crimeTypes: CRIME_TYPES,
    coverage,
  };
}

/** The committed approvals and the one given by hand. */
async function loadApprovals(inputs: GateInputs, cwd: string): Promise<Approval[]> {
  try {
    const fromFile = inputs.approvals ? await readApprovals(resolve(cwd, inputs.approvals)) : [];
    const byHand = parseApprovalInput(inputs.approve, inputs.approveGivenAs ?? 'the approval');
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
  const next = await readJson(
    resolve(cwd, inputs.candidate),
    'candidate site data',
    inputs.writeAgain ?? WRITE_AGAIN,
    DAMAGED,
  );
  const previous =
    'file' in inputs.previous
      ? parsePublished(
          await readJson(
            resolve(cwd, inputs.previous.file),
            'published site data',
            'Give the site data as it was published (--previous FILE), or leave --previous out ' +
              'to compare with the data committed at HEAD.',
          ),
          inputs.previous.file,
          'Give the site data as it was published, of the current schema (--previous FILE).',
        )
      : await siteDataAtRef(
          inputs.previous.ref,
          cwd,
          areaDataPaths(inputs.area).siteData,
          inputs.previous.otherwise,
        );
  const accounting =
    inputs.runSummary === null
      ? null
      : await monthQuality(resolve(cwd, inputs.runSummary), inputs.writeAgain ?? WRITE_AGAIN);
  const expected = await loadExpected(cwd, inputs.area);
  const approvals = await loadApprovals(inputs, cwd);
  const months = accounting?.months ?? null;
  return { next, previous, months, repairs: accounting?.repairs ?? [], expected, approvals };
}
