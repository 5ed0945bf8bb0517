// The fetch step: bring the months asked for into the local cache, fetching only what is new
// or revised. Archives are preferred; the API serves only months no archive holds yet.
// Each month is written whole (files, then its manifest) or not at all; a month that cannot be
// fetched fails the run with the month and the cause.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { FORCES } from '../../src/shared/constants.ts';
import { FILE_KINDS } from '../archive.ts';
import { apiCrimeSchema, normaliseApiCrime } from '../normalise.ts';
import { openRemoteArchive, probeArchive, type ArchiveProbe } from './archive-remote.ts';
import {
  commitApiMonth,
  commitArchiveMonth,
  discardStaged,
  readMonthManifest,
  sourcePaths,
  stageMonth,
  type FetchedFile,
  type MonthManifest,
  type SourcePaths,
} from './cache.ts';
import { resolveSourceConfig, sourceUrl, type SourceConfig } from './config.ts';
import {
  HttpClient,
  POLICE_API_PACE,
  TokenBucket,
  type HttpClientOptions,
  type HttpStats,
  type Log,
} from './http.ts';
import { monthRange } from '../../src/shared/months.ts';
import { readEarlierMonths } from './earlier-months.ts';
import { parseMonthArgument, newestPublishedMonth, planArchives } from './months.ts';
import { areaKey, readLeafHistory, recordMonth, writeLeafHistory } from './api-leaf-history.ts';
import {
  districtQueryPolygons,
  fetchCrimeDates,
  fetchMonthCrimes,
  polyParameter,
} from './police-api.ts';
import type { ProgressSink } from './progress.ts';
import { crc32 } from 'node:zlib';
import { UsageError, type ArgValue, type OptionSpec } from '../args.ts';

export type MonthSelection = { latest: true } | { month: string } | { from: string; to: string };

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
}

export interface FetchedMonth {
  month: string;
  source: 'archive' | 'api';
  snapshot: string;
  /** "fetched": written now; "unchanged": already in the cache and not revised. */
  status: 'fetched' | 'unchanged';
}

export interface FetchSourcesResult {
  months: FetchedMonth[];
  paths: SourcePaths;
  /** Requests and bytes spent on police.uk (archives and API). */
  stats: HttpStats;
}

export const DEFAULT_OUTLINE_FILE = path.join('data', 'reference', 'leeds-outline.geojson');
/** The file a month cannot be without: if police.uk lists none for West Yorkshire, the month is empty. */
const REQUIRED_FORCE = 'west-yorkshire';

export async function fetchSources(options: FetchSourcesOptions): Promise<FetchSourcesResult> {
  const config = options.config ?? resolveSourceConfig();
  const paths = sourcePaths(options.cacheRoot);
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const forces = options.forces ?? FORCES;
  const client = new HttpClient({
    ...options.http,
    bucket: new TokenBucket(POLICE_API_PACE.perSecond, POLICE_API_PACE.burst),
    log,
  });

  const latest = await probeArchive(
    client,
    sourceUrl(config.policeArchiveBaseUrl, 'latest.zip').href,
  );
  log(`police.uk: latest archive is ${latest.name} (${latest.size} bytes)`);
  const selection = options.selection;
  let wanted: string[];
  let apiDates: string[] | undefined;
  const crimeDates = async (): Promise<string[]> =>
    (apiDates ??= await fetchCrimeDates(client, config.policeApiBaseUrl));
  if ('latest' in selection) {
    wanted = [newestPublishedMonth(latest.month, await crimeDates())];
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
      throw new Error(
        `month ${missing.join(', ')} is not published by police.uk yet: the latest archive is ${latest.month} ` +
          `and the API's newest month is ${apiDates?.[0] ?? 'unknown'}. Ask for an earlier month.`,
      );
    }
  }

  const results: FetchedMonth[] = [];
  for (const plan of planArchives(wanted, latest.month)) {
    const probe =
      plan.archive === latest.month
        ? latest
        : await probeArchive(
            client,
            sourceUrl(config.policeArchiveBaseUrl, `${plan.archive}.zip`).href,
          );
    results.push(
      ...(await fetchArchiveMonths(plan.months, probe, {
        ...options,
        client,
        paths,
        log,
        now,
        forces,
      })),
    );
  }
  if (apiMonths.length > 0) {
    const outline = await readOutline(options.outlineFile ?? DEFAULT_OUTLINE_FILE);
    const snapshot = `api:${apiDates?.[0] ?? apiMonths.at(-1)}`;
    for (const month of apiMonths) {
      results.push(
        await fetchApiMonth(month, snapshot, outline, { client, config, paths, log, now, forces }),
      );
    }
  }
  return { months: results, paths, stats: { ...client.stats } };
}

interface Context {
  client: HttpClient;
  paths: SourcePaths;
  log: Log;
  now: () => Date;
  forces: readonly string[];
  progress?: ProgressSink;
}

/** The same archive file as recorded: same URL and size, and same ETag / Last-Modified when known. */
function sameArchive(recorded: MonthManifest['archive'], probe: ArchiveProbe): boolean {
  return (
    recorded !== undefined &&
    recorded.url === probe.url &&
    recorded.size === probe.size &&
    recorded.etag === probe.etag &&
    recorded.lastModified === probe.lastModified
  );
}

async function fetchArchiveMonths(
  months: readonly string[],
  probe: ArchiveProbe,
  context: Context,
): Promise<FetchedMonth[]> {
  const { paths, log } = context;
  const manifests = new Map<string, MonthManifest | undefined>();
  for (const month of months) manifests.set(month, await readMonthManifest(paths, month));
  const unchanged = (month: string): FetchedMonth => ({
    month,
    source: 'archive',
    snapshot: probe.name,
    status: 'unchanged',
  });
  // Nothing to read when every month came from this very file.
  if (months.every((m) => sameArchive(manifests.get(m)?.archive, probe))) {
    log(`${probe.name}: ${months.join(', ')} already cached from this archive`);
    return months.map(unchanged);
  }

  const archive = await openRemoteArchive(probe, {
    client: context.client,
    downloadDir: paths.downloadDir,
    log,
    ...(context.progress ? { progress: context.progress } : {}),
  });
  const results: FetchedMonth[] = [];
  for (const month of months) {
    const wantedNames = new Set(
      context.forces.flatMap((force) =>
        FILE_KINDS.map((kind) => `${month}/${month}-${force}-${kind}.csv`),
      ),
    );
    const entries = archive.entries
      .filter((entry) => wantedNames.has(entry.name))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (!entries.some((entry) => entry.name === `${month}/${month}-${REQUIRED_FORCE}-street.csv`)) {
      throw new Error(
        `${probe.name} has no ${REQUIRED_FORCE} street file for ${month}: police.uk published no crimes ` +
          `for that month in this archive. Nothing was written for ${month}; check the month or try a later archive.`,
      );
    }
    const files: FetchedFile[] = entries.map((entry) => ({
      name: path.posix.basename(entry.name),
      bytes: entry.uncompressedSize,
      crc32: entry.crc32 >>> 0,
    }));
    const recorded = manifests.get(month);
    if (recorded?.source === 'archive' && sameFiles(recorded.files, files)) {
      results.push(unchanged(month));
      continue;
    }
    const staged = await stageMonth(paths, month);
    try {
      for (const entry of entries) {
        await archive.extract(entry, path.join(staged, path.posix.basename(entry.name)));
      }
      const manifest: MonthManifest = {
        month,
        source: 'archive',
        snapshot: probe.name,
        fetchedAt: context.now().toISOString(),
        archive: {
          url: probe.url,
          size: probe.size,
          ...(probe.lastModified !== undefined ? { lastModified: probe.lastModified } : {}),
          ...(probe.etag !== undefined ? { etag: probe.etag } : {}),
        },
        files,
      };
      await commitArchiveMonth(paths, staged, manifest);
    } catch (error) {
      await discardStaged(staged);
      throw new Error(`month ${month} from ${probe.name} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    log(
      `${month}: ${recorded ? 'revised' : 'new'}, ${files.length} files from ${probe.name} (${archive.mode})`,
    );
    results.push({ month, source: 'archive', snapshot: probe.name, status: 'fetched' });
  }
  return results;
}

function sameFiles(a: readonly FetchedFile[], b: readonly FetchedFile[]): boolean {
  const key = (files: readonly FetchedFile[]) =>
    files
      .map((f) => `${f.name}:${f.bytes}:${f.crc32}`)
      .sort()
      .join('|');
  return key(a) === key(b);
}

async function fetchApiMonth(
  month: string,
  snapshot: string,
  outline: Feature<Polygon | MultiPolygon>,
  context: {
    client: HttpClient;
    config: SourceConfig;
    paths: SourcePaths;
    log: Log;
    now: () => Date;
    forces: readonly string[];
  },
): Promise<FetchedMonth> {
  const { paths, log } = context;
  const recorded = await readMonthManifest(paths, month);
  if (recorded?.source === 'api' && recorded.snapshot === snapshot) {
    return { month, source: 'api', snapshot, status: 'unchanged' };
  }
  const area = districtQueryPolygons(outline);
  const history = await readLeafHistory(paths.apiLeafHistory, areaKey(area.map(polyParameter)));
  const answer = await fetchMonthCrimes({
    client: context.client,
    apiBaseUrl: context.config.policeApiBaseUrl,
    month,
    area,
    history,
    historyFile: paths.apiLeafHistory,
    earlier: await readEarlierMonths(paths, month, context.forces),
    log,
  });
  if (answer.crimes.length === 0) {
    throw new Error(
      `police.uk API month ${month} returned no crimes at all for the district: refusing to record an empty month. ` +
        'Nothing was written for it; try again later.',
    );
  }
  // The pipeline normalises these same objects; counting here only reports what it will drop.
  const dropped = new Map<string, number>();
  for (const crime of answer.crimes) {
    const parsed = apiCrimeSchema.safeParse(crime);
    const normalised = parsed.success ? normaliseApiCrime(parsed.data) : undefined;
    const reason =
      normalised === undefined
        ? 'not-a-crime-object'
        : normalised.ok
          ? undefined
          : normalised.reason;
    if (reason !== undefined) dropped.set(reason, (dropped.get(reason) ?? 0) + 1);
  }
  const json = `${JSON.stringify(answer.crimes)}\n`;
  const bytes = Buffer.from(json);
  await commitApiMonth(paths, json, {
    month,
    source: 'api',
    snapshot,
    fetchedAt: context.now().toISOString(),
    api: { requests: answer.requests, polygons: answer.polygons, crimes: answer.crimes.length },
    files: [{ name: `${month}.json`, bytes: bytes.length, crc32: crc32(bytes) >>> 0 }],
  });
  // Recorded only once the month is saved: a month that failed teaches the history nothing.
  await writeLeafHistory(paths.apiLeafHistory, recordMonth(history, month, answer.pieces));
  const drops = [...dropped].map(([reason, count]) => `${count} ${reason}`).join(', ');
  log(
    `${month}: ${answer.crimes.length} crimes from the police.uk API in ${answer.requests} requests` +
      (drops ? ` (normalisation will drop ${drops})` : ''),
  );
  return { month, source: 'api', snapshot, status: 'fetched' };
}

async function readOutline(file: string): Promise<Feature<Polygon | MultiPolygon>> {
  let parsed: { features?: Feature<Polygon | MultiPolygon>[] };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as typeof parsed;
  } catch (cause) {
    throw new Error(`${file}: cannot read the district outline GeoJSON`, { cause });
  }
  const feature = parsed.features?.[0];
  if (
    !feature ||
    (feature.geometry.type !== 'Polygon' && feature.geometry.type !== 'MultiPolygon')
  ) {
    throw new Error(
      `${file}: expected a FeatureCollection whose first feature is the district polygon`,
    );
  }
  return feature;
}

const MONTH_CHOICE = 'use --latest, --month YYYY-MM or --range FROM TO (months as YYYY-MM)';

/** The fetch step's command-line options (pipeline/args.ts parses them). */
export const FETCH_OPTIONS = {
  latest: {
    type: 'boolean',
    description: 'fetch the latest published month (the default without --offline)',
  },
  month: { type: 'string', value: 'YYYY-MM', description: 'fetch one month' },
  range: {
    type: 'string',
    arity: 2,
    value: 'FROM TO',
    description: 'fetch every month from FROM to TO (YYYY-MM)',
  },
  'police-archive-base-url': {
    type: 'string',
    value: 'URL',
    description: 'police.uk archives elsewhere (a mirror)',
  },
  'police-api-base-url': {
    type: 'string',
    value: 'URL',
    description: 'the police.uk API elsewhere',
  },
  'postcodes-base-url': { type: 'string', value: 'URL', description: 'postcodes.io elsewhere' },
  'leeds-mapserver-url': {
    type: 'string',
    value: 'URL',
    description: "the council's polling districts elsewhere",
  },
} as const satisfies Record<string, OptionSpec>;

const OVERRIDE_OPTIONS: Record<string, keyof SourceConfig> = {
  'police-archive-base-url': 'policeArchiveBaseUrl',
  'police-api-base-url': 'policeApiBaseUrl',
  'postcodes-base-url': 'postcodesBaseUrl',
  'leeds-mapserver-url': 'leedsMapServerUrl',
};

/** The month selection and URL overrides from the parsed command line (FETCH_OPTIONS). */
export function fetchOptionsFromArgs(values: Readonly<Record<string, ArgValue>>): {
  selection: MonthSelection | undefined;
  overrides: Partial<SourceConfig>;
} {
  const month = (value: string, what: string) => {
    try {
      return parseMonthArgument(value, what);
    } catch (cause) {
      throw new UsageError((cause as Error).message, { cause });
    }
  };
  const choices: MonthSelection[] = [];
  if (values['latest'] === true) choices.push({ latest: true });
  if (typeof values['month'] === 'string')
    choices.push({ month: month(values['month'], '--month') });
  const range = values['range'];
  if (Array.isArray(range)) {
    choices.push({ from: month(range[0], '--range FROM'), to: month(range[1], '--range TO') });
  }
  if (choices.length > 1)
    throw new UsageError(`give only one of --latest, --month, --range: ${MONTH_CHOICE}`);
  const overrides: { -readonly [K in keyof SourceConfig]?: string } = {};
  for (const [option, key] of Object.entries(OVERRIDE_OPTIONS)) {
    const value = values[option];
    if (typeof value === 'string') overrides[key] = value;
  }
  return { selection: choices[0], overrides };
}
