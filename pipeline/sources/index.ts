// The fetch step: bring the months asked for into the local cache, fetching only what is new
// or revised. Archives are preferred; the API serves only months no archive holds yet.
// Each month is written whole (files, then its manifest) or not at all; a month that cannot be
// fetched fails the run with the month and the cause, and a month its archive does not hold
// comes back as a gap (fetch-months.ts) for the run summary to report.
import path from 'node:path';
import { FORCES } from '../../src/shared/constants.ts';
import { policeForceName } from '../../src/shared/police-forces.ts';
import { probeArchive } from './archive-remote.ts';
import { restoreStagedMonths, sourcePaths, type SourcePaths } from './cache.ts';
import { resolveSourceConfig, sourceUrl, type SourceConfig } from './config.ts';
import { HttpClient, type HttpClientOptions, type HttpStats, type Log } from './http.ts';
import { monthRange } from '../../src/shared/months.ts';
import {
  lastArchiveHolding,
  monthsTheApiSkips,
  newestPublishedMonth,
  parseMonthArgument,
  planArchives,
  skippedMonthsNote,
} from './months.ts';
import { POLICE_API_PACE, TokenBucket } from './pacing.ts';
import { fetchCrimeDates } from './police-api.ts';
import {
  fetchApiMonth,
  fetchArchiveMonths,
  monthsWithoutArchive,
  readOutline,
  type FetchedMonth,
} from './fetch-months.ts';
import { finalStatus } from './http-errors.ts';
import type { ProgressSink } from './progress.ts';
import { RunDownloads } from './run-downloads.ts';
import type { MonthSelection } from './fetch-options.ts';

export type { FetchedMonth } from './fetch-months.ts';

export interface FetchSourcesOptions {
  selection: MonthSelection;
  config?: SourceConfig;
  /** Cache root (default data/cache): see cache.ts for the layout. */
  cacheRoot?: string;
  /** The district outline the API is asked about (default data/reference/leeds-outline.geojson). */
  outlineFile?: string;
  /** Forces whose files are kept (police.uk slugs). */
  forces?: readonly string[];
  log?: Log;
  progress?: ProgressSink;
  /** Retry and timeout settings (tests shorten the backoff). */
  http?: Omit<HttpClientOptions, 'bucket' | 'log'>;
  now?: () => Date;
  /** What the run fetched already (for another district): each request is made once a run. */
  downloads?: RunDownloads;
}

export interface FetchSourcesResult {
  months: FetchedMonth[];
  paths: SourcePaths;
  /** Requests and bytes spent on police.uk (archives and API). */
  stats: HttpStats;
}

export const DEFAULT_OUTLINE_FILE = path.join('data', 'reference', 'leeds-outline.geojson');

export async function fetchSources(options: FetchSourcesOptions): Promise<FetchSourcesResult> {
  const config = options.config ?? resolveSourceConfig();
  const paths = sourcePaths(options.cacheRoot);
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const forces = options.forces ?? FORCES;
  await restoreStagedMonths(paths, log);
  const downloads = options.downloads ?? new RunDownloads();
  const client = new HttpClient({
    ...options.http,
    bucket: new TokenBucket(POLICE_API_PACE.perSecond, POLICE_API_PACE.burst),
    log,
  });

  const probeOnce = (url: string) => downloads.once(`HEAD ${url}`, () => probeArchive(client, url));
  const latest = await probeOnce(sourceUrl(config.policeArchiveBaseUrl, 'latest.zip').href);
  log(`police.uk: latest archive is ${latest.name} (${latest.size} bytes)`);
  const selection = options.selection;
  let wanted: string[];
  let apiDates: string[] | undefined;
  const crimeDates = async (): Promise<string[]> =>
    (apiDates ??= await downloads.once(`dates ${config.policeApiBaseUrl}`, () =>
      fetchCrimeDates(client, config.policeApiBaseUrl),
    ));
  if ('latest' in selection) {
    const dates = await crimeDates();
    const newest = newestPublishedMonth(latest.month, dates);
    const skipped = monthsTheApiSkips(latest.month, dates);
    if (skipped.length > 0) log(skippedMonthsNote(skipped, dates, newest));
    wanted = [newest];
  } else if ('month' in selection) {
    wanted = [parseMonthArgument(selection.month, '--month')];
  } else {
    wanted = monthRange(
      parseMonthArgument(selection.from, '--range FROM'),
      parseMonthArgument(selection.to, '--range TO'),
    );
  }

  const apiMonths = wanted.filter((m) => m > latest.month);
  if (apiMonths.length > 0) {
    const published = new Set(await crimeDates());
    const missing = apiMonths.filter((m) => !published.has(m));
    if (missing.length > 0) {
      const dates = await crimeDates();
      const newest = newestPublishedMonth(latest.month, dates);
      const skippedByApi = new Set(monthsTheApiSkips(latest.month, dates));
      const skipped = missing.filter((m) => skippedByApi.has(m));
      throw new Error(
        skipped.length > 0
          ? `month ${skipped.join(', ')} is not listed by police.uk's API, though it lists later ` +
              `months (up to ${dates[0] ?? 'unknown'}; the latest archive is ${latest.month}): ` +
              `police.uk left ${skipped.length === 1 ? 'it' : 'them'} out. Ask for months up to ` +
              `${newest}, or wait until police.uk lists ${skipped.length === 1 ? 'it' : 'them'}.`
          : `month ${missing.join(', ')} is not published by police.uk yet: the latest archive is ` +
              `${latest.month} and the API's newest month is ${dates[0] ?? 'unknown'}. Ask for ` +
              `months up to ${newest}.`,
      );
    }
    // The API's crimes name no force: its months take the territorial force's name, so a
    // force without one stops the run here rather than after a month of API requests.
    policeForceName(forces[0] ?? '');
  }

  const results: FetchedMonth[] = [];
  const plans = planArchives(wanted, latest.month);
  for (let plan = plans.shift(); plan !== undefined; plan = plans.shift()) {
    let probe = latest;
    if (plan.archive !== latest.month) {
      const url = sourceUrl(config.policeArchiveBaseUrl, `${plan.archive}.zip`).href;
      try {
        probe = await probeOnce(url);
      } catch (error) {
        const status = finalStatus(error);
        if (status !== 404 && status !== 410) throw error;
        // An archive police.uk no longer serves: its months that newer archives hold too are
        // planned again over those; the others are kept from the cache or left as gaps.
        const withdrawn = plan.archive;
        const onlyOlder = plan.months.filter((m) => lastArchiveHolding(m) <= withdrawn);
        const elsewhere = plan.months.filter((m) => !onlyOlder.includes(m));
        const name = `${plan.archive}.zip`;
        results.push(...(await monthsWithoutArchive(onlyOlder, name, status, { paths, log })));
        plans.unshift(...planArchives(elsewhere, latest.month));
        continue;
      }
    }
    results.push(
      ...(await fetchArchiveMonths(plan.months, probe, {
        ...options,
        client,
        paths,
        log,
        now,
        forces,
        downloads,
      })),
    );
  }
  if (apiMonths.length > 0) {
    const outline = await readOutline(options.outlineFile ?? DEFAULT_OUTLINE_FILE);
    const snapshot = `api:${apiDates?.[0] ?? apiMonths.at(-1)}`;
    for (const month of apiMonths) {
      results.push(
        await fetchApiMonth(month, snapshot, outline, {
          client,
          config,
          paths,
          log,
          now,
          forces,
          downloads,
        }),
      );
    }
  }
  // Months planned again after a withdrawn archive come after the others: in month order.
  results.sort((a, b) => a.month.localeCompare(b.month));
  return { months: results, paths, stats: { ...client.stats } };
}
