import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  generateArchive,
  longHistoryOf,
  manifestPath,
  monthsBetween,
  readManifest,
  SYNTHETIC_MARKER,
  type GenerateOptions,
  type Manifest,
} from '../../bench/generate.ts';
import { assertSafeOutputDir, REPO_ROOT } from '../../bench/paths.ts';
import { readCsv } from '../../pipeline/csv.ts';
import { CRIME_TYPES, STREET_COLUMNS } from '../../src/shared/constants.ts';

type Row = Record<(typeof STREET_COLUMNS)[number], string>;

let tmp: string;
let options: GenerateOptions;
let manifest: Manifest;
let rows: Row[];

async function readRows(dir: string): Promise<Row[]> {
  const out: Row[] = [];
  for (const month of (await readdir(dir)).filter((m) => /^\d{4}-\d{2}$/.test(m)).sort()) {
    for (const file of (await readdir(path.join(dir, month))).sort()) {
      const text = await readFile(path.join(dir, month, file), 'utf8');
      const header = text.slice(0, text.indexOf('\n'));
      expect(header).toBe(STREET_COLUMNS.join(','));
      out.push(...(parse(text, { columns: true }) as Row[]));
    }
  }
  return out;
}

async function digest(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of (await readdir(dir, { recursive: true })).sort()) {
    const file = path.join(dir, entry);
    if (entry.endsWith('.csv')) hash.update(entry).update(await readFile(file));
  }
  return hash.digest('hex');
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bench-generate-'));
  options = {
    ...DEFAULTS,
    outDir: path.join(tmp, 'archive'),
    firstMonth: '2019-11',
    lastMonth: '2020-02',
    leedsRowsPerMonth: 400,
    // Raised so a tiny input still holds every kind of unusual row.
    outsideShare: 0.05,
    malformedShare: 0.02,
    duplicateShare: 0.01,
    btpShare: 0.05,
  };
  manifest = await generateArchive(options);
  rows = await readRows(options.outDir);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('generateArchive', () => {
  it('writes one street file per force and month in the police.uk archive layout, marked synthetic', async () => {
    const entries = (await readdir(options.outDir, { recursive: true })).sort();
    expect(entries).toContain(SYNTHETIC_MARKER);
    expect(entries).toContain(path.join('2019-11', '2019-11-west-yorkshire-street.csv'));
    expect(entries).toContain(path.join('2020-02', '2020-02-btp-street.csv'));
    expect(entries.filter((e) => e.endsWith('.csv'))).toHaveLength(8);
    expect(await readFile(path.join(options.outDir, SYNTHETIC_MARKER), 'utf8')).toMatch(
      /^SYNTHETIC BENCHMARK INPUT - NOT POLICE DATA/,
    );
    expect(manifest.synthetic).toBe(true);
    expect(manifest.months.map((m) => m.month)).toEqual([
      '2019-11',
      '2019-12',
      '2020-01',
      '2020-02',
    ]);
  });

  it("reads, through the pipeline's CSV reader in small pieces, as csv-parse reads it", async () => {
    const read: Record<string, string>[] = [];
    for (const month of (await readdir(options.outDir))
      .filter((m) => /^\d{4}-\d{2}$/.test(m))
      .sort()) {
      for (const file of (await readdir(path.join(options.outDir, month))).sort()) {
        const where = path.join(options.outDir, month, file);
        const input = createReadStream(where, { highWaterMark: 1000 });
        for await (const row of readCsv(input, where, STREET_COLUMNS)) read.push({ ...row.values });
      }
    }
    expect(read.length).toBeGreaterThan(1000);
    expect(read).toEqual(rows);
  });

  it('writes as many rows of each kind as its manifest says', () => {
    const t = manifest.totals;
    expect(rows).toHaveLength(t.rows);
    const noCoordinates = rows.filter((r) => r.Longitude === '' && r.Latitude === '');
    expect(noCoordinates).toHaveLength(t.malformed['no-coordinates']);
    expect(noCoordinates.every((r) => r.Location === 'No location')).toBe(true);
    expect(rows.filter((r) => r.Longitude === 'not-a-number')).toHaveLength(
      t.malformed['malformed-coordinates'],
    );
    expect(rows.filter((r) => r.Month.endsWith('-13'))).toHaveLength(
      t.malformed['malformed-month'],
    );
    const known = new Set<string>(CRIME_TYPES);
    expect(rows.filter((r) => !known.has(r['Crime type']))).toHaveLength(
      t.malformed['malformed-crime-type'],
    );
    const btp = rows.filter((r) => r['Reported by'] === 'British Transport Police');
    const btpIds = btp.map((r) => r['Crime ID']).filter((id) => id !== '');
    expect(t.btpLeeds).toBeGreaterThan(0);
    expect(btp.length - (btpIds.length - new Set(btpIds).size)).toBe(t.btpLeeds);
    expect(
      t.leeds + t.outside + t.duplicates + Object.values(t.malformed).reduce((a, b) => a + b),
    ).toBe(t.rows);
  });

  it('gives every crime a new unique 64-hex Crime ID and anti-social behaviour a blank one', () => {
    const ids = rows.map((r) => r['Crime ID']);
    expect(
      rows
        .filter((r) => r['Crime type'] === 'Anti-social behaviour')
        .every((r) => r['Crime ID'] === ''),
    ).toBe(true);
    const withId = ids.filter((id) => id !== '');
    expect(withId.every((id) => /^[0-9a-f]{64}$/.test(id))).toBe(true);
    expect(withId.length - new Set(withId).size).toBe(manifest.totals.duplicates);
  });

  it('resamples real sample rows: every Leeds row has a sample coordinate, LSOA and location', async () => {
    const sample = new Set<string>();
    for (const month of ['2024-03', '2025-02', '2025-03']) {
      const text = await readFile(
        path.join(DEFAULTS.sampleDir, month, `${month}-west-yorkshire-street.csv`),
        'utf8',
      );
      for (const r of parse(text, { columns: true }) as Row[]) {
        sample.add(
          [r.Longitude, r.Latitude, r.Location, r['LSOA code'], r['Crime type']].join('|'),
        );
      }
    }
    const leeds = rows.filter(
      (r) =>
        r['LSOA name'].startsWith('Leeds') &&
        r.Longitude !== 'not-a-number' &&
        !r.Month.endsWith('-13') &&
        new Set<string>(CRIME_TYPES).has(r['Crime type']),
    );
    expect(leeds.length).toBe(manifest.totals.leeds + manifest.totals.duplicates);
    for (const r of leeds) {
      expect(
        sample.has(
          [r.Longitude, r.Latitude, r.Location, r['LSOA code'], r['Crime type']].join('|'),
        ),
      ).toBe(true);
    }
  });

  it('puts the rows outside Leeds at West Yorkshire points that are really outside the Leeds outline', async () => {
    const outline = JSON.parse(
      await readFile(path.join(REPO_ROOT, 'data/reference/leeds-outline.geojson'), 'utf8'),
    ) as { features: Feature<Polygon | MultiPolygon>[] };
    const outside = rows.filter((r) => r['LSOA code'] === '' && r.Longitude !== '');
    expect(outside).toHaveLength(manifest.totals.outside);
    for (const r of outside) {
      const point = [Number(r.Longitude), Number(r.Latitude)];
      expect(outline.features.some((f) => booleanPointInPolygon(point, f))).toBe(false);
    }
  });

  it('is deterministic: the same options give the same bytes, and a month is the same in any range', async () => {
    const again = { ...options, outDir: path.join(tmp, 'again') };
    await generateArchive(again);
    expect(await digest(again.outDir)).toBe(await digest(options.outDir));

    const shorter = { ...options, outDir: path.join(tmp, 'shorter'), firstMonth: '2020-01' };
    await generateArchive(shorter);
    const month = '2020-01/2020-01-west-yorkshire-street.csv';
    expect(await readFile(path.join(shorter.outDir, month), 'utf8')).toBe(
      await readFile(path.join(options.outDir, month), 'utf8'),
    );
  });

  it('refuses to replace a non-empty directory it did not write', async () => {
    const foreign = path.join(tmp, 'foreign');
    await mkdir(foreign);
    await writeFile(path.join(foreign, 'notes.txt'), 'keep me');
    await expect(generateArchive({ ...options, outDir: foreign })).rejects.toThrow(
      /refusing to replace/,
    );
    expect(await readFile(path.join(foreign, 'notes.txt'), 'utf8')).toBe('keep me');
  });
});

describe('longHistoryOf', () => {
  it('doubles the months back from the first, across a year, into <outDir>-<months>', () => {
    expect(longHistoryOf(options)).toEqual({
      ...options,
      firstMonth: '2019-07',
      outDir: `${options.outDir}-8`,
    });
    const eightYears = longHistoryOf(DEFAULTS);
    expect(monthsBetween(eightYears.firstMonth, eightYears.lastMonth)).toHaveLength(192);
    expect(eightYears.firstMonth).toBe('2010-01');
    expect(eightYears.outDir).toBe(path.join(REPO_ROOT, 'bench/out/archive-192'));
  });
});

describe('readManifest', () => {
  it('returns the manifest of a finished generation and null when the options differ', async () => {
    expect((await readManifest(options))?.totals).toEqual(manifest.totals);
    expect(await readManifest({ ...options, seed: 'another' })).toBeNull();
    expect(manifestPath('/x/archive')).toBe('/x/archive.manifest.json');
  });
});

describe('assertSafeOutputDir', () => {
  it('refuses the committed site data and inputs, and accepts bench/out and temporary directories', () => {
    for (const dir of ['src/data', 'public/data', 'data/processed', '.', 'src']) {
      expect(() => assertSafeOutputDir(path.join(REPO_ROOT, dir))).toThrow(/Refusing/);
    }
    expect(() => assertSafeOutputDir(path.dirname(REPO_ROOT))).toThrow(/contains the repository/);
    expect(assertSafeOutputDir(path.join(REPO_ROOT, 'bench/out/archive'))).toBe(
      path.join(REPO_ROOT, 'bench/out/archive'),
    );
    expect(assertSafeOutputDir(path.join(os.tmpdir(), 'x'))).toBe(path.join(os.tmpdir(), 'x'));
  });
});

describe('monthsBetween', () => {
  it('monthsBetween("2018-01", "2025-12") lists the 96 months across year ends', () => {
    const months = monthsBetween('2018-01', '2025-12');
    expect(months).toHaveLength(96);
    expect(months.slice(11, 13)).toEqual(['2018-12', '2019-01']);
    expect(() => monthsBetween('2018-1', '2018-02')).toThrow(/YYYY-MM/);
  });
});
