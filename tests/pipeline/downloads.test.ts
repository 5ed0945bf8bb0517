// The yearly record files: written by a real pipeline run on the sample months, re-read with
// csv-parse (not the pipeline's own reader), they give exactly the master dataset's rows, and
// the manifest's counts and checksums are those of the files.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import {
  cp,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_COLUMNS } from '../../src/shared/constants.ts';
import {
  downloadsManifestSchema,
  OPEN_DATA_LICENCE,
  yearlyFileName,
  type DownloadsManifest,
} from '../../src/shared/open-data.ts';
import { runPipeline } from '../../pipeline/cli.ts';
import {
  downloadsUnlikeManifest,
  LEEDS_NAMING,
  MONTH_CHUNK_BYTES,
  monthCsvRows,
  MonthRowsBuffers,
  writeYearlyDownloads,
  yearlyFilesNotIn,
} from '../../pipeline/downloads.ts';
import { GZIP_OPTIONS } from '../../pipeline/gzip-members.ts';
import { MASTER_HEADER } from '../../pipeline/master-row.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { Staging } from '../../pipeline/write.ts';

const SAMPLE = 'data/sample/archive';

let tmp: string;
let out: string;
let manifest: DownloadsManifest;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'downloads-test-'));
  out = path.join(tmp, 'run');
  await runPipeline(
    { help: false, list: false, offline: true, archiveDir: SAMPLE, out },
    { reporter: createMemoryReporter() },
  );
  manifest = downloadsManifestSchema.parse(
    JSON.parse(await readFile(path.join(out, 'downloads.json'), 'utf8')),
  );
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function csvRows(text: string): string[][] {
  return parse(text, { relax_column_count: false }) as string[][];
}

/**
 * The sample run's months as the downloads step is given them, and a writer of their yearly
 * files into tmp/<folder> (published there, each run reusing what the last one left).
 */
function yearlyWriter(folder: string, contentCache?: string) {
  const monthsDir = path.join(out, 'cache', 'months');
  const dir = path.join(tmp, folder);
  const paths = { dir, manifest: path.join(dir, 'downloads.json') };
  const months = manifest.files.flatMap((f) =>
    f.months.map((month) => ({ month, csv: path.join(monthsDir, `${month}.csv`), rows: 0 })),
  );
  const write = async (list: typeof months) => {
    const staging = new Staging(path.join(tmp, 'publish-journal.json'));
    const written = await writeYearlyDownloads(
      list,
      staging,
      paths,
      [paths],
      LEEDS_NAMING,
      contentCache,
    );
    await staging.commit();
    return written;
  };
  return { dir, paths, months, write };
}

describe('writeYearlyDownloads (through a pipeline run on the sample months)', () => {
  it('the yearly files re-read with csv-parse give the master dataset, row for row', async () => {
    const master = csvRows(await readFile(path.join(out, 'leeds_street_combined.csv'), 'utf8'));
    const [header, ...masterRows] = master;
    expect(header).toEqual([...MASTER_COLUMNS]);
    expect(manifest.files.map((f) => f.year)).toEqual([2024, 2025]);

    const yearly: string[][] = [];
    for (const f of manifest.files) {
      expect(f.file).toBe(yearlyFileName(f.year));
      const [yearHeader, ...rows] = csvRows(
        gunzipSync(await readFile(path.join(out, 'downloads', f.file))).toString('utf8'),
      );
      expect(yearHeader).toEqual([...MASTER_COLUMNS]);
      expect(rows).toHaveLength(f.rows);
      expect(new Set(rows.map((r) => r[1]?.slice(0, 4)))).toEqual(new Set([String(f.year)]));
      expect([...new Set(rows.map((r) => r[1]))]).toEqual(f.months);
      yearly.push(...rows);
    }
    expect(masterRows.length).toBeGreaterThan(20_000);
    expect(yearly).toEqual(masterRows);
  });

  it("lists each file's size and SHA-256 as the files have them", async () => {
    for (const f of manifest.files) {
      const bytes = await readFile(path.join(out, 'downloads', f.file));
      expect(f.bytes).toBe(bytes.length);
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('downloadsUnlikeManifest(dir, manifest) finds the files as listed, and each one that is not', async () => {
    expect(await downloadsUnlikeManifest(path.join(out, 'downloads'), manifest)).toEqual([]);
    const dir = path.join(tmp, 'unlike-manifest');
    await cp(path.join(out, 'downloads'), dir, { recursive: true });
    const [first, second] = manifest.files;
    if (first === undefined || second === undefined) throw new Error('the sample has two years');
    const bytes = await readFile(path.join(dir, first.file));
    await writeFile(path.join(dir, first.file), bytes.subarray(0, bytes.length - 10));
    await rm(path.join(dir, second.file));
    await writeFile(path.join(dir, yearlyFileName(2019)), gzipSync('an earlier run'));
    // Any other file would be published with the folder too.
    await writeFile(path.join(dir, 'notes.txt'), 'written by hand');
    expect(await downloadsUnlikeManifest(dir, manifest)).toEqual([
      `${first.file} is ${first.bytes - 10} bytes, the manifest lists ${first.bytes}`,
      `${second.file} is not there`,
      `${yearlyFileName(2019)} is not listed`,
      'notes.txt is not listed',
    ]);
    // The same size, another byte: only its SHA-256 tells.
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 1;
    await writeFile(path.join(dir, first.file), bytes);
    expect((await downloadsUnlikeManifest(dir, manifest))[0]).toBe(
      `${first.file} has SHA-256 ${createHash('sha256').update(bytes).digest('hex')}, ` +
        `the manifest lists ${first.sha256}`,
    );
  });

  it('downloadsUnlikeManifest(dir, manifest) finds a README.txt that lists other files or checksums, or none', async () => {
    const dir = path.join(tmp, 'unlike-readme');
    await cp(path.join(out, 'downloads'), dir, { recursive: true });
    const readme = path.join(dir, 'README.txt');
    const text = await readFile(readme, 'utf8');
    const [first] = manifest.files;
    if (first === undefined) throw new Error('the sample has a year');
    // An earlier run's README: another SHA-256 for the first year.
    await writeFile(readme, text.replace(first.sha256, '0'.repeat(64)));
    expect(await downloadsUnlikeManifest(dir, manifest)).toEqual([
      `README.txt does not list the files as the manifest does (${first.file})`,
    ]);
    // One year left out.
    await writeFile(
      readme,
      text
        .split('\n')
        .filter((line) => !line.includes(first.sha256))
        .join('\n'),
    );
    expect(await downloadsUnlikeManifest(dir, manifest)).toEqual([
      `README.txt does not list the files as the manifest does (${first.file})`,
    ]);
    await rm(readme);
    expect(await downloadsUnlikeManifest(dir, manifest)).toEqual(['README.txt is not there']);
  });

  it('puts a README.txt with the columns, checksums, licence and attribution beside the files', async () => {
    const readme = await readFile(path.join(out, 'downloads', 'README.txt'), 'utf8');
    for (const column of MASTER_COLUMNS) expect(readme).toContain(`  ${column} (`);
    for (const f of manifest.files) {
      expect(readme).toContain(
        `  ${f.file}  months ${f.months.join(', ')}  ${f.rows} rows  ${f.bytes} bytes  ${f.sha256}\n`,
      );
    }
    expect(readme.replace(/\s+/g, ' ')).toContain(
      'A month not listed is not in the data (before its first month, after its last, or a gap between), never a month without crimes.',
    );
    expect(readme).toContain(OPEN_DATA_LICENCE.path);
    expect(readme).toContain('Royal Mail copyright and database right 2018');
    expect(readme).toContain('Contains OS data');
  });

  it('README.txt says how the files fill the Polling District column, as they do', async () => {
    let rows = 0;
    let filled = 0;
    for (const f of manifest.files) {
      const text = gunzipSync(await readFile(path.join(out, 'downloads', f.file)));
      const records = parse(text, { columns: true }) as Record<string, string>[];
      rows += records.length;
      filled += records.filter((r) => (r['Polling District'] ?? '') !== '').length;
    }
    const readme = await readFile(path.join(out, 'downloads', 'README.txt'), 'utf8');
    const column = readme.split('\n').find((line) => line.startsWith('  Polling District ('));
    // An offline run has no polling-district boundaries: no row has one.
    expect(rows).toBeGreaterThan(0);
    expect(filled).toBe(0);
    expect(column).toContain('empty in every row of these files');
  });

  it("README.txt says how the files' rows end, as they do: a line feed, not RFC 4180's CRLF", async () => {
    const readme = (await readFile(path.join(out, 'downloads', 'README.txt'), 'utf8')).replace(
      /\s+/g,
      ' ',
    );
    for (const f of manifest.files) {
      const text = gunzipSync(await readFile(path.join(out, 'downloads', f.file))).toString();
      expect(text.split('\n')).toHaveLength(f.rows + 2);
      expect(text, f.file).not.toContain('\r');
    }
    expect(readme).toContain('each row ending in a line feed rather than CRLF');
  });

  it('writes the same bytes for the same months, its month members cached or not (a refresh only changes the years that changed)', async () => {
    const { months } = yearlyWriter('unused');
    const writeInto = async (folder: string) => {
      const staging = new Staging(path.join(tmp, 'publish-journal.json'));
      const dir = path.join(tmp, folder);
      const paths = { dir, manifest: path.join(dir, 'downloads.json') };
      const written = await writeYearlyDownloads(months, staging, paths, [paths], LEEDS_NAMING);
      await staging.commit();
      return written.files.map((f) => f.sha256);
    };
    const cached = await writeInto('again-1');
    expect(await writeInto('again-2')).toEqual(cached);
    for (const m of months) await rm(`${m.csv}.gz`);
    expect(await writeInto('again-3')).toEqual(cached);
  });

  it('lists the SHA-256 of the uncompressed CSV, compressed on a first run or checked against earlier files', async () => {
    const monthsDir = path.join(out, 'cache', 'months');
    const months = manifest.files.flatMap((f) =>
      f.months.map((month) => ({ month, csv: path.join(monthsDir, `${month}.csv`), rows: 0 })),
    );
    const uncompressedSha256 = async (dir: string, file: string) =>
      createHash('sha256')
        .update(gunzipSync(await readFile(path.join(dir, file))))
        .digest('hex');
    const first = path.join(tmp, 'content-first');
    const paths = { dir: first, manifest: path.join(first, 'downloads.json') };
    for (const reuse of [[], [paths]]) {
      const staging = new Staging(path.join(tmp, 'publish-journal.json'));
      const written = await writeYearlyDownloads(months, staging, paths, reuse, LEEDS_NAMING);
      await staging.commit();
      for (const f of written.files) {
        expect(f.contentSha256, f.file).toBe(await uncompressedSha256(first, f.file));
      }
      expect(written.files.map((f) => f.contentSha256)).toEqual(
        manifest.files.map((f) => f.contentSha256),
      );
    }
  });

  it('takes away the file of a year no month of the data is in any more, and nothing else', async () => {
    const { dir, months, write } = yearlyWriter('year-gone');
    const years = manifest.files.map((f) => f.year);
    expect(years.length).toBeGreaterThan(1);
    await write(months);
    await writeFile(path.join(dir, 'notes.txt'), 'not a yearly file');
    const [dropped, ...keptYears] = years as [number, ...number[]];
    const written = await write(months.filter((m) => !m.month.startsWith(`${dropped}-`)));
    expect(written.files.map((f) => f.year)).toEqual(keptYears);
    expect((await readdir(dir)).sort()).toEqual(
      [
        'README.txt',
        'downloads.json',
        'notes.txt',
        ...keptYears.map((y) => yearlyFileName(y)),
      ].sort(),
    );
  });

  it('keeps the published file of a year whose rows did not change, and compresses a changed year again', async () => {
    const { dir, paths, months, write } = yearlyWriter('incremental');
    const first = await write(months);

    // Publish 2024 as an earlier run might have: the same rows, compressed differently.
    const file2024 = path.join(dir, yearlyFileName(2024));
    const recompressed = gzipSync(gunzipSync(await readFile(file2024)), { level: 1 });
    await writeFile(file2024, recompressed);
    const published = structuredClone(first);
    const entry = published.files.find((f) => f.year === 2024)!;
    entry.bytes = recompressed.length;
    entry.sha256 = createHash('sha256').update(recompressed).digest('hex');
    await writeFile(paths.manifest, JSON.stringify(published));

    // March 2025 loses its last row.
    const march = months.find((m) => m.month === '2025-03')!;
    const shorter = path.join(tmp, '2025-03.csv');
    const text = await readFile(march.csv, 'utf8');
    await writeFile(shorter, text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1));
    const before = await stat(file2024);
    const second = await write(months.map((m) => (m === march ? { ...m, csv: shorter } : m)));
    // Left where it is, not written again over itself.
    const after = await stat(file2024);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);

    const year = (m: DownloadsManifest, y: number) => m.files.find((f) => f.year === y)!;
    expect(year(second, 2024).sha256).toBe(entry.sha256);
    expect((await readFile(file2024)).equals(recompressed)).toBe(true);
    expect(year(second, 2025).contentSha256).not.toBe(year(first, 2025).contentSha256);
    const rows2025 = csvRows(
      gunzipSync(await readFile(path.join(dir, yearlyFileName(2025)))).toString('utf8'),
    );
    expect(rows2025.length - 1).toBe(
      csvRows(
        gunzipSync(await readFile(path.join(out, 'downloads', yearlyFileName(2025)))).toString(
          'utf8',
        ),
      ).length - 2,
    );

    // A run into a fresh folder takes the unchanged year from another run's folder (as the
    // monthly refresh, which writes into a staging folder, takes it from the published files).
    const fresh = path.join(tmp, 'fresh');
    const staging = new Staging(path.join(tmp, 'publish-journal.json'));
    const third = await writeYearlyDownloads(
      months,
      staging,
      { dir: fresh, manifest: path.join(fresh, 'downloads.json') },
      [{ dir: fresh, manifest: path.join(fresh, 'downloads.json') }, paths],
      LEEDS_NAMING,
    );
    await staging.commit();
    expect(year(third, 2024).sha256).toBe(entry.sha256);
    expect((await readFile(path.join(fresh, yearlyFileName(2024)))).equals(recompressed)).toBe(
      true,
    );
  });

  it('checks a kept year by reading it only when it is not the file the cache last saw with its SHA-256', async () => {
    const cache = path.join(tmp, 'seen-files-content.json');
    const { dir, months, write: writeMonths } = yearlyWriter('seen-files', cache);
    const write = () => writeMonths(months);
    const first = await write();
    const file2024 = path.join(dir, yearlyFileName(2024));
    const good = await readFile(file2024);
    const info = await stat(file2024);
    const entry = first.files.find((f) => f.year === 2024)!;
    // Each file as it was written: size, time and SHA-256, by name.
    const saved = JSON.parse(await readFile(cache, 'utf8')) as { files: Record<string, string> };
    expect(saved.files[entry.file]).toBe(
      `${info.size}:${Math.trunc(info.mtimeMs)}:${entry.sha256}`,
    );

    // Other bytes, with the size and time the cache saw: trusted, not read (the cache's rule:
    // a file the run wrote is replaced, never edited in place keeping its time).
    const other = Buffer.alloc(good.length, 0x20);
    await writeFile(file2024, other);
    await utimes(file2024, info.atimeMs / 1000, info.mtimeMs / 1000);
    await write();
    expect((await readFile(file2024)).equals(other)).toBe(true);

    // Changed since (another time): read, found not to be the listed file, and made again.
    await writeFile(file2024, other);
    const second = await write();
    expect((await readFile(file2024)).equals(good)).toBe(true);
    expect(second.files.find((f) => f.year === 2024)!.sha256).toBe(entry.sha256);
  });

  it('monthCsvRows refuses a month file that does not start with the master header', async () => {
    const bad = path.join(tmp, 'bad.csv');
    await writeFile(bad, `${'Crime ID,Month,'.repeat(30)}\n1,2025-03\n`);
    await expect(monthCsvRows(bad, Buffer.alloc(1024), () => {})).rejects.toThrow(
      /does not start with the master CSV header/,
    );
    await writeFile(bad, 'Crime ID,Month');
    await expect(monthCsvRows(bad, Buffer.alloc(1024), () => {})).rejects.toThrow(
      /shorter than the master CSV header/,
    );
  });

  it('monthCsvRows(file, buffer, use) gives the rows after the header, a buffer-full at a time', async () => {
    const file = path.join(tmp, 'rows.csv');
    const rows = Array.from({ length: 50 }, (_, i) => `row ${i},${'x'.repeat(i)}\n`).join('');
    await writeFile(file, MASTER_HEADER + rows);
    const buffer = Buffer.alloc(MASTER_HEADER.length + 100);
    const chunks: Buffer[] = [];
    await monthCsvRows(file, buffer, (chunk) => {
      // The buffer is reused for the next chunk: keep a copy.
      chunks.push(Buffer.from(chunk));
    });
    expect(chunks.length).toBeGreaterThan(5);
    expect(Buffer.concat(chunks).toString()).toBe(rows);
  });
});

describe('yearlyFilesNotIn(dir, kept)', () => {
  it("lists every area's yearly files not kept, slugs with numbers too, and nothing else", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'yearly-'));
    try {
      const kept = new Set([yearlyFileName(2025, 'sheffield-2')]);
      const stale = [
        yearlyFileName(2019, 'leeds'),
        yearlyFileName(2019, 'sheffield-2'),
        yearlyFileName(2020, 'south-yorkshire-2026'),
      ];
      const others = ['datapackage.json', 'crimes-2019.csv', 'leeds-crimes-2019.csv.gz.tmp-42'];
      for (const name of [...kept, ...stale, ...others]) await writeFile(path.join(dir, name), '');
      expect((await yearlyFilesNotIn(dir, kept)).map((f) => path.basename(f)).sort()).toEqual(
        [...stale].sort(),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('MonthRowsBuffers: whole months read into buffers used again', () => {
  const month = (rows: number) =>
    Array.from({ length: rows }, (_, i) => `id-${i},2025-03,"On or near ""A"", B"\n`).join('');

  it('gives a month whole without its header, and its buffer to the next month once released', async () => {
    const buffers = new MonthRowsBuffers();
    const [a, b, larger] = [month(300), month(200), month(3000)];
    const files = ['a.csv', 'b.csv', 'larger.csv'].map((name) => path.join(tmp, name));
    await writeFile(files[0]!, MASTER_HEADER + a);
    await writeFile(files[1]!, MASTER_HEADER + b);
    await writeFile(files[2]!, MASTER_HEADER + larger);
    const first = await buffers.read(files[0]!);
    expect(first.toString()).toBe(a);
    // Not released yet: the next month may not take its buffer.
    const second = await buffers.read(files[1]!);
    expect(second.buffer).not.toBe(first.buffer);
    buffers.release(first);
    const third = await buffers.read(files[1]!);
    expect(third.toString()).toBe(b);
    expect(third.buffer).toBe(first.buffer);
    // A month larger than every free buffer gets one of its own.
    buffers.release(second);
    buffers.release(third);
    const fourth = await buffers.read(files[2]!);
    expect(fourth.toString()).toBe(larger);
    expect([first.buffer, second.buffer]).not.toContain(fourth.buffer);
  });

  it('takes the smallest free buffer with room for a month and its end, and lets go those too small', async () => {
    const buffers = new MonthRowsBuffers();
    const write = async (name: string, text: string) => {
      const file = path.join(tmp, name);
      await writeFile(file, text);
      return file;
    };
    const small = await write('small.csv', MASTER_HEADER + month(100));
    const middle = await write('middle.csv', MASTER_HEADER + month(1000));
    const big = await write('big.csv', MASTER_HEADER + month(3000));
    const m = await buffers.read(middle);
    const b = await buffers.read(big);
    buffers.release(m);
    buffers.release(b);
    // Both are free and both would hold the small month: it gets the smaller.
    const s = await buffers.read(small);
    expect(s.buffer).toBe(m.buffer);
    buffers.release(s);
    // A month exactly the size of the smaller free buffer does not fit it (the read that finds
    // the file's end needs room), and is not read into a buffer grown to twice that size.
    const exact = await write(
      'exact.csv',
      MASTER_HEADER + 'x'.repeat(m.buffer.byteLength - MASTER_HEADER.length),
    );
    const e = await buffers.read(exact);
    expect(e.buffer).toBe(b.buffer);
    buffers.release(e);
    // A month larger than every free buffer: they are let go, and it gets a new one.
    const larger = await write('larger.csv', MASTER_HEADER + month(9000));
    const l = await buffers.read(larger);
    expect([m.buffer, b.buffer]).not.toContain(l.buffer);
    buffers.release(l);
    expect((await buffers.read(middle)).buffer).toBe(l.buffer);
  });

  it('refuses rows it did not give out, or gives back twice', async () => {
    const buffers = new MonthRowsBuffers();
    const file = path.join(tmp, 'once.csv');
    await writeFile(file, MASTER_HEADER + month(10));
    const rows = await buffers.read(file);
    buffers.release(rows);
    expect(() => buffers.release(rows)).toThrow(/not out \(released twice\?\)/);
    expect(() => buffers.release(Buffer.from(month(10)))).toThrow(/not out/);
  });

  it('reads a file whose size it cannot know beforehand (a named pipe) to its end', async () => {
    const fifo = path.join(tmp, 'month.fifo');
    const source = path.join(tmp, 'fifo-source.csv');
    const rows = month(5000);
    await writeFile(source, MASTER_HEADER + rows);
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', source, fifo], { stdio: 'inherit' });
    // Listened for first: the writer may be gone by the time the read has its last bytes.
    const closed = once(writer, 'close');
    const read = await new MonthRowsBuffers().read(fifo);
    expect(await closed).toEqual([0, null]);
    expect(read.toString()).toBe(rows);
  });

  it('refuses a month file without the master header, naming it', async () => {
    const bad = path.join(tmp, 'no-header.csv');
    await writeFile(bad, `${'Crime ID,Month,'.repeat(30)}\n1,2025-03\n`);
    await expect(new MonthRowsBuffers().read(bad)).rejects.toThrow(
      /no-header\.csv.*does not start with the master CSV header/,
    );
  });
});

/**
 * A year's file made one month at a time, each month's rows streamed into its own gzip
 * member in MONTH_CHUNK_BYTES chunks, each chunk compressed before the next is read: how
 * the files were made before months were compressed side by side.
 */
async function oneMonthAtATime(csvs: readonly string[]): Promise<Buffer> {
  const parts: Buffer[] = [gzipSync(MASTER_HEADER, GZIP_OPTIONS)];
  const buffer = Buffer.allocUnsafe(MONTH_CHUNK_BYTES);
  for (const csv of csvs) {
    const gzip = createGzip(GZIP_OPTIONS);
    const chunks: Buffer[] = [];
    const drained = (async () => {
      for await (const chunk of gzip as AsyncIterable<Buffer>) chunks.push(chunk);
    })();
    await monthCsvRows(
      csv,
      buffer,
      (chunk) =>
        new Promise<void>((resolve, reject) =>
          gzip.write(chunk, (error) => (error ? reject(error) : resolve())),
        ),
    );
    gzip.end();
    await drained;
    parts.push(...chunks);
  }
  return Buffer.concat(parts);
}

describe('a yearly file as gzip members (gzip-members.ts)', () => {
  /** 2025's months of the sample run, copied so that they can be rewritten. */
  async function months2025(folder: string) {
    const { months } = yearlyWriter('unused');
    const dir = path.join(tmp, folder, 'months');
    await mkdir(dir, { recursive: true });
    const copies = [];
    for (const m of months.filter((m) => m.month.startsWith('2025-'))) {
      const csv = path.join(dir, path.basename(m.csv));
      await copyFile(m.csv, csv);
      copies.push({ ...m, csv });
    }
    return copies;
  }

  /** What the year's file must hold: the header, then each month's rows. */
  async function expected(months: readonly { csv: string }[]): Promise<Buffer> {
    const parts = [Buffer.from(MASTER_HEADER)];
    for (const m of months) parts.push((await readFile(m.csv)).subarray(MASTER_HEADER.length));
    return Buffer.concat(parts);
  }

  async function write(folder: string, months: Parameters<typeof writeYearlyDownloads>[0]) {
    const dir = path.join(tmp, folder, 'downloads');
    const paths = { dir, manifest: path.join(dir, 'downloads.json') };
    const staging = new Staging(path.join(tmp, 'publish-journal.json'));
    const contentCache = path.join(tmp, folder, 'downloads-content.json');
    const written = await writeYearlyDownloads(
      months,
      staging,
      paths,
      [paths],
      LEEDS_NAMING,
      contentCache,
    );
    await staging.commit();
    return { file: path.join(dir, yearlyFileName(2025)), entry: written.files[0]! };
  }

  it('is read whole by gunzip, Node zlib and Python gzip, where its first member alone is the header', async () => {
    const months = await months2025('members');
    expect(months.length).toBeGreaterThan(1);
    const { file } = await write('members', months);
    const want = await expected(months);
    expect(gunzipSync(await readFile(file)).equals(want)).toBe(true);
    expect(execFileSync('gunzip', ['-c', file], { maxBuffer: 1 << 28 }).equals(want)).toBe(true);
    const python = (code: string) =>
      execFileSync('python3', ['-c', code, file], { maxBuffer: 1 << 28 });
    const read = 'import gzip, sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())';
    expect(python(read).equals(want)).toBe(true);
    // A reader that stops after the first member (zlib's own decompressobj) would miss every row.
    const firstMember =
      'import zlib, sys; sys.stdout.buffer.write(zlib.decompressobj(31).decompress(open(sys.argv[1], "rb").read()))';
    expect(python(firstMember).toString('utf8')).toBe(MASTER_HEADER);
  });

  it("compresses a month again when its rows file was replaced, and hashes the year's new rows", async () => {
    const months = await months2025('replaced');
    const first = await write('replaced', months);
    // The last month loses its last row: a new rows file at the same path.
    const last = months.at(-1)!;
    const text = await readFile(last.csv, 'utf8');
    await writeFile(last.csv, text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1));
    const second = await write('replaced', months);
    const want = await expected(months);
    expect(gunzipSync(await readFile(second.file)).equals(want)).toBe(true);
    expect(second.entry.contentSha256).toBe(createHash('sha256').update(want).digest('hex'));
    expect(second.entry.contentSha256).not.toBe(first.entry.contentSha256);
  });
  it("works a year's content hash out again when the cached one is not a hash", async () => {
    const months = await months2025('content-cache');
    const first = await write('content-cache', months);
    const cache = path.join(tmp, 'content-cache', 'downloads-content.json');
    const text = await readFile(cache, 'utf8');
    expect(text).toContain(first.entry.contentSha256);
    await writeFile(cache, text.replace(first.entry.contentSha256, 'not a hash'));
    await rm(first.file);
    const again = await write('content-cache', months);
    expect(again.entry.contentSha256).toBe(first.entry.contentSha256);
  });

  it('compresses a month again when its cached member was made with other settings', async () => {
    const months = await months2025('settings');
    const first = await write('settings', months);
    const cache = `${months[0]!.csv}.gz`;
    const made = (await readFile(cache)).toString('latin1');
    const stamp = made.slice(0, made.indexOf('\n') + 1);
    expect(stamp).toMatch(/^gzip-member:5:9:1:/);
    // As runs with earlier settings cached it: its stamp names them, and its member is zlib's
    // with them, whole and hashed (level 6 alone; level 6 with memLevel 9).
    for (const [settings, options] of [
      ['6', { level: 6 }],
      ['6:9', { level: 6, memLevel: 9 }],
    ] as const) {
      const rows = (await readFile(months[0]!.csv)).subarray(MASTER_HEADER.length);
      const older = gzipSync(rows, options);
      expect(older.equals(gzipSync(rows, GZIP_OPTIONS))).toBe(false);
      const olderHash = createHash('sha256').update(older).digest('hex');
      await writeFile(
        cache,
        Buffer.concat([
          Buffer.from(stamp.replace(':5:9:1:', `:${settings}:`) + `${olderHash}\n`, 'latin1'),
          older,
        ]),
      );
      await rm(first.file);
      const again = await write('settings', months);
      const oneByOne = await oneMonthAtATime(months.map((m) => m.csv));
      expect((await readFile(again.file)).equals(oneByOne)).toBe(true);
      expect((await readFile(cache)).toString('latin1').startsWith(stamp)).toBe(true);
    }
  });

  it('compresses a month again when its cached member is damaged, and never publishes it', async () => {
    const months = await months2025('damaged');
    const first = await write('damaged', months);
    const cache = `${months[0]!.csv}.gz`;
    const bytes = await readFile(cache);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 12] = damaged.at(-12)! ^ 0xff;
    await writeFile(cache, damaged);
    // The year is made again (its published file gone), from its months' members.
    await rm(first.file);
    const again = await write('damaged', months);
    expect(gunzipSync(await readFile(again.file)).equals(await expected(months))).toBe(true);
    expect((await readFile(cache)).equals(bytes)).toBe(true);
  });
});

describe('yearly files compressed a few months at once (gzip-members.ts writeMonthMembers)', () => {
  /** `count` months from 2023-11 of made-up rows, each over MONTH_CHUNK_BYTES, in `folder`. */
  async function madeUpMonths(folder: string, count: number) {
    const dir = path.join(tmp, folder);
    await mkdir(dir, { recursive: true });
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const months = [];
    for (let i = 0; i < count; i++) {
      const date = new Date(Date.UTC(2023, 10 + i, 1));
      const month = date.toISOString().slice(0, 7);
      const lines = [MASTER_HEADER.trimEnd()];
      let size = 0;
      while (size < MONTH_CHUNK_BYTES * 1.3) {
        const fields = MASTER_COLUMNS.map((_, f) =>
          f === 1
            ? month
            : next()
                .toString(36)
                .repeat((next() % 3) + 1),
        );
        const line = fields.join(',');
        lines.push(line);
        size += line.length + 1;
      }
      const csv = path.join(dir, `${month}.csv`);
      await writeFile(csv, `${lines.join('\n')}\n`);
      months.push({ month, csv, rows: lines.length - 1 });
    }
    return months;
  }

  async function writeTo(folder: string, months: Parameters<typeof writeYearlyDownloads>[0]) {
    const dir = path.join(tmp, folder);
    const paths = { dir, manifest: path.join(dir, 'downloads.json') };
    const staging = new Staging(path.join(tmp, `${folder}-journal.json`));
    const written = await writeYearlyDownloads(months, staging, paths, [], LEEDS_NAMING);
    await staging.commit();
    return { dir, written };
  }

  /** Each year's file equals the one-month-at-a-time bytes, and its content hash its rows'. */
  async function expectSameAsOneMonthAtATime(
    dir: string,
    months: readonly { month: string; csv: string }[],
    files: DownloadsManifest['files'],
  ) {
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) {
      const csvs = months.filter((m) => f.months.includes(m.month)).map((m) => m.csv);
      const bytes = await readFile(path.join(dir, f.file));
      expect(bytes.equals(await oneMonthAtATime(csvs))).toBe(true);
      const rows = await Promise.all(
        csvs.map(async (csv) => (await readFile(csv)).subarray(MASTER_HEADER.length)),
      );
      const content = Buffer.concat([Buffer.from(MASTER_HEADER), ...rows]);
      expect(f.contentSha256).toBe(createHash('sha256').update(content).digest('hex'));
    }
  }

  it("writes the sample run's years with the bytes of one month at a time", async () => {
    const { months } = yearlyWriter('unused');
    const copies = [];
    await mkdir(path.join(tmp, 'sample-months'), { recursive: true });
    for (const m of months) {
      const csv = path.join(tmp, 'sample-months', path.basename(m.csv));
      await copyFile(m.csv, csv);
      copies.push({ ...m, csv });
    }
    const { dir, written } = await writeTo('sample-parallel', copies);
    await expectSameAsOneMonthAtATime(dir, copies, written.files);
  });

  it('writes made-up years of months over a read chunk each with the bytes of one month at a time, compressed or cached', async () => {
    const months = await madeUpMonths('made-up-months', 15);
    const cold = await writeTo('made-up-cold', months);
    expect(cold.written.files.map((f) => f.year)).toEqual([2023, 2024, 2025]);
    await expectSameAsOneMonthAtATime(cold.dir, months, cold.written.files);
    // A second run takes every month's member from beside its rows file.
    const warm = await writeTo('made-up-warm', months);
    expect(warm.written.files).toEqual(cold.written.files);
    await expectSameAsOneMonthAtATime(warm.dir, months, warm.written.files);
  });

  it('fails on a bad rows file mid-year naming it, and leaves nothing staged or running', async () => {
    const months = await madeUpMonths('bad-month', 6);
    const bad = months[3]!;
    await writeFile(
      bad.csv,
      `not the header\n${(await readFile(bad.csv, 'utf8')).slice(MASTER_HEADER.length)}`,
    );
    const dir = path.join(tmp, 'bad-month-out');
    const paths = { dir, manifest: path.join(dir, 'downloads.json') };
    const staging = new Staging(path.join(tmp, 'bad-month-journal.json'));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(writeYearlyDownloads(months, staging, paths, [], LEEDS_NAMING)).rejects.toThrow(
        `${bad.csv}: does not start with the master CSV header`,
      );
      // The months before it were compressed side by side: all done and cached, none after.
      const cached = (await readdir(path.join(tmp, 'bad-month'))).filter((n) => n.endsWith('.gz'));
      expect(cached).toEqual(months.slice(0, 3).map((m) => `${path.basename(m.csv)}.gz`));
      await staging.abort();
      expect(await readdir(dir).catch(() => [])).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
