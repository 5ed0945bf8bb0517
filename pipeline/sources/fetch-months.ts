// Fetching one kind of month into the local cache: the months an archive holds (by range
// requests on the remote zip) and a month only the API serves (by the district's polygon).
// Each month is written whole (files, then its manifest) or not at all.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { FILE_KINDS } from '../archive.ts';
import { policeForceName } from '../../src/shared/police-forces.ts';
import { sum } from 'd3-array';
import { apiCrimeSchema, normaliseApiCrime } from '../normalise.ts';
import { MONTH_PATTERN } from '../../src/shared/months.ts';
import { openRemoteArchive, type ArchiveProbe } from './archive-remote.ts';
import {
  commitApiMonth,
  commitArchiveMonth,
  discardStaged,
  manifestPath,
  readCachedMonth,
  stageMonth,
  type FetchedFile,
  type MonthManifest,
  type SourcePaths,
} from './cache.ts';
import type { SourceConfig } from './config.ts';
import { HttpClient, type Log } from './http.ts';
import { readEarlierMonths } from './earlier-months.ts';
import { areaKey, readLeafHistory, recordMonth, writeLeafHistory } from './api-leaf-history.ts';
import { fetchMonthCrimes } from './police-api.ts';
import { districtQueryPolygons, polyParameter } from './query-polygons.ts';
import type { ProgressSink } from './progress.ts';
import { linkOrCopy, type RunDownloads } from './run-downloads.ts';
import type { ZipEntry } from './zip.ts';
import { crc32 } from 'node:zlib';
import { errorMessage } from '../../src/shared/error-message.ts';
import { contentOf, describeContent, sameContent, type FileContent } from '../file-content.ts';

export interface FetchedMonth {
  month: string;
  source: 'archive' | 'api';
  snapshot: string;
  /**
   * "fetched": written now; "unchanged": already in the cache and not revised; "kept": the
   * archive re-issues the month with fewer files than the copy cached (a force's street,
   * outcomes or stop-and-search file gone) or with two different files of one name, so the
   * cached copy is kept and `note` says why;
   * "gap": the archive that should hold it has no street file of the area's territorial force
   * (its first), or two different files under one name, and nothing is cached, so the month is
   * left out of every output (a gap, never a zero).
   */
  status: 'fetched' | 'unchanged' | 'kept' | 'gap';
  /**
   * For "kept": why the archive is not taken and which copy stays; for a "gap" that is not the
   * missing street file: why. For the run's notes.
   */
  note?: string;
}

export interface Context {
  client: HttpClient;
  paths: SourcePaths;
  log: Log;
  now: () => Date;
  forces: readonly string[];
  progress?: ProgressSink;
  /** What the run fetched already, for another district: taken from there, not fetched again. */
  downloads: RunDownloads;
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

export async function fetchArchiveMonths(
  months: readonly string[],
  probe: ArchiveProbe,
  context: Context,
): Promise<FetchedMonth[]> {
  const { paths, log } = context;
  const manifests = new Map<string, MonthManifest | undefined>();
  for (const month of months) manifests.set(month, await readCachedMonth(paths, month, log));
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

  const archive = await context.downloads.archive(probe, () =>
    openRemoteArchive(probe, {
      client: context.client,
      downloadDir: paths.downloadDir,
      log,
      ...(context.progress ? { progress: context.progress } : {}),
    }),
  );
  const results: FetchedMonth[] = [];
  for (const month of months) {
    const wantedNames = new Set(
      context.forces.flatMap((force) =>
        FILE_KINDS.map((kind) => `${month}/${month}-${force}-${kind}.csv`),
      ),
    );
    const { entries, repeated, differing } = onePerName(
      archive.entries.filter((entry) => wantedNames.has(entry.name)),
    );
    const recorded = manifests.get(month);
    if (repeated.length > 0) {
      log(
        `${month}: ${probe.name} holds ${repeated.join(', ')} more than once, the same bytes each time: read once`,
      );
    }
    // The territorial force's street file (the first force) is the one a month cannot be
    // without: if police.uk lists none, the month is empty.
    const required = context.forces[0];
    const street = `${month}/${month}-${required}-street.csv`;
    if (!entries.some((e) => e.name === street) && !differing.some((d) => d.name === street)) {
      // One missing month must not stop every other month of a backfill: it is reported as a
      // gap (or the copy already cached is kept), and the gate refuses a published month
      // that goes missing.
      if (recorded) {
        results.push(
          keptMonth(recorded, `${probe.name} has no ${required} street file for it`, context),
        );
      } else {
        results.push({ month, source: 'archive', snapshot: probe.name, status: 'gap' });
      }
      continue;
    }
    // Two different files under one name: nothing says which is the month's. The copy cached
    // stays; with none, the month is a gap (as one without its street file), noted with both
    // copies, and the other months of a backfill go on.
    if (differing.length > 0) {
      const holds = `${probe.name} holds ${differing.map(describeCopies).join('; ')}`;
      const until = 'until police.uk re-issues the archive with one copy of each file';
      if (recorded) {
        results.push(keptMonth(recorded, holds, context, until));
        continue;
      }
      const note =
        `${month} is a gap: ${holds}, and nothing tells which is the month's, so it is left ` +
        `out of every output (never shown as zero) ${until}`;
      log(note);
      results.push({ month, source: 'archive', snapshot: probe.name, status: 'gap', note });
      continue;
    }
    const files: FetchedFile[] = entries.map((entry) => ({
      name: path.posix.basename(entry.name),
      ...contentOfEntry(entry),
    }));
    if (recorded?.source === 'archive' && sameFiles(recorded.files, files)) {
      results.push(unchanged(month));
      continue;
    }
    // A re-issue never takes a file away unnoticed: without it the month would lose that
    // force's crimes, its outcomes or its searches, and the totals the gate compares could
    // hardly move (outcomes fall back to each crime's last outcome category).
    // (A month cached from the API has its own file, which no archive holds: the archive
    // replaces it as always.)
    const lost = recorded?.source === 'archive' ? lostFiles(recorded.files, files) : [];
    if (recorded && lost.length > 0) {
      results.push(keptMonth(recorded, `${probe.name} no longer has ${lost.join(', ')}`, context));
      continue;
    }
    const staged = await stageMonth(paths, month);
    let shared = 0;
    let reused = 0;
    try {
      for (const entry of entries) {
        const destination = path.join(staged, path.posix.basename(entry.name));
        if (await reusedFromCache(paths, recorded, entry, destination)) {
          reused += 1;
        } else if ((await context.downloads.extract(archive, entry, destination)) === 'shared') {
          shared += 1;
        }
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
      for (const entry of entries) {
        const file = path.join(paths.archiveDir, month, path.posix.basename(entry.name));
        context.downloads.keep(archive, entry, file);
      }
    } catch (error) {
      await discardStaged(staged);
      throw new Error(`month ${month} from ${probe.name} failed: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    log(
      `${month}: ${recorded ? 'revised' : 'new'}, ${files.length} files from ${probe.name} (${archive.mode})` +
        (reused > 0 ? `, ${reused} of them unchanged and reused from the copy cached` : '') +
        (shared > 0 ? `, ${shared} of them downloaded for another district of this run` : ''),
    );
    results.push({ month, source: 'archive', snapshot: probe.name, status: 'fetched' });
  }
  return results;
}

/**
 * Whether `entry` of a re-issued month is the file its cached copy (manifest `recorded`) holds:
 * the same size and CRC-32 as recorded, and as its bytes give now. Then that file is linked to
 * `destination` (linkOrCopy) rather than downloaded again: its size and time kept, so nothing that
 * fingerprints the cache's files by size and time (month-keys.ts, month-outcomes.ts) takes it
 * for changed. A re-issue that revises one force's street file would otherwise make the
 * month's unchanged outcomes file a new one, and every month made with it would be processed
 * again.
 */
async function reusedFromCache(
  paths: SourcePaths,
  recorded: MonthManifest | undefined,
  entry: ZipEntry,
  destination: string,
): Promise<boolean> {
  if (recorded?.source !== 'archive') return false;
  const name = path.posix.basename(entry.name);
  const wanted = contentOfEntry(entry);
  const file = recorded.files.find((f) => f.name === name);
  if (file === undefined || !sameContent(file, wanted)) return false;
  const cached = path.join(paths.archiveDir, recorded.month, name);
  const content = await contentOf(createReadStream(cached)).catch(() => null);
  if (content === null || !sameContent(content, wanted)) return false;
  await linkOrCopy(cached, destination);
  return true;
}

/** One name's entries of an archive, when it holds several that differ. */
export interface DifferingCopies {
  name: string;
  copies: readonly ZipEntry[];
}

/**
 * `entries` with one entry per name, sorted by name: copies of a name with the same size and
 * CRC-32 are one file (`repeated` names them); copies that differ cannot be settled and are
 * listed in `differing` (their name is left out of `entries`).
 */
export function onePerName(entries: readonly ZipEntry[]): {
  entries: ZipEntry[];
  repeated: string[];
  differing: DifferingCopies[];
} {
  const byName = new Map<string, ZipEntry[]>();
  for (const entry of entries) {
    const copies = byName.get(entry.name);
    if (copies === undefined) byName.set(entry.name, [entry]);
    else copies.push(entry);
  }
  const one: ZipEntry[] = [];
  const repeated: string[] = [];
  const differing: DifferingCopies[] = [];
  for (const [name, copies] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    const [first] = copies as [ZipEntry, ...ZipEntry[]];
    const same = copies.every((c) => sameContent(contentOfEntry(c), contentOfEntry(first)));
    if (!same) differing.push({ name, copies });
    else {
      one.push(first);
      if (copies.length > 1) repeated.push(name);
    }
  }
  return { entries: one, repeated, differing };
}

/** "2 copies of NAME, not all the same (N bytes, CRC-32 X; ...)", for the run's notes. */
function describeCopies({ name, copies }: DifferingCopies): string {
  const each = copies.map((c) => describeContent(contentOfEntry(c)));
  return `${copies.length} copies of ${name}, not all the same (${each.join('; ')})`;
}

/** What an entry's directory record says of its content. */
function contentOfEntry(entry: ZipEntry): FileContent {
  return { bytes: entry.uncompressedSize, crc32: entry.crc32 >>> 0 };
}

/** The names in `recorded` that `files` lacks, in order. */
function lostFiles(recorded: readonly FetchedFile[], files: readonly FetchedFile[]): string[] {
  const now = new Set(files.map((f) => f.name));
  return recorded
    .map((f) => f.name)
    .filter((name) => !now.has(name))
    .sort();
}

/**
 * The months of an archive police.uk no longer serves (`status`: its HEAD's 404 or 410): a
 * month cached from an earlier run is kept, one never fetched is a gap, each with a note. The
 * archives a refresh reads for its oldest months can be withdrawn; stopping the run there
 * would stop every refresh after it, revisions of the newest months included.
 */
export async function monthsWithoutArchive(
  months: readonly string[],
  name: string,
  status: number,
  context: Pick<Context, 'paths' | 'log'>,
): Promise<FetchedMonth[]> {
  const gone = `${name} is not on police.uk (HTTP ${status})`;
  const results: FetchedMonth[] = [];
  for (const month of months) {
    const recorded = await readCachedMonth(context.paths, month, context.log);
    if (recorded) {
      results.push(keptMonth(recorded, gone, context, 'while police.uk does not serve it'));
      continue;
    }
    const note =
      `${month}: ${gone} and no copy of the month is cached, so it is left out (a gap): ask ` +
      'for it again once police.uk serves an archive holding it';
    context.log(note);
    results.push({ month, source: 'archive', snapshot: name, status: 'gap', note });
  }
  return results;
}

/**
 * The cached copy of a month kept against an archive that lacks some of its files (or holds
 * two that differ under one name): `until` says how long, by default until its manifest is
 * deleted by hand.
 */
function keptMonth(
  recorded: MonthManifest,
  why: string,
  context: Pick<Context, 'paths' | 'log'>,
  until?: string,
): FetchedMonth {
  const manifest = path.relative('.', manifestPath(context.paths, recorded.month));
  const note =
    `${recorded.month}: ${why}; the copy cached from ${recorded.snapshot} is kept ` +
    (until ?? `(delete ${manifest} to take the archive as it is)`);
  context.log(note);
  return {
    month: recorded.month,
    source: recorded.source,
    snapshot: recorded.snapshot,
    status: 'kept',
    note,
  };
}

function sameFiles(a: readonly FetchedFile[], b: readonly FetchedFile[]): boolean {
  const key = (files: readonly FetchedFile[]) =>
    files
      .map((f) => `${f.name}:${f.bytes}:${f.crc32}`)
      .sort()
      .join('|');
  return key(a) === key(b);
}

export async function fetchApiMonth(
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
    downloads: RunDownloads;
  },
): Promise<FetchedMonth> {
  const { paths, log } = context;
  const recorded = await readCachedMonth(paths, month, log);
  if (recorded?.source === 'api' && recorded.snapshot === snapshot) {
    return { month, source: 'api', snapshot, status: 'unchanged' };
  }
  const area = districtQueryPolygons(outline);
  const history = await readLeafHistory(paths.apiLeafHistory, areaKey(area.map(polyParameter)));
  const earlier = await readEarlierMonths(paths, month, context.forces);
  // Two districts with one outline (of one force) ask the same questions: asked once a run,
  // checked against the piece history of the district that asked first.
  const query = JSON.stringify([context.config.policeApiBaseUrl, month, area.map(polyParameter)]);
  const answer = await context.downloads.once(query, () =>
    fetchMonthCrimes({
      client: context.client,
      apiBaseUrl: context.config.policeApiBaseUrl,
      month,
      area,
      history,
      historyFile: paths.apiLeafHistory,
      earlier,
      log,
    }),
  );
  if (answer.crimes.length === 0) {
    throw new Error(
      `police.uk API month ${month} returned no crimes at all for the district: refusing to record an empty month. ` +
        'Nothing was written for it; try again later.',
    );
  }
  // The pipeline normalises these same objects; counting here only reports what it will drop.
  // An element that is not an object is no crime it can drop with a reason: reading the
  // month would stop every run (api-months.ts), and the month, once saved, is not asked again.
  const dropped = new Map<string, number>();
  const notCrimes: number[] = [];
  /** Crimes dated in another month than the one asked, by that month. */
  const otherMonths = new Map<string, number>();
  const reportedBy = policeForceName(context.forces[0] ?? '');
  for (const [index, crime] of answer.crimes.entries()) {
    const parsed = apiCrimeSchema.safeParse(crime);
    if (!parsed.success) {
      notCrimes.push(index);
      continue;
    }
    const dated = (parsed.data.month ?? '').trim();
    if (MONTH_PATTERN.test(dated) && dated !== month) {
      otherMonths.set(dated, (otherMonths.get(dated) ?? 0) + 1);
    }
    const normalised = normaliseApiCrime(parsed.data, reportedBy);
    if (!normalised.ok) dropped.set(normalised.reason, (dropped.get(normalised.reason) ?? 0) + 1);
  }
  // The server answered another month than the one asked (or a mix): saved, the month would
  // lose those crimes as dated otherwise than their month, and count as fetched until the
  // API's newest month moves on.
  if (otherMonths.size > 0) {
    const counted = [...otherMonths]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([other, count]) => `${count} of ${other}`)
      .join(', ');
    const total = sum(otherMonths.values());
    throw new Error(
      `police.uk API month ${month} answered ${total} of its ${answer.crimes.length} crimes ` +
        `dated in another month (${counted}): the API did not answer the month asked. ` +
        'Nothing was written for it; try again later.',
    );
  }
  if (notCrimes.length > 0) {
    const first = notCrimes[0] as number;
    const shown = JSON.stringify(answer.crimes[first]) ?? String(answer.crimes[first]);
    throw new Error(
      `police.uk API month ${month} answered ${notCrimes.length} element${notCrimes.length === 1 ? '' : 's'} ` +
        `that ${notCrimes.length === 1 ? 'is' : 'are'} not a crimes-street object (element [${first}] of ` +
        `${answer.crimes.length}: ${shown.slice(0, 80)}). Nothing was written for it; try again later.`,
    );
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

export async function readOutline(file: string): Promise<Feature<Polygon | MultiPolygon>> {
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
