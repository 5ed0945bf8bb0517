import { existsSync } from 'node:fs';
import { link, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { describe, expect, it } from 'vitest';
import { downloadResumable, probeArchive } from '../../../pipeline/sources/archive-remote.ts';
import {
  readMonthManifest,
  sourcePaths,
  stagedFolderName,
} from '../../../pipeline/sources/cache.ts';
import { openArchiveInputs } from '../../../pipeline/archive.ts';
import { pipelinePaths } from '../../../pipeline/paths.ts';
import { cleanUpInterruptedRuns } from '../../../pipeline/publish.ts';
import { resolveSourceConfig } from '../../../pipeline/sources/config.ts';
import { HttpClient } from '../../../pipeline/sources/http.ts';
import { fetchNotes, gapNote } from '../../../pipeline/sources/fetch-step.ts';
import { fetchSources, type FetchSourcesOptions } from '../../../pipeline/sources/index.ts';
import {
  monthsTheApiSkips,
  newestPublishedMonth,
  planArchives,
} from '../../../pipeline/sources/months.ts';
import { archiveEntries, buildArchive, sampleStreetFile } from '../../support/police-fixtures.ts';
import { ReplayServer } from '../../support/replay-server.ts';
import { replayPerTest, replaySources } from '../../support/replay-sources.ts';
import { buildZip } from '../../support/zip-writer.ts';
import { ZIP_TAIL_BYTES } from '../../../pipeline/sources/zip.ts';
import { RunDownloads } from '../../../pipeline/sources/run-downloads.ts';

const FAST_HTTP = { minBackoffMs: 1, maxBackoffMs: 5, retries: 3, timeoutMs: 2000 };

let server: ReplayServer;
let cacheRoot: string;
let logs: string[];

replayPerTest('sources-archive-', (s, d) => {
  server = s;
  cacheRoot = d;
  logs = [];
});

function options(selection: FetchSourcesOptions['selection']): FetchSourcesOptions {
  return {
    selection,
    cacheRoot,
    config: resolveSourceConfig({}, replaySources(server)),
    http: FAST_HTTP,
    log: (m) => logs.push(m),
  };
}

/** West Yorkshire's street file of `month` as the fetch wrote it into the archive cache. */
function fetchedStreet(month: string): Promise<Buffer> {
  return readFile(
    path.join(sourcePaths(cacheRoot).archiveDir, month, `${month}-west-yorkshire-street.csv`),
  );
}

function serveLatest(month: string): void {
  const redirect = { status: 302, headers: { location: `/data/archive/${month}.zip` } };
  server.route('HEAD', '/data/archive/latest.zip', [redirect]);
  server.route('GET', '/data/archive/latest.zip', [redirect]);
}

/** 2025-03.zip as latest, without West Yorkshire's files for 2024-11 (an empty month). */
async function serveLatestWithout2024_11(): Promise<void> {
  serveLatest('2025-03');
  server.file(
    '/data/archive/2025-03.zip',
    await buildArchive('2025-03', { omit: (n) => n.startsWith('2024-11/2024-11-west-yorkshire') }),
  );
}

/** `entries` with 2025-03's BTP street file revised (a row added), as a re-issue revises it. */
function reviseBtp2025_03(
  entries: ReturnType<typeof archiveEntries>,
): ReturnType<typeof archiveEntries> {
  return entries.map((e) =>
    e.name === '2025-03/2025-03-btp-street.csv'
      ? { ...e, data: Buffer.concat([e.data, Buffer.from('TEST DATA revision\n')]) }
      : e,
  );
}

/** police.uk republishes 2025-03.zip (a new ETag) with `entries`, on a fresh server. */
async function republish(entries: ReturnType<typeof archiveEntries>): Promise<void> {
  await server.close();
  server = await ReplayServer.start();
  serveLatest('2025-03');
  server.file('/data/archive/2025-03.zip', await buildZip(entries), { etag: '"v2"' });
}

/** `zip` with other bytes but the same size, as a republished copy may be. */
function sameSizeOtherBytes(zip: Buffer): Buffer {
  const other = Buffer.from(zip);
  for (let i = 0; i < other.length; i += 4096) other[i] = (other[i] ?? 0) ^ 0xff;
  return other;
}

/**
 * police.uk replaces `old` at `zipPath` by `next`, of the same size, between the probe and the
 * reads: HEAD describes `old` (with `before`'s ETag or Last-Modified), GET serves `next` (with
 * `after`'s, and `options`).
 */
function replacedAfterProbe(
  zipPath: string,
  old: Buffer,
  next: Buffer,
  before: { etag?: string; lastModified?: string },
  after: Parameters<ReplayServer['file']>[2],
): void {
  server.file(zipPath, next, after);
  server.route('HEAD', zipPath, () => ({
    headers: {
      'accept-ranges': 'bytes',
      'content-length': String(old.length),
      ...(before.etag ? { etag: before.etag } : {}),
      ...(before.lastModified ? { 'last-modified': before.lastModified } : {}),
    },
  }));
}

const MARCH = 'Mon, 07 Apr 2025 09:00:00 GMT';
const APRIL = 'Wed, 07 May 2025 09:00:00 GMT';

/** A copy replaced by another of the same size, told apart by its ETag or its Last-Modified. */
const SAME_SIZE_REPLACEMENTS = [
  ['another ETag', { etag: '"v1"' }, { etag: '"v2"' }, '(ETag "v1", now "v2")', '"v1"'],
  [
    'another Last-Modified',
    { lastModified: MARCH },
    { lastModified: APRIL },
    `(Last-Modified "${MARCH}", now "${APRIL}")`,
    MARCH,
  ],
] as const;

async function monthFiles(month: string): Promise<string[]> {
  return (await readdir(path.join(sourcePaths(cacheRoot).archiveDir, month))).sort();
}

describe('newestPublishedMonth(archiveMonth, apiDates)', () => {
  it('is the API newest month when it is ahead of the newest archive, else the archive month', () => {
    expect(newestPublishedMonth('2025-03', ['2025-04', '2025-03'])).toBe('2025-04');
    expect(newestPublishedMonth('2025-03', ['2025-03', '2025-02'])).toBe('2025-03');
    expect(newestPublishedMonth('2025-03', ['2025-01'])).toBe('2025-03');
    expect(newestPublishedMonth('2025-03', [])).toBe('2025-03');
    expect(newestPublishedMonth('2025-03', ['2025-05', '2025-04', '2025-03'])).toBe('2025-05');
  });

  it('ends at the month before one the API skips while listing a later one', () => {
    expect(newestPublishedMonth('2025-02', ['2025-04', '2025-02'])).toBe('2025-02');
    expect(newestPublishedMonth('2025-02', ['2025-06', '2025-05', '2025-03'])).toBe('2025-03');
    // In any order, as the API's list is read.
    expect(newestPublishedMonth('2025-02', ['2025-03', '2025-05', '2025-04'])).toBe('2025-05');
    // Across a year's end.
    expect(newestPublishedMonth('2024-11', ['2025-02', '2024-12'])).toBe('2024-12');
  });
});

describe('monthsTheApiSkips(archiveMonth, apiDates)', () => {
  it('names the months after the archive that the API leaves out before its newest', () => {
    expect(monthsTheApiSkips('2025-02', ['2025-04', '2025-02'])).toEqual(['2025-03']);
    expect(monthsTheApiSkips('2024-11', ['2025-03', '2025-01'])).toEqual(['2024-12', '2025-02']);
  });

  it('is empty when the API lists every month after the archive, or none after it', () => {
    expect(monthsTheApiSkips('2025-02', ['2025-04', '2025-03', '2025-02'])).toEqual([]);
    expect(monthsTheApiSkips('2025-02', ['2025-02', '2025-01'])).toEqual([]);
    expect(monthsTheApiSkips('2025-02', [])).toEqual([]);
  });
});

describe('planArchives(wanted, latest)', () => {
  it('covers 75 months with 3 archives, newest archives preferred', () => {
    const wanted: string[] = [];
    for (let y = 2019; y <= 2025; y += 1) {
      for (let m = 1; m <= 12; m += 1) wanted.push(`${y}-${String(m).padStart(2, '0')}`);
    }
    const plans = planArchives(
      wanted.filter((m) => m <= '2025-03'),
      '2025-03',
    );
    expect(plans.map((p) => p.archive)).toEqual(['2021-12', '2024-12', '2025-03']);
    expect(plans.flatMap((p) => p.months)).toHaveLength(75);
  });

  it('takes one month from the latest archive when the latest archive holds it', () => {
    expect(planArchives(['2024-03'], '2025-03')).toEqual([
      { archive: '2025-03', months: ['2024-03'] },
    ]);
  });
});

describe('fetchSources from a 36-month archive served with ranges', () => {
  it('reads one month of West Yorkshire and BTP by range requests: a small fraction of the archive', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', zip, { etag: '"v1"' });

    const result = await fetchSources(options({ month: '2025-03' }));

    expect(result.months).toEqual([
      { month: '2025-03', source: 'archive', snapshot: '2025-03.zip', status: 'fetched' },
    ]);
    expect(await monthFiles('2025-03')).toEqual([
      '2025-03-btp-outcomes.csv',
      '2025-03-btp-stop-and-search.csv',
      '2025-03-btp-street.csv',
      '2025-03-west-yorkshire-outcomes.csv',
      '2025-03-west-yorkshire-stop-and-search.csv',
      '2025-03-west-yorkshire-street.csv',
    ]);
    const street = await fetchedStreet('2025-03');
    expect(street.equals(sampleStreetFile('2025-03'))).toBe(true);

    const transferred = server.bytesSent('/data/archive/2025-03.zip');
    const gets = server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET');
    // The tail, the central directory (inside the tail or one more read) and the 6 entries.
    expect(gets.length).toBeLessThanOrEqual(8);
    expect(gets.every((r) => r.status === 206)).toBe(true);
    expect(transferred / zip.length).toBeLessThan(0.1);
    console.info(
      `monthly update cost: ${server.requests.length} requests, ${transferred} of ${zip.length} archive bytes ` +
        `(${((100 * transferred) / zip.length).toFixed(1)}%)`,
    );

    const manifest = await readMonthManifest(sourcePaths(cacheRoot), '2025-03');
    expect(manifest).toMatchObject({
      month: '2025-03',
      source: 'archive',
      snapshot: '2025-03.zip',
    });
    expect(manifest?.files).toHaveLength(6);
  });

  it('a second run downloads nothing when the archive is unchanged', async () => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'), { etag: '"v1"' });
    await fetchSources(options({ month: '2025-02' }));
    const before = server.requests.length;
    const again = await fetchSources(options({ month: '2025-02' }));
    expect(again.months[0]?.status).toBe('unchanged');
    // Only the HEAD of latest.zip (redirect + final HEAD).
    expect(server.requests.slice(before).every((r) => r.method === 'HEAD')).toBe(true);
  });

  it('a republished archive re-fetches only the months whose entries changed (by CRC)', async () => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'), { etag: '"v1"' });
    await fetchSources(options({ from: '2025-02', to: '2025-03' }));

    await republish(reviseBtp2025_03(archiveEntries('2025-03')));
    const result = await fetchSources(options({ from: '2025-02', to: '2025-03' }));
    expect(result.months.map((m) => `${m.month}:${m.status}`)).toEqual([
      '2025-02:unchanged',
      '2025-03:fetched',
    ]);
    const btp = await readFile(
      path.join(sourcePaths(cacheRoot).archiveDir, '2025-03', '2025-03-btp-street.csv'),
      'utf8',
    );
    expect(btp.endsWith('TEST DATA revision\n')).toBe(true);
  });

  /** Each entry of `zip` and where its local header starts, where a read of it starts. */
  async function entryOffsets(zip: Buffer): Promise<{ name: string; start: number }[]> {
    const file = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(zip, { lazyEntries: true }, (error, opened) =>
        error ? reject(error) : resolve(opened),
      ),
    );
    const offsets: { name: string; start: number }[] = [];
    await new Promise<void>((resolve, reject) => {
      file.on('entry', (entry: yauzl.Entry) => {
        offsets.push({ name: entry.fileName, start: entry.relativeOffsetOfLocalHeader });
        file.readEntry();
      });
      file.on('end', () => resolve());
      file.on('error', reject);
      file.readEntry();
    });
    file.close();
    return offsets;
  }

  /** The month's files as the pipeline fingerprints them (archive.ts), by name. */
  async function fingerprints(month: string): Promise<Record<string, string>> {
    const [input] = await openArchiveInputs(sourcePaths(cacheRoot).archiveDir);
    try {
      return Object.fromEntries(
        (input?.entries ?? [])
          .filter((e) => e.month === month)
          .map((e) => [path.basename(e.where), e.fingerprint]),
      );
    } finally {
      input?.close();
    }
  }

  it('a re-issued month keeps its unchanged files as they were (the same files, so the same fingerprints) and downloads only the revised one', async () => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'), { etag: '"v1"' });
    await fetchSources(options({ month: '2025-03' }));
    const before = await fingerprints('2025-03');
    expect(Object.keys(before)).toHaveLength(6);
    // Apart in time: a file written again now would have another time.
    await new Promise((done) => setTimeout(done, 20));

    const revised = reviseBtp2025_03(archiveEntries('2025-03'));
    await republish(revised);
    const result = await fetchSources(options({ month: '2025-03' }));
    expect(result.months.map((m) => m.status)).toEqual(['fetched']);
    const after = await fingerprints('2025-03');
    const changed = Object.keys(after).filter((name) => after[name] !== before[name]);
    expect(changed).toEqual(['2025-03-btp-street.csv']);
    expect((await fetchedStreet('2025-03')).equals(sampleStreetFile('2025-03'))).toBe(true);
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^2025-03: revised, 6 files from 2025-03\.zip .*, 5 of them unchanged and reused from the copy cached/,
      ),
    );
    // The entries read (a range from an entry's local header): the revised one alone. The
    // other requests are the archive's tail and central directory.
    const offsets = await entryOffsets(await buildZip(revised));
    const read = server
      .requestsTo('/data/archive/2025-03.zip')
      .filter((r) => r.method === 'GET')
      .map((r) => Number(/^bytes=(\d+)-/.exec(String(r.headers.range ?? ''))?.[1]))
      .flatMap((from) => offsets.filter((e) => e.start === from).map((e) => e.name));
    expect(read).toEqual(['2025-03/2025-03-btp-street.csv']);
  });

  it('a re-issued month downloads a file again whose cached copy no longer has its recorded bytes', async () => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'), { etag: '"v1"' });
    await fetchSources(options({ month: '2025-03' }));
    // West Yorkshire's street file changed in place, its size kept.
    const street = path.join(
      sourcePaths(cacheRoot).archiveDir,
      '2025-03',
      '2025-03-west-yorkshire-street.csv',
    );
    const damaged = Buffer.from(await readFile(street));
    damaged[damaged.length - 2] = (damaged[damaged.length - 2] ?? 0) ^ 0x01;
    await writeFile(street, damaged);

    await republish(reviseBtp2025_03(archiveEntries('2025-03')));
    await fetchSources(options({ month: '2025-03' }));
    expect((await fetchedStreet('2025-03')).equals(sampleStreetFile('2025-03'))).toBe(true);
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^2025-03: revised, 6 files from 2025-03\.zip .*, 4 of them unchanged and reused from the copy cached/,
      ),
    );
  });

  // A file a re-issue drops would take a force's crimes, the outcomes or the searches out of
  // the month, with totals the gate could hardly tell from a routine revision.
  it.each([
    ['its outcomes file', '2025-02-west-yorkshire-outcomes.csv'],
    ["another force's street file", '2025-02-btp-street.csv'],
    ['its stop-and-search file', '2025-02-west-yorkshire-stop-and-search.csv'],
  ])(
    'a republished archive without %s keeps the copy cached and says why in the notes',
    async (_what, lost) => {
      serveLatest('2025-03');
      server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'), { etag: '"v1"' });
      await fetchSources(options({ from: '2025-02', to: '2025-03' }));
      const cached = await monthFiles('2025-02');
      expect(cached).toContain(lost);

      // The re-issue also revises 2025-03, which is taken as usual.
      await republish(
        reviseBtp2025_03(archiveEntries('2025-03').filter((e) => e.name !== `2025-02/${lost}`)),
      );
      const result = await fetchSources(options({ from: '2025-02', to: '2025-03' }));
      const manifest = path.relative(
        '.',
        path.join(sourcePaths(cacheRoot).manifestDir, '2025-02.json'),
      );
      const note =
        `2025-02: 2025-03.zip no longer has ${lost}; the copy cached from 2025-03.zip is kept ` +
        `(delete ${manifest} to take the archive as it is)`;
      expect(result.months).toEqual([
        { month: '2025-02', source: 'archive', snapshot: '2025-03.zip', status: 'kept', note },
        { month: '2025-03', source: 'archive', snapshot: '2025-03.zip', status: 'fetched' },
      ]);
      expect(logs).toContain(note);
      expect(await monthFiles('2025-02')).toEqual(cached);
      expect((await readMonthManifest(sourcePaths(cacheRoot), '2025-02'))?.files).toHaveLength(
        cached.length,
      );
    },
  );

  /** `entries` with a second entry of 2025-03's BTP street file, `data` (its own bytes by default). */
  function btpStreetTwice(
    entries: ReturnType<typeof archiveEntries>,
    data?: Buffer,
  ): ReturnType<typeof archiveEntries> {
    const name = '2025-03/2025-03-btp-street.csv';
    const first = entries.find((e) => e.name === name);
    if (first === undefined) throw new Error(`no ${name} in the test archive`);
    return [...entries, { name, data: data ?? first.data }];
  }

  const BTP_STREET = '2025-03-btp-street.csv';

  it('an archive holding a file twice with the same bytes reads it once', async () => {
    serveLatest('2025-03');
    server.file(
      '/data/archive/2025-03.zip',
      await buildZip(btpStreetTwice(archiveEntries('2025-03'))),
    );
    const result = await fetchSources(options({ month: '2025-03' }));
    expect(result.months.map((m) => m.status)).toEqual(['fetched']);
    const files = (await readMonthManifest(sourcePaths(cacheRoot), '2025-03'))?.files ?? [];
    expect(files.map((f) => f.name).filter((n) => n === BTP_STREET)).toHaveLength(1);
    expect(files).toHaveLength(6);
    expect(await monthFiles('2025-03')).toHaveLength(6);
    expect(logs).toContain(
      `2025-03: 2025-03.zip holds 2025-03/${BTP_STREET} more than once, the same bytes each time: read once`,
    );
  });

  it('an archive holding two different files under one name makes the month a gap when none is cached, and the other months go on', async () => {
    const entries = archiveEntries('2025-03');
    const other = Buffer.from('Crime ID,Month\nTEST DATA other copy\n');
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildZip(btpStreetTwice(entries, other)));
    const result = await fetchSources(options({ from: '2025-02', to: '2025-03' }));
    const btp = entries.find((e) => e.name === `2025-03/${BTP_STREET}`)?.data ?? Buffer.alloc(0);
    const hex = (bytes: Buffer) => crc32(bytes).toString(16).padStart(8, '0');
    const note =
      `2025-03 is a gap: 2025-03.zip holds 2 copies of 2025-03/${BTP_STREET}, not all the same ` +
      `(${btp.length} bytes, CRC-32 ${hex(btp)}; ${other.length} bytes, CRC-32 ${hex(other)}), ` +
      "and nothing tells which is the month's, so it is left out of every output (never shown " +
      'as zero) until police.uk re-issues the archive with one copy of each file';
    expect(result.months).toEqual([
      { month: '2025-02', source: 'archive', snapshot: '2025-03.zip', status: 'fetched' },
      { month: '2025-03', source: 'archive', snapshot: '2025-03.zip', status: 'gap', note },
    ]);
    expect(logs).toContain(note);
    expect(fetchNotes(result.months, 'west-yorkshire')).toEqual([note]);
    expect(await readMonthManifest(sourcePaths(cacheRoot), '2025-03')).toBeUndefined();
    expect(existsSync(path.join(sourcePaths(cacheRoot).archiveDir, '2025-03'))).toBe(false);
    expect(await monthFiles('2025-02')).toHaveLength(6);
  });

  it("a month without the territorial force's street file is the usual gap, whatever else its archive doubles", async () => {
    const entries = archiveEntries('2025-03').filter(
      (e) => e.name !== '2025-03/2025-03-west-yorkshire-street.csv',
    );
    serveLatest('2025-03');
    server.file(
      '/data/archive/2025-03.zip',
      await buildZip(btpStreetTwice(entries, Buffer.from('TEST DATA other\n'))),
    );
    const result = await fetchSources(options({ month: '2025-03' }));
    expect(result.months).toEqual([
      { month: '2025-03', source: 'archive', snapshot: '2025-03.zip', status: 'gap' },
    ]);
    expect(fetchNotes(result.months, 'west-yorkshire')).toEqual([
      gapNote('2025-03', '2025-03.zip', 'west-yorkshire'),
    ]);
  });

  it('a republished archive with two different files under one name keeps the copy cached and says why', async () => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'), { etag: '"v1"' });
    await fetchSources(options({ month: '2025-03' }));
    const cached = await readFile(
      path.join(sourcePaths(cacheRoot).archiveDir, '2025-03', BTP_STREET),
    );

    await republish(btpStreetTwice(archiveEntries('2025-03'), Buffer.from('TEST DATA other\n')));
    const result = await fetchSources(options({ month: '2025-03' }));
    expect(result.months).toMatchObject([{ month: '2025-03', status: 'kept' }]);
    const note = result.months[0]?.note ?? '';
    expect(note).toMatch(
      new RegExp(
        `^2025-03: 2025-03\\.zip holds 2 copies of 2025-03/${BTP_STREET.replaceAll('.', '\\.')}, not all the same \\(`,
      ),
    );
    expect(note).toMatch(
      / the copy cached from 2025-03\.zip is kept until police\.uk re-issues the archive with one copy of each file$/,
    );
    expect(logs).toContain(note);
    const now = await readFile(path.join(sourcePaths(cacheRoot).archiveDir, '2025-03', BTP_STREET));
    expect(now.equals(cached)).toBe(true);
  });

  it('latest.zip redirects to the newest archive, and --latest fetches its newest month', async () => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'));
    server.route('GET', '/api/crimes-street-dates', [
      { body: [{ date: '2025-03' }, { date: '2025-02' }] },
    ]);
    const probe = await probeArchive(
      new HttpClient(FAST_HTTP),
      `${server.url}data/archive/latest.zip`,
    );
    expect(probe).toMatchObject({
      name: '2025-03.zip',
      month: '2025-03',
      url: `${server.url}data/archive/2025-03.zip`,
    });
    const result = await fetchSources(options({ latest: true }));
    expect(result.months.map((m) => m.month)).toEqual(['2025-03']);
  });

  it('takes --latest as the month before one the API skips, and says so', async () => {
    serveLatest('2025-02');
    server.file('/data/archive/2025-02.zip', await buildArchive('2025-02'));
    server.route('GET', '/api/crimes-street-dates', [
      { body: [{ date: '2025-04' }, { date: '2025-02' }] },
    ]);
    const result = await fetchSources(options({ latest: true }));
    expect(result.months.map((m) => m.month)).toEqual(['2025-02']);
    expect(logs).toContain(
      "police.uk's API lists months up to 2025-04 but not 2025-03: months after 2025-02 " +
        'wait until it lists that month',
    );
    expect(server.requests.some((r) => r.path.startsWith('/api/crimes-street/'))).toBe(false);
  });

  it('refuses a month the API skips with what to ask for instead, and a month not yet published', async () => {
    serveLatest('2025-02');
    server.file('/data/archive/2025-02.zip', await buildArchive('2025-02'));
    server.route('GET', '/api/crimes-street-dates', () => ({
      body: [{ date: '2025-04' }, { date: '2025-02' }],
    }));
    const skipped = (await fetchSources(options({ from: '2025-02', to: '2025-04' })).catch(
      (e: unknown) => e,
    )) as Error;
    expect(skipped.message).toBe(
      "month 2025-03 is not listed by police.uk's API, though it lists later months (up to " +
        '2025-04; the latest archive is 2025-02): police.uk left it out. Ask for months up to ' +
        '2025-02, or wait until police.uk lists it.',
    );
    const ahead = (await fetchSources(options({ month: '2025-05' })).catch(
      (e: unknown) => e,
    )) as Error;
    expect(ahead.message).toBe(
      'month 2025-05 is not published by police.uk yet: the latest archive is 2025-02 and ' +
        "the API's newest month is 2025-04. Ask for months up to 2025-02.",
    );
    // Refused before anything was read.
    expect(server.requests.some((r) => r.method === 'GET' && r.path.endsWith('.zip'))).toBe(false);
  });

  it('reads a ZIP64 archive (ZIP64 end records and extra fields)', async () => {
    const zip = await buildArchive('2025-03', { zip64: true });
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', zip);
    await fetchSources(options({ month: '2024-03' }));
    const street = await fetchedStreet('2024-03');
    expect(street.equals(sampleStreetFile('2024-03'))).toBe(true);
  });

  it('takes older months from the newest archive that still holds them', async () => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'));
    // 2024-07.zip holds 2021-08 to 2024-07: the newest archive with 2021-08 in it.
    server.file('/data/archive/2024-07.zip', await buildArchive('2024-07'));
    const result = await fetchSources(options({ from: '2021-08', to: '2021-09' }));
    expect(result.months.map((m) => m.snapshot)).toEqual(['2024-07.zip', '2024-07.zip']);
    expect(
      server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET'),
    ).toHaveLength(0);
  });
});

describe('fetchSources when police.uk no longer serves an older archive', () => {
  /** latest.zip is 2025-03.zip; 2024-07.zip (2021-08 to 2024-07) answers `status` when asked. */
  async function withdraw2024_07(status: number): Promise<void> {
    await server.close();
    server = await ReplayServer.start();
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'));
    server.route('HEAD', '/data/archive/2024-07.zip', () => ({ status, body: '' }));
    server.route('GET', '/data/archive/2024-07.zip', () => ({ status, body: '' }));
  }

  it('keeps the months cached from it, with a note, and fetches the rest of the range', async () => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'));
    server.file('/data/archive/2024-07.zip', await buildArchive('2024-07'));
    await fetchSources(options({ from: '2021-08', to: '2021-09' }));
    const cached = await fetchedStreet('2021-08');

    for (const status of [404, 410]) {
      await withdraw2024_07(status);
      logs = [];
      const result = await fetchSources(options({ from: '2021-08', to: '2022-04' }));
      // Each month but 2021-08 is in a newer archive than 2024-07.zip, which is asked for it
      // (here none is served, but 2025-03.zip, which holds 2022-04 to 2025-03).
      expect(result.months.map((m) => [m.month, m.status])).toEqual([
        ['2021-08', 'kept'],
        ['2021-09', 'kept'],
        ['2021-10', 'gap'],
        ['2021-11', 'gap'],
        ['2021-12', 'gap'],
        ['2022-01', 'gap'],
        ['2022-02', 'gap'],
        ['2022-03', 'gap'],
        ['2022-04', status === 404 ? 'fetched' : 'unchanged'],
      ]);
      expect(result.months[0]?.note).toBe(
        `2021-08: 2024-07.zip is not on police.uk (HTTP ${status}); the copy cached from ` +
          '2024-07.zip is kept while police.uk does not serve it',
      );
      // 2021-10 is held by 2021-10.zip to 2024-09.zip, the newest of which the server lacks.
      expect(result.months[2]?.note).toBe(
        '2021-10: 2024-09.zip is not on police.uk (HTTP 404) and no copy of the month is ' +
          'cached, so it is left out (a gap): ask for it again once police.uk serves an archive ' +
          'holding it',
      );
      expect(fetchNotes(result.months, 'west-yorkshire')).toHaveLength(8);
      expect((await fetchedStreet('2021-08')).equals(cached)).toBe(true);
    }
  });

  it('takes the months a newer archive holds too from it, and leaves the oldest a gap', async () => {
    await withdraw2024_07(404);
    server.file('/data/archive/2024-08.zip', await buildArchive('2024-08'));
    const result = await fetchSources(options({ from: '2021-08', to: '2021-10' }));
    expect(result.months.map((m) => [m.month, m.status, m.snapshot])).toEqual([
      ['2021-08', 'gap', '2024-07.zip'],
      ['2021-09', 'fetched', '2024-08.zip'],
      ['2021-10', 'fetched', '2024-08.zip'],
    ]);
    expect(server.requestsTo('/data/archive/2024-07.zip').map((r) => r.method)).toEqual(['HEAD']);
  });

  it('still fails the run when the archive answers a failure that may pass', async () => {
    await withdraw2024_07(503);
    const error = (await fetchSources(options({ from: '2021-08', to: '2021-09' })).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(/HEAD \S*2024-07\.zip failed after 4 attempts: .*HTTP 503/);
    await expect(readdir(sourcePaths(cacheRoot).archiveDir)).rejects.toThrow(/ENOENT/);
  });
});

describe('fetchSources failures leave no partial month', () => {
  it('a corrupt entry fails with its name and CRC, and writes nothing for the month', async () => {
    const zip = Buffer.from(await buildArchive('2025-03'));
    // Flip bytes inside the stored data of 2025-03's West Yorkshire outcomes entry (synthetic).
    const name = Buffer.from('2025-03/2025-03-west-yorkshire-outcomes.csv');
    const at = zip.indexOf(name) + name.length + 200;
    zip[at] = (zip[at] ?? 0) ^ 0xff;
    zip[at + 1] = (zip[at + 1] ?? 0) ^ 0xff;
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', zip);
    const error = await fetchSources(options({ month: '2025-03' })).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /month 2025-03 from 2025-03\.zip failed: .*2025-03\.zip:2025-03\/2025-03-west-yorkshire-outcomes\.csv: (CRC-32 mismatch|deflate data is corrupt|inflated to)/,
    );
    await expect(readdir(path.join(sourcePaths(cacheRoot).archiveDir, '2025-03'))).rejects.toThrow(
      /ENOENT/,
    );
    expect(await readMonthManifest(sourcePaths(cacheRoot), '2025-03')).toBeUndefined();
  });

  it('an empty month (no West Yorkshire street file) comes back as a gap and writes nothing', async () => {
    await serveLatestWithout2024_11();
    const result = await fetchSources(options({ month: '2024-11' }));
    expect(result.months).toEqual([
      { month: '2024-11', source: 'archive', snapshot: '2025-03.zip', status: 'gap' },
    ]);
    expect(await readMonthManifest(sourcePaths(cacheRoot), '2024-11')).toBeUndefined();
    await expect(readdir(path.join(sourcePaths(cacheRoot).archiveDir, '2024-11'))).rejects.toThrow(
      /ENOENT/,
    );
  });

  it('a month a newer archive no longer holds keeps the copy already cached, and says so', async () => {
    serveLatest('2025-02');
    server.file('/data/archive/2025-02.zip', await buildArchive('2025-02'));
    await fetchSources(options({ month: '2024-11' }));
    const cached = await monthFiles('2024-11');

    await serveLatestWithout2024_11();
    const result = await fetchSources(options({ month: '2024-11' }));
    const manifest = path.relative(
      '.',
      path.join(sourcePaths(cacheRoot).manifestDir, '2024-11.json'),
    );
    const note =
      '2024-11: 2025-03.zip has no west-yorkshire street file for it; the copy cached from ' +
      `2025-02.zip is kept (delete ${manifest} to take the archive as it is)`;
    expect(result.months).toEqual([
      { month: '2024-11', source: 'archive', snapshot: '2025-02.zip', status: 'kept', note },
    ]);
    expect(logs).toContain(note);
    expect(await monthFiles('2024-11')).toEqual(cached);
    expect((await readMonthManifest(sourcePaths(cacheRoot), '2024-11'))?.snapshot).toBe(
      '2025-02.zip',
    );
  });

  it.each([
    ['its folder went (a run stopped between the two renames of a replacement)', 'folder'],
    ['one of its files went', 'file'],
    ['one of its files was cut short', 'short'],
  ])('a cached month is fetched again, not counted as cached, when %s', async (_what, damage) => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'), { etag: '"v1"' });
    await fetchSources(options({ month: '2025-02' }));
    const cached = await monthFiles('2025-02');
    const dir = path.join(sourcePaths(cacheRoot).archiveDir, '2025-02');
    const street = path.join(dir, '2025-02-west-yorkshire-street.csv');
    const whole = await readFile(street);
    if (damage === 'folder') await rm(dir, { recursive: true });
    if (damage === 'file') await rm(street);
    if (damage === 'short') await writeFile(street, whole.subarray(0, whole.length - 100));

    const result = await fetchSources(options({ month: '2025-02' }));
    expect(result.months.map((m) => m.status)).toEqual(['fetched']);
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^2025-02: the cached copy from 2025-03\.zip lacks 2025-02-(\w|-)+\.csv.*; fetching the month again$/,
      ),
    );
    expect(await monthFiles('2025-02')).toEqual(cached);
    expect((await readFile(street)).equals(whole)).toBe(true);
  });

  it("puts back a month folder a stopped run had moved aside, after the run's sweep of temporary files, and removes what it had staged", async () => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'), { etag: '"v1"' });
    // The pipeline's own cache layout: the sweep a run starts with covers the source cache.
    const run = pipelinePaths({ out: path.join(cacheRoot, 'out') });
    const paths = run.sources;
    const fetch = () =>
      fetchSources({ ...options({ from: '2025-02', to: '2025-03' }), cacheRoot: run.cacheDir });
    await fetch();
    const files = async (month: string) =>
      (await readdir(path.join(paths.archiveDir, month))).sort();
    const cached = await files('2025-02');
    // A run (no process has this id) stopped after moving 2025-02 aside, and one that had
    // staged half of 2025-03 and moved its cached folder aside before it was replaced.
    const dead = 9999999;
    await mkdir(paths.stagingDir, { recursive: true });
    const aside = path.join(paths.stagingDir, stagedFolderName('2025-02', 'previous', dead));
    await rename(path.join(paths.archiveDir, '2025-02'), aside);
    const half = path.join(paths.stagingDir, stagedFolderName('2025-03', 'tmp', dead, 1));
    await mkdir(half);
    await writeFile(path.join(half, '2025-03-btp-street.csv'), 'half a file');
    await mkdir(path.join(paths.stagingDir, stagedFolderName('2025-03', 'previous', dead, 2)));
    // A run still going (this one's parent) is left alone.
    const running = stagedFolderName('2025-03', 'tmp', process.ppid, 3);
    await mkdir(path.join(paths.stagingDir, running));

    await cleanUpInterruptedRuns(run);
    const before = server.requests.length;
    const result = await fetch();
    expect(result.months.map((m) => `${m.month}:${m.status}`)).toEqual([
      '2025-02:unchanged',
      '2025-03:unchanged',
    ]);
    expect(logs).toContain(
      '2025-02: put back the cached copy a run stopped while replacing it had moved aside',
    );
    expect(await files('2025-02')).toEqual(cached);
    expect(await readdir(paths.stagingDir)).toEqual([running]);
    expect(server.requests.slice(before).every((r) => r.method === 'HEAD')).toBe(true);
  });

  // A re-issue's unchanged files are staged as hard links to the cached ones: removing what a
  // stopped run left (its staged folder, or the cached folder it had moved aside) must take no
  // byte from the copy that stays.
  // The cached folder put back is read as the re-issue's base (its unchanged files reused);
  // the staged folder moved in does not match the manifest, so the month is fetched whole.
  it.each([
    [
      'had moved the cached folder aside',
      false,
      /^2025-03: revised, 6 files .*, 5 of them unchanged and reused from the copy cached/,
    ],
    [
      'had moved its staged folder in, before removing the one set aside',
      true,
      /^2025-03: the cached copy from 2025-03\.zip lacks 2025-03-btp-street\.csv .*; fetching the month again$/,
    ],
  ])(
    'a re-issue stopped mid-commit with hard-linked files (it %s) leaves the month whole and right',
    async (_what, movedIn, said) => {
      serveLatest('2025-03');
      server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'), { etag: '"v1"' });
      await fetchSources(options({ month: '2025-03' }));
      const paths = sourcePaths(cacheRoot);
      const dir = path.join(paths.archiveDir, '2025-03');
      const names = await monthFiles('2025-03');
      const revised = reviseBtp2025_03(archiveEntries('2025-03')).filter((e) =>
        e.name.startsWith('2025-03/'),
      );
      const dataOf = (name: string) => revised.find((e) => e.name === `2025-03/${name}`)?.data;

      // What a run (no process has this id) had done with the re-issue when it stopped.
      const dead = 9999999;
      await mkdir(paths.stagingDir, { recursive: true });
      const staged = path.join(paths.stagingDir, stagedFolderName('2025-03', 'tmp', dead, 1));
      await mkdir(staged);
      for (const name of names) {
        if (name === '2025-03-btp-street.csv')
          await writeFile(path.join(staged, name), dataOf(name) ?? '');
        else await link(path.join(dir, name), path.join(staged, name));
      }
      await rename(
        dir,
        path.join(paths.stagingDir, stagedFolderName('2025-03', 'previous', dead, 2)),
      );
      if (movedIn) await rename(staged, dir);

      await republish(revised);
      const result = await fetchSources(options({ month: '2025-03' }));
      expect(result.months.map((m) => m.status)).toEqual(['fetched']);
      expect(logs).toContainEqual(expect.stringMatching(said));
      expect(await monthFiles('2025-03')).toEqual(names);
      for (const name of names) {
        const expected = dataOf(name);
        expect(expected, name).toBeDefined();
        expect((await readFile(path.join(dir, name))).equals(expected as Buffer), name).toBe(true);
      }
      const manifest = await readMonthManifest(paths, '2025-03');
      expect(manifest?.archive?.etag).toBe('"v2"');
      expect(await readdir(paths.stagingDir)).toEqual([]);
    },
  );

  it('a month police.uk has not published is refused before anything is downloaded', async () => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'));
    server.route('GET', '/api/crimes-street-dates', [{ body: [{ date: '2025-03' }] }]);
    const error = await fetchSources(options({ month: '2025-05' })).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/month 2025-05 is not published by police\.uk yet/);
    expect(server.requests.some((r) => r.method === 'GET' && r.path.endsWith('.zip'))).toBe(false);
  });
});

/** `zip` with its central directory's first header signature broken. */
function damagedDirectory(zip: Buffer): Buffer {
  const damaged = Buffer.from(zip);
  const eocd = damaged.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  const directory = damaged.readUInt32LE(eocd + 16);
  damaged[directory + 3] = (damaged[directory + 3] ?? 0) ^ 0xff;
  return damaged;
}

/** `zip` with two bytes flipped inside the data of 2025-03's West Yorkshire outcomes entry. */
function damagedEntry(zip: Buffer): Buffer {
  const damaged = Buffer.from(zip);
  const name = Buffer.from('2025-03/2025-03-west-yorkshire-outcomes.csv');
  const at = damaged.indexOf(name) + name.length + 200;
  damaged[at] = (damaged[at] ?? 0) ^ 0xff;
  damaged[at + 1] = (damaged[at + 1] ?? 0) ^ 0xff;
  return damaged;
}

describe('an archive whose central directory is damaged', () => {
  it('fails naming its URL, what was wrong and what to do, and writes nothing', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', damagedDirectory(zip));
    const error = (await fetchSources(options({ month: '2025-03' })).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^${server.url}data/archive/2025-03\\.zip: its central directory cannot be read \\(.*signature.*\\): ` +
          '.*nothing was written for its months\\. Run again later; if it fails the same way, .*report it to police\\.uk',
      ),
    );
    expect(existsSync(path.join(sourcePaths(cacheRoot).archiveDir, '2025-03'))).toBe(false);
  });
});

describe('a downloaded archive that proves damaged', () => {
  it.each([
    ['its central directory', damagedDirectory, /central directory cannot be read/],
    [
      'an entry',
      damagedEntry,
      /west-yorkshire-outcomes\.csv: (CRC-32 mismatch|deflate data is corrupt|inflated to)/,
    ],
  ])(
    'is deleted when %s cannot be read, so that the next run downloads it again',
    async (_, damage, problem) => {
      const zip = await buildArchive('2025-03');
      serveLatest('2025-03');
      // A server without ranges: the archive is downloaded whole, and kept between runs.
      server.file('/data/archive/2025-03.zip', damage(zip), { ranges: false });
      const downloaded = path.join(sourcePaths(cacheRoot).downloadDir, '2025-03.zip');
      const error = (await fetchSources(options({ month: '2025-03' })).catch(
        (e: unknown) => e,
      )) as Error;
      expect(error.message).toMatch(problem);
      expect(error.message).toContain(
        `The downloaded copy ${downloaded} was deleted, so the next run downloads the archive again.`,
      );
      expect(existsSync(downloaded)).toBe(false);
      expect(existsSync(path.join(sourcePaths(cacheRoot).archiveDir, '2025-03'))).toBe(false);

      // The same size and no ETag or Last-Modified: only the damage told the copies apart.
      server.file('/data/archive/2025-03.zip', zip, { ranges: false });
      await fetchSources(options({ month: '2025-03' }));
      expect((await readFile(downloaded)).equals(zip)).toBe(true);
      expect((await fetchedStreet('2025-03')).equals(sampleStreetFile('2025-03'))).toBe(true);
    },
  );
});

describe('a downloaded archive two districts of one run read', () => {
  /** A second district of the run, of another force, with its own cache, sharing `downloads`. */
  const westMidlands = (downloads: RunDownloads): FetchSourcesOptions => ({
    ...options({ month: '2025-03' }),
    cacheRoot: path.join(cacheRoot, 'west-midlands'),
    forces: ['west-midlands', 'btp'],
    downloads,
  });
  const downloaded = () => path.join(sourcePaths(cacheRoot).downloadDir, '2025-03.zip');

  it('fails, for the later district, saying the download was deleted as damaged and what to do', async () => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', damagedEntry(await buildArchive('2025-03')), {
      ranges: false,
    });
    const downloads = new RunDownloads();
    const first = await fetchSources({ ...options({ month: '2025-03' }), downloads }).catch(
      (e: unknown) => e,
    );
    expect((first as Error).message).toMatch(/west-yorkshire-outcomes\.csv: /);
    expect(existsSync(downloaded())).toBe(false);
    const later = await fetchSources(westMidlands(downloads)).catch((e: unknown) => e);
    expect((later as Error).message).toMatch(
      new RegExp(
        '^month 2025-03 from 2025-03\\.zip failed: 2025-03\\.zip:2025-03/2025-03-btp-outcomes\\.csv ' +
          `was not read: the downloaded copy ${downloaded().replaceAll('.', '\\.')} was deleted ` +
          'earlier in this run, as 2025-03\\.zip:2025-03/2025-03-west-yorkshire-outcomes\\.csv ' +
          'proved damaged \\((CRC-32 mismatch|deflate data is corrupt|inflated to).*\\), and nothing ' +
          'was written for the month\\. Run again: the next run downloads the archive again; if it ' +
          'fails the same way, the archive police\\.uk serves is damaged: report it to police\\.uk\\.$',
      ),
    );
    expect((later as Error).message).not.toMatch(/ENOENT|no such file/);
  });

  it('fails, for the later district, saying the download is gone when something else deleted it', async () => {
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', await buildArchive('2025-03'), { ranges: false });
    const downloads = new RunDownloads();
    await fetchSources({ ...options({ month: '2025-03' }), downloads });
    await rm(downloaded());
    const later = await fetchSources(westMidlands(downloads)).catch((e: unknown) => e);
    expect((later as Error).message).toBe(
      'month 2025-03 from 2025-03.zip failed: 2025-03.zip: the downloaded copy ' +
        `${downloaded()} is gone: something deleted it while this run was reading it, and ` +
        'nothing was written for the month. Run again: the next run downloads the archive again.',
    );
  });
});

describe('range answers that hold less than was asked', () => {
  it('reads the rest of a range a server answers in parts, with the same files', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', zip, { maxRangeBytes: 16_384 });
    await fetchSources(options({ month: '2025-02' }));
    const street = await fetchedStreet('2025-02');
    expect(street.equals(sampleStreetFile('2025-02'))).toBe(true);
    const gets = server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET');
    // Whole answers take at most 8 requests (the first test); here the street files, compressed
    // to more than 16 KiB each, take several.
    expect(gets.length).toBeGreaterThan(8);
    expect(gets.every((r) => r.status === 206 && r.bytesSent <= 16_384)).toBe(true);
    expect(server.bytesSent('/data/archive/2025-03.zip')).toBeLessThan(zip.length / 10);
  });

  it.each([
    ['the central directory', 0],
    ['an entry', 2],
  ])(
    'asks again for a range whose answer is shorter than its Content-Range (%s)',
    async (_, at) => {
      const zip = await buildArchive('2025-03');
      serveLatest('2025-03');
      const faults = Array.from({ length: 3 }, () => ({}));
      faults[at] = { shortBy: 100 };
      server.file('/data/archive/2025-03.zip', zip, { faults });
      await fetchSources(options({ month: '2025-02' }));
      const street = await fetchedStreet('2025-02');
      expect(street.equals(sampleStreetFile('2025-02'))).toBe(true);
      expect(logs.some((l) => /^retry 1\/3 GET .*ended 100 bytes before/.test(l))).toBe(true);
    },
  );

  it('fails naming the range when every answer is short, and writes nothing for the month', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', zip, {
      faults: Array.from({ length: 20 }, () => ({ shortBy: 1 })),
    });
    await expect(fetchSources(options({ month: '2025-02' }))).rejects.toThrow(
      /GET .*2025-03\.zip failed after 4 attempts: .*bytes \d+-\d+ ended 1 byte before its Content-Range does \(the server cut it short\); nothing was written for the month: run again later/,
    );
    expect(existsSync(path.join(sourcePaths(cacheRoot).archiveDir, '2025-02'))).toBe(false);
  });
});

describe('range answers that name other bytes than were asked', () => {
  it.each([
    ['from 100 bytes on, for the central directory', 0, { rangeShiftedBy: 100 }],
    ['from 100 bytes on, for an entry', 2, { rangeShiftedBy: 100 }],
    ['with no Content-Range', 2, { contentRange: null }],
    ['with a Content-Range that cannot be read', 2, { contentRange: 'bytes 0-99' }],
  ])('asks again for a range answered %s, and reads the same files', async (_, at, fault) => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    const faults: NonNullable<Parameters<ReplayServer['file']>[2]>['faults'] = Array.from(
      { length: at + 1 },
      () => ({}),
    );
    faults[at] = fault;
    server.file('/data/archive/2025-03.zip', zip, { faults });
    await fetchSources(options({ month: '2025-02' }));
    const street = await fetchedStreet('2025-02');
    expect(street.equals(sampleStreetFile('2025-02'))).toBe(true);
    const gets = server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET');
    expect(gets[at + 1]?.headers.range).toBe(gets[at]?.headers.range);
    expect(
      logs.some((l) => /^retry 1\/3 GET .*2025-03\.zip: .*answered bytes \d+-\d+ with /.test(l)),
    ).toBe(true);
  });

  it('asks again for a range whose body runs past the bytes its Content-Range names', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    // The first request reads the archive's tail; its answer names only the first 10 bytes of it.
    const tail = zip.length - ZIP_TAIL_BYTES;
    server.file('/data/archive/2025-03.zip', zip, {
      faults: [{ contentRange: `bytes ${tail}-${tail + 9}/${zip.length}` }],
    });
    await fetchSources(options({ month: '2025-02' }));
    const street = await fetchedStreet('2025-02');
    expect(street.equals(sampleStreetFile('2025-02'))).toBe(true);
    expect(
      logs.some((l) =>
        l.startsWith(
          `retry 1/3 GET ${server.url}data/archive/2025-03.zip: ${server.url}data/archive/` +
            `2025-03.zip sent more than the bytes ${tail}-${tail + 9} its Content-Range names;`,
        ),
      ),
    ).toBe(true);
  });

  it('fails naming the range, the Content-Range and what to do when every answer names other bytes, and writes nothing', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', zip, {
      faults: [{}, {}, ...Array.from({ length: 10 }, () => ({ rangeShiftedBy: 100 }))],
    });
    await expect(fetchSources(options({ month: '2025-02' }))).rejects.toThrow(
      /^month 2025-02 from 2025-03\.zip failed: GET \S+2025-03\.zip failed after 4 attempts: \S+2025-03\.zip answered bytes (\d+)-(\d+) with Content-Range "bytes \d+-\2\/\d+", other bytes; nothing was written for the month\. Run again later; if it fails the same way, the server \(or a proxy on the way\) answers ranges wrongly: report it to police\.uk$/,
    );
    expect(existsSync(path.join(sourcePaths(cacheRoot).archiveDir, '2025-02'))).toBe(false);
  });
});

describe('a range answered with the whole archive after earlier ranges were answered', () => {
  // No ETag or Last-Modified, so no If-Range: a 200 is no answer to a condition.
  it.each([
    ['the first entry', 1],
    ['the next entry', 2],
    ['a later entry', 5],
  ])(
    'asks again for that range (%s), as a passing fault, and reads the month by ranges',
    async (_, at) => {
      const zip = await buildArchive('2025-03');
      serveLatest('2025-03');
      const faults = Array.from({ length: at + 1 }, () => ({}));
      faults[at] = { ignoreRange: true };
      server.file('/data/archive/2025-03.zip', zip, { faults });
      await fetchSources(options({ month: '2025-02' }));
      const street = await fetchedStreet('2025-02');
      expect(street.equals(sampleStreetFile('2025-02'))).toBe(true);
      const gets = server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET');
      expect(gets.every((r) => r.headers.range !== undefined)).toBe(true);
      expect(gets.filter((r) => r.status === 200)).toHaveLength(1);
      expect(gets[at + 1]?.headers.range).toBe(gets[at]?.headers.range);
      expect(
        logs.some((l) =>
          /^retry 1\/3 GET .*2025-03\.zip: .*ignored a Range header \(HTTP 200\)/.test(l),
        ),
      ).toBe(true);
      expect(logs.some((l) => l.includes('does not answer range requests'))).toBe(false);
    },
  );

  it('fails naming the archive when the server keeps answering with the whole archive, and writes nothing', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', zip, {
      faults: [{}, {}, ...Array.from({ length: 10 }, () => ({ ignoreRange: true }))],
    });
    await expect(fetchSources(options({ month: '2025-02' }))).rejects.toThrow(
      /^month 2025-02 from 2025-03\.zip failed: GET \S+2025-03\.zip failed after 4 attempts: .*ignored a Range header \(HTTP 200\).*run again later/,
    );
    expect(existsSync(path.join(sourcePaths(cacheRoot).archiveDir, '2025-02'))).toBe(false);
  });
});

describe('a Content-Range that does not state the size', () => {
  it('is read as any other (bytes a-b/*)', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', zip, { sizeUnstated: true });
    await fetchSources(options({ month: '2025-02' }));
    const street = await fetchedStreet('2025-02');
    expect(street.equals(sampleStreetFile('2025-02'))).toBe(true);
    const gets = server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET');
    expect(gets.every((r) => r.status === 206)).toBe(true);
  });
});

describe('an archive replaced while it is read', () => {
  it('fails naming both sizes when a range answer gives another than the HEAD, and writes nothing', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', zip);
    const probeSize = zip.length;
    // After the probe, the ranges come from a larger file (police.uk republished it).
    const larger = Buffer.concat([Buffer.alloc(1000), zip]);
    server.route('GET', '/data/archive/2025-03.zip', (request) => {
      const [, first = '0', last = ''] =
        /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '') ?? [];
      const start = Number(first);
      const end = last === '' ? larger.length - 1 : Number(last);
      return {
        status: 206,
        headers: { 'content-range': `bytes ${start}-${end}/${larger.length}` },
        body: larger.subarray(start, end + 1),
      };
    });
    await expect(fetchSources(options({ month: '2025-02' }))).rejects.toThrow(
      `${server.url}data/archive/2025-03.zip: its HEAD said ${probeSize} bytes, a GET answer ` +
        `says ${larger.length} (police.uk may have replaced the archive while it was read); ` +
        'nothing was written for it. Run again; if the next run fails the same way, ' +
        "the server's HEAD and GET disagree: report it to police.uk, or wait for a fix.",
    );
    expect(existsSync(path.join(sourcePaths(cacheRoot).archiveDir, '2025-02'))).toBe(false);
  });
});

describe('an archive replaced by a smaller one while it is read by ranges', () => {
  it('fails naming both sizes when a range past its new end is refused (416), and writes nothing', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    // No ETag or Last-Modified: only the sizes tell the copies apart.
    const smaller = zip.subarray(0, 1000);
    replacedAfterProbe('/data/archive/2025-03.zip', zip, smaller, {}, {});
    await expect(fetchSources(options({ month: '2025-02' }))).rejects.toThrow(
      `${server.url}data/archive/2025-03.zip: its HEAD said ${zip.length} bytes, a GET answer ` +
        `says ${smaller.length} (police.uk may have replaced the archive while it was read); ` +
        'nothing was written for it. Run again; if the next run fails the same way, ' +
        "the server's HEAD and GET disagree: report it to police.uk, or wait for a fix.",
    );
    const gets = server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET');
    expect(gets.map((r) => r.status)).toEqual([416]);
    expect(existsSync(path.join(sourcePaths(cacheRoot).archiveDir, '2025-02'))).toBe(false);
  });
});

describe('an archive replaced by one of the same size while it is read by ranges', () => {
  describe.each(SAME_SIZE_REPLACEMENTS)('(%s)', (_, before, after, change, condition) => {
    it.each([
      ['a server that honours If-Range: the whole new copy (200)', true],
      ['a server that ignores If-Range: a range of the new copy (206)', false],
    ])('fails saying so, and writes nothing, answered with %s', async (__, honoured) => {
      const old = await buildArchive('2025-03');
      serveLatest('2025-03');
      replacedAfterProbe('/data/archive/2025-03.zip', old, sameSizeOtherBytes(old), before, {
        ...after,
        ifRange: honoured,
      });
      await expect(fetchSources(options({ month: '2025-02' }))).rejects.toThrow(
        `is now another copy of the archive than when this run began ${change}: police.uk ` +
          'replaced it while it was read; nothing was written for it. Run again.',
      );
      expect(existsSync(path.join(sourcePaths(cacheRoot).archiveDir, '2025-02'))).toBe(false);
      expect(logs.some((l) => l.includes('does not answer range requests'))).toBe(false);
      const gets = server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET');
      expect(gets).toHaveLength(1);
      expect(gets[0]?.headers['if-range']).toBe(condition);
    });
  });

  it('asks for each range only of the copy it probed (If-Range), and reads it while unchanged', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', zip, { etag: '"v1"' });
    await fetchSources(options({ month: '2025-02' }));
    const street = await fetchedStreet('2025-02');
    expect(street.equals(sampleStreetFile('2025-02'))).toBe(true);
    const gets = server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(1);
    expect(gets.map((r) => [r.status, r.headers['if-range']])).toEqual(
      gets.map(() => [206, '"v1"']),
    );
  });
});

describe('a server whose ETag is not in quotes', () => {
  it('asks for each range on its Last-Modified (If-Range), which the server can read, and reads by ranges', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    // No entity-tag (RFC 9110 8.8.3): in an If-Range, a server reads it as a date, finds it
    // none, and answers with the whole archive.
    server.file('/data/archive/2025-03.zip', zip, { etag: 'v1', lastModified: MARCH });
    await fetchSources(options({ month: '2025-02' }));
    const street = await fetchedStreet('2025-02');
    expect(street.equals(sampleStreetFile('2025-02'))).toBe(true);
    expect(logs.some((l) => l.includes('does not answer range requests'))).toBe(false);
    const gets = server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(1);
    expect(gets.map((r) => [r.status, r.headers['if-range']])).toEqual(
      gets.map(() => [206, MARCH]),
    );
  });
});

describe('a server that marks the ETag weak on one answer and not on another', () => {
  // The same copy throughout: a server or a CDN in front of it may give its ETag as weak
  // (W/"v1") on GET and strong ("v1") on HEAD, or the other way round. A weak comparison of
  // the two (RFC 9110 8.8.3.2) finds them the same copy.
  it.each([
    // If-Range names the strong ETag, which a server whose own is weak never finds equal
    // (RFC 9110 13.1.5): it answers the first range with the whole archive, of the same copy.
    // The ranges are then asked for without the condition, not downloaded whole.
    ['strong on HEAD, weak on GET', '"v1"', 'W/"v1"', 1],
    // A weak ETag is no condition for If-Range: none is sent.
    ['weak on HEAD, strong on GET', 'W/"v1"', '"v1"', 0],
  ] as const)(
    'reads the archive by ranges (%s), not taking it for a replaced one',
    async (_, head, get, wholeAnswers) => {
      const zip = await buildArchive('2025-03');
      serveLatest('2025-03');
      replacedAfterProbe('/data/archive/2025-03.zip', zip, zip, { etag: head }, { etag: get });
      await fetchSources(options({ month: '2025-02' }));
      const street = await fetchedStreet('2025-02');
      expect(street.equals(sampleStreetFile('2025-02'))).toBe(true);
      expect(logs.some((l) => l.includes('does not answer range requests'))).toBe(false);
      expect(existsSync(path.join(sourcePaths(cacheRoot).downloadDir, '2025-03.zip'))).toBe(false);
      const gets = server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET');
      expect(gets.filter((r) => r.status === 200)).toHaveLength(wholeAnswers);
      if (wholeAnswers === 1) {
        expect(gets[0]).toMatchObject({ status: 200, headers: { 'if-range': head } });
        expect(gets.slice(1).map((r) => [r.status, r.headers['if-range']])).toEqual(
          gets.slice(1).map(() => [206, undefined]),
        );
      } else {
        expect(gets.every((r) => r.status === 206 && r.headers['if-range'] === undefined)).toBe(
          true,
        );
      }
    },
  );
});

describe('servers without Range support, and cut downloads', () => {
  it('falls back to a whole download when the server ignores Range, with the same result', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', zip, { ranges: false });
    await fetchSources(options({ month: '2025-02' }));
    const street = await fetchedStreet('2025-02');
    expect(street.equals(sampleStreetFile('2025-02'))).toBe(true);
    expect(logs.some((l) => l.includes('does not answer range requests'))).toBe(true);
    const downloaded = await readFile(path.join(sourcePaths(cacheRoot).downloadDir, '2025-03.zip'));
    expect(downloaded.equals(zip)).toBe(true);
  });

  it('downloadResumable() resumes a cut download from its .partial file with a Range request', async () => {
    const zip = await buildArchive('2025-03');
    server.file('/data/archive/2025-03.zip', zip, { faults: [{ cutAfterBytes: 1_000_000 }] });
    const client = new HttpClient(FAST_HTTP);
    const probe = await probeArchive(client, `${server.url}data/archive/2025-03.zip`);
    const dir = sourcePaths(cacheRoot).downloadDir;
    const file = await downloadResumable(client, probe, dir, (m) => logs.push(m));
    expect((await readFile(file)).equals(zip)).toBe(true);
    const gets = server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(2);
    expect(gets[0]?.bytesSent).toBe(1_000_000);
    expect(gets[1]?.headers.range).toMatch(/^bytes=\d+-$/);
    const resumedAt = Number(/bytes=(\d+)-/.exec(gets[1]?.headers.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(gets[1]?.bytesSent).toBe(zip.length - resumedAt);
  });

  it('downloadResumable() starts over when a server without Range support cuts the download', async () => {
    const zip = await buildArchive('2025-03');
    server.file('/data/archive/2025-03.zip', zip, {
      ranges: false,
      faults: [{ cutAfterBytes: 500_000 }],
    });
    const client = new HttpClient(FAST_HTTP);
    const probe = await probeArchive(client, `${server.url}data/archive/2025-03.zip`);
    const file = await downloadResumable(client, probe, sourcePaths(cacheRoot).downloadDir, (m) =>
      logs.push(m),
    );
    expect((await readFile(file)).equals(zip)).toBe(true);
    expect(logs.some((l) => l.includes('cannot resume'))).toBe(true);
  });

  it('downloadResumable() rejects a download whose MD5 differs from the one the server lists', async () => {
    const zip = await buildArchive('2025-03');
    server.file('/data/archive/2025-03.zip', zip, { etag: '"0123456789abcdef0123456789abcdef"' });
    const client = new HttpClient(FAST_HTTP);
    const probe = await probeArchive(client, `${server.url}data/archive/2025-03.zip`);
    expect(probe.md5).toBe('0123456789abcdef0123456789abcdef');
    const dir = sourcePaths(cacheRoot).downloadDir;
    await expect(downloadResumable(client, probe, dir)).rejects.toThrow(
      /MD5 [0-9a-f]{32}, the server lists 0123456789abcdef/,
    );
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("a server whose HEAD does not give the archive's size", () => {
  const ZIP_PATH = '/data/archive/2025-03.zip';
  const ETAG = '"v1"';

  /** HEAD of the archive answered with `reply` (its GETs as `server.file` answers them). */
  function headAnswers(reply: { status?: number; headers?: Record<string, string> }): void {
    server.route('HEAD', ZIP_PATH, () => reply);
  }

  it.each<[string, { status?: number; headers?: Record<string, string> }]>([
    ['without a Content-Length (a chunked answer)', {}],
    [
      'with a Content-Length of 0 (as a HEAD made from an empty GET)',
      { headers: { 'content-length': '0' } },
    ],
    ['with HTTP 405 (it does not answer HEAD)', { status: 405 }],
    ['with HTTP 501', { status: 501 }],
  ])(
    'probeArchive() reads the size from a GET of the first byte when the HEAD answers %s',
    async (_what, reply) => {
      const zip = await buildArchive('2025-03');
      serveLatest('2025-03');
      server.file(ZIP_PATH, zip, { etag: ETAG });
      headAnswers({ ...reply, headers: { 'accept-ranges': 'bytes', ...reply.headers } });
      const result = await fetchSources(options({ month: '2025-03' }));
      expect(result.months.map((m) => m.status)).toEqual(['fetched']);
      expect((await fetchedStreet('2025-03')).equals(sampleStreetFile('2025-03'))).toBe(true);
      const manifest = await readMonthManifest(sourcePaths(cacheRoot), '2025-03');
      expect(manifest?.archive).toMatchObject({ size: zip.length, etag: ETAG });
      const first = server.requestsTo(ZIP_PATH).find((r) => r.method === 'GET');
      expect(first?.headers.range).toBe('bytes=0-0');
      expect(first?.bytesSent).toBe(1);
    },
  );

  it.each([405, 501])(
    'probeArchive() follows latest.zip to its archive with the GET when latest.zip answers HEAD with HTTP %i',
    async (status) => {
      const zip = await buildArchive('2025-03');
      serveLatest('2025-03');
      server.file(ZIP_PATH, zip, { etag: ETAG });
      // A server that does not answer HEAD refuses it before any redirect, latest.zip's too.
      server.route('HEAD', '/data/archive/latest.zip', [{ status }]);
      headAnswers({ status });
      const probe = await probeArchive(
        new HttpClient(FAST_HTTP),
        `${server.url}data/archive/latest.zip`,
      );
      expect(probe).toMatchObject({
        name: '2025-03.zip',
        month: '2025-03',
        url: `${server.url}data/archive/2025-03.zip`,
        size: zip.length,
        etag: ETAG,
      });
      const result = await fetchSources(options({ month: '2025-03' }));
      expect(result.months.map((m) => m.status)).toEqual(['fetched']);
      expect((await fetchedStreet('2025-03')).equals(sampleStreetFile('2025-03'))).toBe(true);
    },
  );

  it('probeArchive() reads the size from the Content-Length of a whole-file answer from a server without ranges', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    server.file(ZIP_PATH, zip, { ranges: false });
    headAnswers({});
    const probe = await probeArchive(
      new HttpClient(FAST_HTTP),
      `${server.url}data/archive/latest.zip`,
    );
    expect(probe).toMatchObject({ name: '2025-03.zip', size: zip.length });
    // Then downloaded whole, as from any server without ranges.
    const result = await fetchSources(options({ month: '2025-03' }));
    expect(result.months.map((m) => m.status)).toEqual(['fetched']);
    expect((await fetchedStreet('2025-03')).equals(sampleStreetFile('2025-03'))).toBe(true);
  });

  it('probeArchive() fails saying what each answer lacked when neither gives the size', async () => {
    serveLatest('2025-03');
    server.file(ZIP_PATH, await buildArchive('2025-03'), { sizeUnstated: true });
    headAnswers({});
    const error = await fetchSources(options({ month: '2025-03' })).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `HEAD ${server.url}data/archive/latest.zip failed: ${server.url}data/archive/2025-03.zip ` +
        'does not say how large the archive is: its HEAD answer gave no usable Content-Length ' +
        '(none), and a GET of its first byte answered HTTP 206 with Content-Range "bytes 0-0/*". ' +
        'Check POLICE_ARCHIVE_BASE_URL; if it is right, the server describes its files in a way ' +
        'this pipeline cannot read: report it.',
    );
  });
});

describe("latest.zip redirected to a file whose name is not an archive's", () => {
  /** latest.zip redirected to `file` (as sent), whose HEAD describes an archive. */
  function redirectTo(file: string): void {
    server.route('HEAD', '/data/archive/latest.zip', [
      { status: 302, headers: { location: `/data/archive/${file}` } },
    ]);
    server.route('HEAD', `/data/archive/${file}`, [{ headers: { 'content-length': '1000' } }]);
  }

  it.each([
    ['a "%" followed by no hex digits', '2025-03%ZZ.zip'],
    ['a "%" at the end', '2025-03.zip%'],
    ['an escaped UTF-8 sequence cut short', '2025-03%E0%A4%A.zip'],
    ['escaped bytes that are not UTF-8', '2025-03%C3%28.zip'],
  ])('probeArchive() names the URL and the broken percent-escape: %s', async (_what, file) => {
    redirectTo(file);
    const url = `${server.url}data/archive/latest.zip`;
    const error = (await probeArchive(new HttpClient(FAST_HTTP), url).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toBe(
      `HEAD ${url} failed: ${url} led to "${server.url}data/archive/${file}", whose file name ` +
        `"${file}" has a broken percent-escape (a "%" without two hex digits after it, or ` +
        'escaped bytes that are not UTF-8), so it is not YYYY-MM.zip; check POLICE_ARCHIVE_BASE_URL',
    );
    expect(server.requests).toHaveLength(2);
  });

  it('probeArchive() quotes a decoded name that is not YYYY-MM.zip on one line', async () => {
    redirectTo('2025-03%0A%1B[2K.zip');
    const url = `${server.url}data/archive/latest.zip`;
    const error = (await probeArchive(new HttpClient(FAST_HTTP), url).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toContain('whose name "2025-03\\n\\x1b[2K.zip" is not YYYY-MM.zip');
    // eslint-disable-next-line no-control-regex -- what the message must not hold
    expect(error.message).not.toMatch(/[\n\x1b]/);
  });
});

describe('an archive server that answers too slowly for the deadline', () => {
  /** A deadline of 600 ms (and a little more for each byte asked): a byte every 20 ms is too slow. */
  const SLOW_HTTP = { ...FAST_HTTP, retries: 1, deadlineMs: 600 };
  const ZIP_URL = () => `${server.url}data/archive/2025-03.zip`;
  /** 5 kB standing for an archive: downloadResumable reads no zip. */
  const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));

  it('reads the months by ranges when a range answer trickles past its deadline, asking again', async () => {
    const zip = await buildArchive('2025-03');
    serveLatest('2025-03');
    server.file('/data/archive/2025-03.zip', zip, { faults: [{ trickleMs: 20 }] });
    const result = await fetchSources({
      ...options({ month: '2025-03' }),
      http: { ...SLOW_HTTP, retries: 2 },
    });
    expect(result.months.map((m) => m.status)).toEqual(['fetched']);
    expect((await fetchedStreet('2025-03')).equals(sampleStreetFile('2025-03'))).toBe(true);
    expect(logs.filter((l) => l.includes('a request may take'))).toHaveLength(1);
  });

  it('downloadResumable() fails naming the URL when every answer trickles past its deadline', async () => {
    server.file('/data/archive/2025-03.zip', bytes, {
      faults: [{ trickleMs: 20 }, { trickleMs: 20 }],
    });
    const client = new HttpClient({ ...SLOW_HTTP, log: (m) => logs.push(m) });
    const probe = await probeArchive(client, ZIP_URL());
    const started = performance.now();
    const error = await downloadResumable(client, probe, sourcePaths(cacheRoot).downloadDir).catch(
      (e: unknown) => e,
    );
    expect(performance.now() - started).toBeLessThan(5000);
    // 600 ms, and 5,000 bytes at 512 KiB/s.
    expect((error as Error).message).toMatch(
      new RegExp(
        `^GET ${ZIP_URL()} failed after 2 attempts: GET ${ZIP_URL()} took longer than the ` +
          '610 ms a request may take \\(\\d+ body bytes received\\): the server answers too slowly$',
      ),
    );
  });

  it('downloadResumable() resumes from the bytes an answer trickled before its deadline', async () => {
    server.file('/data/archive/2025-03.zip', bytes, { faults: [{ trickleMs: 20 }] });
    const client = new HttpClient({ ...SLOW_HTTP, log: (m) => logs.push(m) });
    const probe = await probeArchive(client, ZIP_URL());
    const file = await downloadResumable(client, probe, sourcePaths(cacheRoot).downloadDir, (m) =>
      logs.push(m),
    );
    expect((await readFile(file)).equals(bytes)).toBe(true);
    const gets = server.requestsTo('/data/archive/2025-03.zip').filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(2);
    // From the bytes that arrived: all those sent, or all but the one in flight at the deadline.
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(gets[1]?.headers.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(gets[0]?.bytesSent ?? 0);
    expect(resumedAt).toBeGreaterThanOrEqual((gets[0]?.bytesSent ?? 0) - 1);
    expect(logs.some((l) => l.includes('took longer than the 610 ms'))).toBe(true);
  });
});

describe('a download left by an earlier run, and the copy of the archive it is of', () => {
  const ZIP_PATH = '/data/archive/2025-03.zip';

  function download(client = new HttpClient(FAST_HTTP)): Promise<string> {
    return probeArchive(client, `${server.url}data/archive/2025-03.zip`).then((probe) =>
      downloadResumable(client, probe, sourcePaths(cacheRoot).downloadDir, (m) => logs.push(m)),
    );
  }

  /** The GETs of the archive sent after the first `skip` requests, by their Range header. */
  function rangesAfter(skip: number): (string | undefined)[] {
    return server.requests
      .slice(skip)
      .filter((r) => r.path === ZIP_PATH && r.method === 'GET')
      .map((r) => r.headers.range);
  }

  /**
   * A run whose download of `zip` is cut after `bytes` and not tried again: it fails, leaving a
   * `.partial` file (and the record of the copy it is of). Its size.
   */
  async function leavePartial(
    zip: Buffer,
    fileOptions: Parameters<ReplayServer['file']>[2] = {},
    bytes = 1_000_000,
  ): Promise<number> {
    server.file(ZIP_PATH, zip, { ...fileOptions, faults: [{ cutAfterBytes: bytes }] });
    await expect(download(new HttpClient({ ...FAST_HTTP, retries: 0 }))).rejects.toThrow(
      /lost its connection/,
    );
    const partial = path.join(sourcePaths(cacheRoot).downloadDir, '2025-03.zip.partial');
    const have = (await readFile(partial)).length;
    expect(have).toBeGreaterThan(0);
    expect(have).toBeLessThan(zip.length);
    return have;
  }

  it('resumes a .partial file left by an earlier run while the archive is unchanged, with the same bytes', async () => {
    const zip = await buildArchive('2025-03');
    const have = await leavePartial(zip, { etag: '"v1"' }, 123_456);
    const skip = server.requests.length;
    const file = await download();
    expect(rangesAfter(skip)).toEqual([`bytes=${have}-`]);
    expect((await readFile(file)).equals(zip)).toBe(true);
    expect(logs).toContain(`2025-03.zip: resuming the download at byte ${have}`);
  });

  it.each([
    ['the same size, another ETag', { etag: '"v1"' }, { etag: '"v2"' }, 'ETag "v1", now "v2"'],
    [
      'the same size, another Last-Modified',
      { lastModified: MARCH },
      { lastModified: APRIL },
      `Last-Modified "${MARCH}", now "${APRIL}"`,
    ],
    ['another size, no ETag or Last-Modified', {}, {}, 'size'],
  ])(
    'starts again when the archive changed since the .partial was begun (%s): the file is the new copy, byte for byte',
    async (what, before, after, change) => {
      const old = await buildArchive('2025-03');
      const zip = what.startsWith('another size')
        ? await buildZip(reviseBtp2025_03(archiveEntries('2025-03')))
        : sameSizeOtherBytes(old);
      expect(zip.length === old.length).toBe(!what.startsWith('another size'));
      await leavePartial(old, before);
      server.file(ZIP_PATH, zip, after);
      const skip = server.requests.length;
      const file = await download();
      expect((await readFile(file)).equals(zip)).toBe(true);
      expect(rangesAfter(skip)).toEqual([undefined]);
      const said = logs.filter((l) => l.includes('cannot be resumed'));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(
        /^2025-03\.zip: the partial download .*2025-03\.zip\.partial cannot be resumed \(it is of another copy of the archive \(.*\)\); deleted it, starting again from byte 0$/,
      );
      expect(said[0]).toContain(change);
    },
  );

  it('starts again from a .partial file that nothing records the copy of', async () => {
    const zip = await buildArchive('2025-03');
    server.file(ZIP_PATH, zip);
    const dir = sourcePaths(cacheRoot).downloadDir;
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, '2025-03.zip.partial'), Buffer.alloc(123_456, 7));
    const file = await download();
    expect((await readFile(file)).equals(zip)).toBe(true);
    expect(rangesAfter(0)).toEqual([undefined]);
    expect(logs.some((l) => l.includes('nothing records which copy of the archive it holds'))).toBe(
      true,
    );
  });

  it('starts again when the answer to resume starts at another byte than asked', async () => {
    const zip = await buildArchive('2025-03');
    const have = await leavePartial(zip);
    server.file(ZIP_PATH, zip, { faults: [{ rangeShiftedBy: 100 }] });
    const skip = server.requests.length;
    const file = await download();
    expect((await readFile(file)).equals(zip)).toBe(true);
    expect(rangesAfter(skip)).toEqual([`bytes=${have}-`, undefined]);
    expect(logs).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^2025-03\\.zip: the server cannot resume .*2025-03\\.zip\\.partial at byte ${have} ` +
            `\\(it answered with Content-Range "bytes ${have + 100}-${zip.length - 1}/${zip.length}"\\); ` +
            'deleted it, starting again from byte 0$',
        ),
      ),
    );
  });

  it('starts again from byte 0 when a request to resume is answered with the whole archive (200)', async () => {
    const zip = await buildArchive('2025-03');
    const have = await leavePartial(zip);
    server.file(ZIP_PATH, zip, { faults: [{ ignoreRange: true }] });
    const skip = server.requests.length;
    const file = await download();
    expect((await readFile(file)).equals(zip)).toBe(true);
    expect(rangesAfter(skip)).toEqual([`bytes=${have}-`]);
    expect(logs).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^2025-03\\.zip: the server cannot resume .*2025-03\\.zip\\.partial at byte ${have} ` +
            '\\(HTTP 200, the whole archive\\); deleted it, starting again from byte 0$',
        ),
      ),
    );
  });

  it('fails at once, saying so, when the archive is replaced by one of another size while it is downloaded', async () => {
    const zip = await buildArchive('2025-03');
    await leavePartial(zip);
    server.file(ZIP_PATH, zip);
    // After the probe, the answers come from a larger file (police.uk republished it).
    const larger = Buffer.concat([Buffer.alloc(1000), zip]);
    server.route('GET', ZIP_PATH, (request) => {
      const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
      return start === 0
        ? { body: larger }
        : {
            status: 206,
            headers: { 'content-range': `bytes ${start}-${larger.length - 1}/${larger.length}` },
            body: larger.subarray(start),
          };
    });
    const skip = server.requests.length;
    await expect(download()).rejects.toThrow(
      `${server.url}data/archive/2025-03.zip: its HEAD said ${zip.length} bytes, a GET answer ` +
        `says ${larger.length} (police.uk may have replaced the archive while it was ` +
        'downloaded); the partial download was deleted. Run again; if the next run fails the ' +
        "same way, the server's HEAD and GET disagree: report it to police.uk, or wait for a fix.",
    );
    expect(rangesAfter(skip)).toHaveLength(1);
    expect(await readdir(sourcePaths(cacheRoot).downloadDir)).not.toContain('2025-03.zip.partial');
  });

  it('fails at once, saying so, when the archive is replaced by one smaller than the partial download (416)', async () => {
    const zip = await buildArchive('2025-03');
    const have = await leavePartial(zip);
    const smaller = zip.subarray(0, 1000);
    expect(smaller.length).toBeLessThan(have);
    replacedAfterProbe(ZIP_PATH, zip, smaller, {}, {});
    const skip = server.requests.length;
    await expect(download()).rejects.toThrow(
      `${server.url}data/archive/2025-03.zip: its HEAD said ${zip.length} bytes, a GET answer ` +
        `says ${smaller.length} (police.uk may have replaced the archive while it was ` +
        'downloaded); the partial download was deleted. Run again; if the next run fails the ' +
        "same way, the server's HEAD and GET disagree: report it to police.uk, or wait for a fix.",
    );
    expect(rangesAfter(skip)).toEqual([`bytes=${have}-`]);
    expect(await readdir(sourcePaths(cacheRoot).downloadDir)).not.toContain('2025-03.zip.partial');
  });

  it('fails naming both sizes when a whole download gives another size than the HEAD, and writes nothing', async () => {
    const zip = await buildArchive('2025-03');
    server.file(ZIP_PATH, zip, { ranges: false });
    // The HEAD gives the archive's size; every GET a larger one.
    const larger = Buffer.concat([Buffer.alloc(1000), zip]);
    server.route('GET', ZIP_PATH, () => ({ body: larger }));
    await expect(download()).rejects.toThrow(
      `${server.url}data/archive/2025-03.zip: its HEAD said ${zip.length} bytes, a GET answer ` +
        `says ${larger.length} (police.uk may have replaced the archive while it was ` +
        'downloaded); nothing was written for it. Run again; if the next run fails the same ' +
        "way, the server's HEAD and GET disagree: report it to police.uk, or wait for a fix.",
    );
    // Only the record of the copy asked for: no .partial, no archive.
    expect(await readdir(sourcePaths(cacheRoot).downloadDir)).toEqual(['2025-03.zip.version.json']);
  });

  it.each([
    ['from byte 0', 0],
    ['resumed from a partial download', 1_000_000],
  ])(
    'fails at once, saying so, when a download without a Content-Length runs past the size the HEAD gave (%s)',
    async (_, partialBytes) => {
      const zip = await buildArchive('2025-03');
      // What the partial download holds: the bytes received before the cut, which under load
      // can be fewer than the server sent.
      const have = partialBytes > 0 ? await leavePartial(zip, {}, partialBytes) : 0;
      server.file(ZIP_PATH, zip);
      // The HEAD gives the archive's size; every GET streams a larger copy, with no Content-Length.
      const larger = Buffer.concat([zip, Buffer.alloc(100_000)]);
      server.route('GET', ZIP_PATH, (request) => {
        const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
        return start === 0
          ? { body: larger, unsized: true }
          : {
              status: 206,
              headers: { 'content-range': `bytes ${start}-${larger.length - 1}/*` },
              body: larger.subarray(start),
              unsized: true,
            };
      });
      const skip = server.requests.length;
      await expect(download()).rejects.toThrow(
        `${server.url}data/archive/2025-03.zip: its HEAD said ${zip.length} bytes, a GET answer ` +
          'says more: its body ran past that size (police.uk may have replaced the archive ' +
          'while it was downloaded); the partial download was deleted. Run again; if the next ' +
          "run fails the same way, the server's HEAD and GET disagree: report it to police.uk, " +
          'or wait for a fix.',
      );
      expect(rangesAfter(skip)).toEqual([have > 0 ? `bytes=${have}-` : undefined]);
      expect(await readdir(sourcePaths(cacheRoot).downloadDir)).toEqual([
        '2025-03.zip.version.json',
      ]);
    },
  );

  describe.each(SAME_SIZE_REPLACEMENTS)(
    'replaced by a copy of the same size after the probe (%s)',
    (_, before, after, change, condition) => {
      it.each([
        ['a server that honours If-Range: the whole new copy (200)', true],
        ['a server that ignores If-Range: the rest of the new copy (206)', false],
      ])(
        'fails at once and deletes the .partial rather than resume it, answered with %s',
        async (__, honoured) => {
          const old = await buildArchive('2025-03');
          const have = await leavePartial(old, before);
          replacedAfterProbe(ZIP_PATH, old, sameSizeOtherBytes(old), before, {
            ...after,
            ifRange: honoured,
          });
          const skip = server.requests.length;
          await expect(download()).rejects.toThrow(
            `is now another copy of the archive than when this run began ${change}: police.uk ` +
              'replaced it while it was downloaded; the partial download was deleted. Run again.',
          );
          expect(rangesAfter(skip)).toEqual([`bytes=${have}-`]);
          const resumed = server.requests.slice(skip).find((r) => r.method === 'GET');
          expect(resumed?.headers['if-range']).toBe(condition);
          const left = await readdir(sourcePaths(cacheRoot).downloadDir);
          expect(left).not.toContain('2025-03.zip.partial');
          expect(left).not.toContain('2025-03.zip');
        },
      );

      it('fails when the whole download, from byte 0, is of the new copy', async () => {
        const old = await buildArchive('2025-03');
        replacedAfterProbe(ZIP_PATH, old, sameSizeOtherBytes(old), before, after);
        await expect(download()).rejects.toThrow(
          `is now another copy of the archive than when this run began ${change}`,
        );
        const left = await readdir(sourcePaths(cacheRoot).downloadDir);
        expect(left.filter((f) => f.endsWith('.zip') || f.endsWith('.partial'))).toEqual([]);
      });
    },
  );

  it.each([
    ['an older copy', { etag: '"v1"' }, 'ETag "v1", now "v2"'],
    ['a copy that nothing records', undefined, 'nothing records which copy'],
  ])(
    'does not use a finished download of %s of the same size: it downloads the new one',
    async (_, before, change) => {
      const old = await buildArchive('2025-03');
      const zip = sameSizeOtherBytes(old);
      const dir = sourcePaths(cacheRoot).downloadDir;
      if (before) {
        server.file(ZIP_PATH, old, before);
        await download();
      } else {
        await mkdir(dir, { recursive: true });
        await writeFile(path.join(dir, '2025-03.zip'), old);
      }
      server.file(ZIP_PATH, zip, { etag: '"v2"' });
      const skip = server.requests.length;
      const file = await download();
      expect((await readFile(file)).equals(zip)).toBe(true);
      expect(rangesAfter(skip)).toEqual([undefined]);
      const said = logs.filter((l) => l.includes('is not the archive the server now has'));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(
        /^2025-03\.zip: the downloaded .*2025-03\.zip is not the archive the server now has \(.*\); deleted it, downloading the archive again$/,
      );
      expect(said[0]).toContain(change);
    },
  );

  it('uses a finished download again while the archive is unchanged, without a request', async () => {
    const zip = await buildArchive('2025-03');
    server.file(ZIP_PATH, zip, { etag: '"v1"' });
    await download();
    const skip = server.requests.length;
    const file = await download();
    expect((await readFile(file)).equals(zip)).toBe(true);
    expect(rangesAfter(skip)).toEqual([]);
  });
});

describe('the test zip writer', () => {
  it('writes archives that yauzl (the offline reader) opens, ZIP64 included', async () => {
    for (const zip64 of [false, true]) {
      const zip = await buildZip(
        [{ name: '2025-03/2025-03-btp-street.csv', data: Buffer.from('TEST DATA\n') }],
        { zip64 },
      );
      const file = path.join(cacheRoot, `t${zip64}.zip`);
      await writeFile(file, zip);
      const opened = await yauzl.openPromise(file, { lazyEntries: true });
      const names: string[] = [];
      for await (const entry of opened.eachEntry()) names.push(entry.fileName);
      opened.close();
      expect(names).toEqual(['2025-03/2025-03-btp-street.csv']);
      // The ZIP64 end of central directory record ("PK\x06\x06") is there only when forced.
      expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(zip64);
    }
  });
});
