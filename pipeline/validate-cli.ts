// `npm run validate-data`: checks candidate site data against the published data and prints
// the gate's report. Exit 0 = may publish, 1 = refused, 2 = could not check (usage, files).
import { execFile } from 'node:child_process';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { monthSummarySchema, siteDataSchema, type SiteData } from '../src/shared/schema.ts';
import {
  formatReport,
  validateSiteData,
  type MonthQuality,
  type ValidationReport,
} from './validate.ts';

/** Where the site reads its data, in the working tree and in any commit. */
export const SITE_DATA_PATH = 'src/data/site-data.json';
export const MONTH_CACHE_DIR = 'data/cache/months';

export const EXIT = { ok: 0, refused: 1, unusable: 2 } as const;

const USAGE = `Usage: npm run validate-data -- [options]
  --candidate FILE      site data to check (default ${SITE_DATA_PATH})
  --previous FILE       published site data to compare with
  --previous-ref REF    or: read ${SITE_DATA_PATH} from this git commit (default HEAD)
  --months-dir DIR      month summaries for per-month checks (default ${MONTH_CACHE_DIR})`;

/** An input the gate cannot even read: a usage error, a missing file, bad JSON. */
export class UnusableInputError extends Error {}

export interface GateInputs {
  candidate: string;
  previous: { file: string } | { ref: string };
  monthsDir: string;
}

export function parseGateArgs(argv: readonly string[]): GateInputs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        candidate: { type: 'string', default: SITE_DATA_PATH },
        previous: { type: 'string' },
        'previous-ref': { type: 'string' },
        'months-dir': { type: 'string', default: MONTH_CACHE_DIR },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UnusableInputError(`${(error as Error).message}\n${USAGE}`, { cause: error });
  }
  if (values.previous !== undefined && values['previous-ref'] !== undefined) {
    throw new UnusableInputError(`Give --previous or --previous-ref, not both.\n${USAGE}`);
  }
  return {
    candidate: values.candidate,
    previous:
      values.previous !== undefined
        ? { file: values.previous }
        : { ref: values['previous-ref'] ?? 'HEAD' },
    monthsDir: values['months-dir'],
  };
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

/** Per-month row accounting from the month summaries, for the months the candidate has. */
async function monthQuality(dir: string, candidate: unknown): Promise<MonthQuality[]> {
  const months = siteDataSchema.shape.months.safeParse((candidate as { months?: unknown })?.months);
  if (!months.success) return [];
  const found: MonthQuality[] = [];
  for (const month of months.data) {
    const path = join(dir, `${month}.summary.json`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue; // Not every candidate comes with its month cache (e.g. --candidate on a copy).
    }
    const summary = monthSummarySchema.safeParse(parseJson(text, path));
    if (!summary.success) {
      throw new UnusableInputError(
        `${path} is not a month summary: ${summary.error.issues[0]?.message}`,
      );
    }
    const { read, kept, dropped, coverage } = summary.data;
    found.push({ month, read, kept, dropped, coverage });
  }
  return found;
}

/** Read everything the gate needs and run it. */
export async function runGate(inputs: GateInputs, cwd = '.'): Promise<ValidationReport> {
  const next = await readJson(join(cwd, inputs.candidate), 'candidate site data');
  const previous =
    'file' in inputs.previous
      ? parsePublished(
          await readJson(join(cwd, inputs.previous.file), 'published site data'),
          inputs.previous.file,
        )
      : await siteDataAtRef(inputs.previous.ref, cwd);
  const months = await monthQuality(join(cwd, inputs.monthsDir), next);
  return validateSiteData({ next, previous, months });
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const inputs = parseGateArgs(argv);
    const report = await runGate(inputs);
    const text = formatReport(report);
    (report.ok ? console.log : console.error)(text);
    const summaryFile = process.env['GITHUB_STEP_SUMMARY'];
    if (summaryFile)
      await appendFile(summaryFile, `### Data validation\n\n\`\`\`\n${text}\n\`\`\`\n`);
    return report.ok ? EXIT.ok : EXIT.refused;
  } catch (error) {
    if (!(error instanceof UnusableInputError)) throw error;
    console.error(`validate-data: ${error.message}`);
    return EXIT.unusable;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
