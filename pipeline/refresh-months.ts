// The months a refresh fetches when it is not told which: every month from the refresh's first
// month (REFRESH_FIRST_MONTH, default 2018-01, or the first published month if that is
// earlier) to the newest police.uk publishes. Fetching published months again costs
// almost nothing on a warm cache (the fetch step re-downloads only months absent from the
// cache or whose archive entries changed, see pipeline/sources/index.ts) and buys two things:
// - a runner whose cache was lost, or the first live run after the sample data, rebuilds every
//   published month instead of dropping them (which the gate would refuse);
// - police.uk's revisions of earlier months, which come in each newer archive, are published.
// The range starts at the first month, not at the first month of the newest archive: the first
// live run backfills every month since then from older archives (each holds 36 months; the
// fetch step picks the fewest that cover the range), so the site is never stuck at the
// sample's months, and it never loses a month because the archive window moved past it.
import { UsageError } from './args.ts';
import { parseCliArgs } from './cli.ts';
import { areaDataPaths, siteDataAtRef } from './gate-inputs.ts';
import { probeArchive } from './sources/archive-remote.ts';
import { resolveSourceConfig, sourceUrl } from './sources/config.ts';
import { HttpClient, type Log } from './sources/http.ts';
import { monthRange } from '../src/shared/months.ts';
import {
  monthsTheApiSkips,
  newestPublishedMonth,
  parseMonthArgument,
  skippedMonthsNote,
} from './sources/months.ts';
import { fetchCrimeDates } from './sources/police-api.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export class MonthChoiceError extends Error {}

/** The first month a refresh publishes unless told otherwise: police.uk's street data from 2018. */
export const DEFAULT_FIRST_MONTH = '2018-01';

/** The first month setting: REFRESH_FIRST_MONTH, else DEFAULT_FIRST_MONTH. */
export function firstMonthSetting(env: Readonly<Record<string, string | undefined>>): string {
  const value = env['REFRESH_FIRST_MONTH']?.trim();
  if (!value) return DEFAULT_FIRST_MONTH;
  try {
    return parseMonthArgument(value, 'REFRESH_FIRST_MONTH');
  } catch (error) {
    throw new MonthChoiceError(errorMessage(error), { cause: error });
  }
}

/** What police.uk publishes now. */
export interface PoliceUkMonths {
  /** The newest archive's month (`latest.zip` leads to `<archive>.zip`). */
  archive: string;
  /** The newest month of all: the API's newest when it is ahead of the archive. */
  newest: string;
}

/**
 * Whether the pipeline arguments already say which months to fetch (--latest, --month,
 * --range), or that none are (--offline). They are read by the pipeline's own parser, so
 * arguments the pipeline would refuse fail here, before police.uk is asked anything.
 */
export function choosesMonths(args: readonly string[]): boolean {
  try {
    const options = parseCliArgs(args);
    return options.offline || options.fetch?.selection !== undefined;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new MonthChoiceError(
      `the pipeline arguments "${args.join(' ')}" are not valid: ${error.message} ` +
        '(see npm run pipeline -- --help)',
      { cause: error },
    );
  }
}

/**
 * The default range: from the first month setting (or the first published month, when that
 * is earlier: a published month is never dropped) to the newest police.uk month.
 */
export function defaultMonthRange(
  publishedMonths: readonly string[],
  policeUk: PoliceUkMonths,
  firstMonth: string = DEFAULT_FIRST_MONTH,
): { from: string; to: string } {
  const published = publishedMonths[0];
  const from = published !== undefined && published < firstMonth ? published : firstMonth;
  if (from > policeUk.newest) {
    throw new MonthChoiceError(
      `the refresh starts at ${from}, but the newest month police.uk publishes is ` +
        `${policeUk.newest}: check REFRESH_FIRST_MONTH, POLICE_ARCHIVE_BASE_URL and POLICE_API_BASE_URL.`,
    );
  }
  return { from, to: policeUk.newest };
}

/**
 * The newest archive and month police.uk publishes: the same rule as the fetch step's
 * `--latest` (the API's newest month when it is ahead of the newest archive).
 */
export async function policeUkNewest(
  env: Readonly<Record<string, string | undefined>>,
  log: Log,
): Promise<PoliceUkMonths> {
  const config = resolveSourceConfig(env);
  const client = new HttpClient({ log });
  const latest = await probeArchive(
    client,
    sourceUrl(config.policeArchiveBaseUrl, 'latest.zip').href,
  );
  const apiDates = await fetchCrimeDates(client, config.policeApiBaseUrl);
  const newest = newestPublishedMonth(latest.month, apiDates);
  const skipped = monthsTheApiSkips(latest.month, apiDates);
  if (skipped.length > 0) log(skippedMonthsNote(skipped, apiDates, newest));
  return { archive: latest.month, newest };
}

/**
 * The month arguments to add to the pipeline's: none when the caller chose, otherwise
 * `--range FROM TO` from the data published at `ref` and what police.uk publishes now.
 */
export async function monthArguments(options: {
  root: string;
  area?: string | undefined;
  ref: string;
  pipelineArgs: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  log: Log;
}): Promise<string[]> {
  if (choosesMonths(options.pipelineArgs)) return [];
  const published = await siteDataAtRef(
    options.ref,
    options.root,
    areaDataPaths(options.area).siteData,
  );
  let policeUk: PoliceUkMonths;
  try {
    policeUk = await policeUkNewest(options.env, options.log);
  } catch (error) {
    throw new MonthChoiceError(
      `cannot tell which months police.uk publishes: ${errorMessage(error)}`,
      { cause: error },
    );
  }
  const firstMonth = firstMonthSetting(options.env);
  const { from, to } = defaultMonthRange(published?.months ?? [], policeUk, firstMonth);
  const added = monthRange(from, to).filter((m) => !published?.months.includes(m));
  options.log(
    `Months: ${from} to ${to} (${monthRange(from, to).length}), from the first month ` +
      `(REFRESH_FIRST_MONTH=${firstMonth}) to the newest police.uk publishes; ` +
      `${added.length} not published yet` +
      '; only months new or revised since the cached copy are downloaded.',
  );
  return ['--range', from, to];
}
