// A whole run over a slice of the benchmark's input (17 generated months, one of them missing
// and one thinned to a few rows, whose places lie far apart), its outputs checked against the
// run's own master CSV, read again here row by row:
// - the map data, read back by the page's decoder: every month, place, ward, crime type and
//   city-centre flag, and every precomputed total, hold exactly the rows the master CSV keeps;
// - the yearly downloads: each year's file is the header's gzip member and then one per month
//   of that year, each the month's master rows compressed alone with the pipeline's settings,
//   and the manifest gives each file's rows, months, size and checksums.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, generateArchive } from '../../bench/generate.ts';
import { runPipeline } from '../../pipeline/cli.ts';
import { GZIP_OPTIONS } from '../../pipeline/gzip-members.ts';
import { MASTER_HEADER, masterLine, masterRowCrime } from '../../pipeline/master-row.ts';
import { pipelinePaths } from '../../pipeline/paths.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { CITY_CENTRE, quantise } from '../../src/shared/map-data-encoder.ts';
import {
  CHECKPOINT_MONTHS,
  FLAG_CITY_CENTRE,
  NO_WARD,
  decodeMapData,
  gunzipIfNeeded,
  type MapData,
} from '../../src/shared/map-data.ts';
import { monthRange, yearOf } from '../../src/shared/months.ts';
import {
  downloadsManifestSchema,
  yearlyFileName,
  type DownloadsManifest,
} from '../../src/shared/open-data.ts';

const FIRST = '2023-10';
const LAST = '2025-02';
/** Leeds rows a month: enough for places with several crimes of a type in a month. */
const ROWS_PER_MONTH = 2500;
/** Left out of the archive: the map must show it as a gap. */
const MISSING = '2024-05';
/**
 * Thinned to one row in THINNING: its few places lie far apart in the map's point order, so
 * the steps between them take more than a byte.
 */
const SPARSE = '2024-09';
const THINNING = 40;

type MasterRow = Record<string, string>;

/** Where a master row falls in the map data. */
interface PlacedRow {
  month: number;
  /** Its ward's slot in the totals (the last slot for no ward). */
  slot: number;
  type: number;
  place: string;
  centre: boolean;
}

let dir: string;
/** The master CSV as written. */
let master: Buffer;
let rows: MasterRow[];
/** Each master row's own text, its line break included, as in the master CSV. */
let rowTexts: string[];
let downloads: { dir: string; manifest: DownloadsManifest };
let data: MapData;
/** Each master row, placed once (placeRow). */
let placed: PlacedRow[];
/** Each point of the map data as a place (placeKey), by point index. */
let pointPlaces: string[];
/** The master rows' texts of each month, in the master CSV's order, by year (textsByYear). */
let yearTexts: Map<number, Map<string, string[]>>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bench-slice-run-'));
  const archive = path.join(dir, 'archive');
  await generateArchive({
    ...DEFAULTS,
    outDir: archive,
    seed: 'map-data-run',
    firstMonth: FIRST,
    lastMonth: LAST,
    leedsRowsPerMonth: ROWS_PER_MONTH,
  });
  await rm(path.join(archive, MISSING), { recursive: true });
  const sparse = path.join(archive, SPARSE, `${SPARSE}-west-yorkshire-street.csv`);
  const [header, ...lines] = (await readFile(sparse, 'utf8')).trimEnd().split('\n');
  await writeFile(
    sparse,
    [header, ...lines.filter((_, i) => i % THINNING === 0)].join('\n') + '\n',
  );
  const out = path.join(dir, 'out');
  await runPipeline(
    { help: false, list: false, offline: true, archiveDir: archive, out },
    { reporter: createMemoryReporter(), threads: 2, generatedAt: '2025-06-01T00:00:00.000Z' },
  );
  const paths = pipelinePaths({ out });
  master = await readFile(paths.masterCsv);
  const records = parse(master, { columns: true, raw: true }) as {
    record: MasterRow;
    raw: string;
  }[];
  rows = records.map((r) => r.record);
  rowTexts = records.map((r) => r.raw);
  downloads = {
    dir: paths.downloads.dir,
    manifest: downloadsManifestSchema.parse(
      JSON.parse(await readFile(paths.downloads.manifest, 'utf8')),
    ),
  };
  data = decodeMapData(await gunzipIfNeeded(await readFile(paths.mapData)));
  placed = rows.map(placeRow);
  pointPlaces = Array.from({ length: data.pointCount }, (_, p) =>
    placeKey(quantise(data.pointLon[p]!), quantise(data.pointLat[p]!), data.pointWard[p]!),
  );
  yearTexts = textsByYear();
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * A place as the map keeps it: its quantised position and its ward (or none). The master CSV
 * writes positions to 6 decimals, as police.uk gives them, so quantising its text gives what
 * the encoder made of the rows' own numbers.
 */
function placeKey(lonQ: number, latQ: number, ward: number): string {
  return `${lonQ},${latQ},${ward}`;
}

function add(counts: Map<string, number>, key: string, n = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + n);
}

function placeRow(row: MasterRow): PlacedRow {
  const month = data.months.indexOf(row['Month'] ?? '');
  const wardIndex = data.wards.findIndex((w) => w.code === row['Ward Code']);
  const type = data.crimeTypes.indexOf(row['Crime type'] ?? '');
  if (month < 0 || type < 0 || (wardIndex < 0 && row['Ward Code'] !== '')) {
    throw new Error(`a master row the map data has no slot for: ${JSON.stringify(row)}`);
  }
  const ward = wardIndex < 0 ? NO_WARD : wardIndex;
  const slot = wardIndex < 0 ? data.wards.length : wardIndex;
  const place = placeKey(
    quantise(Number(row['Longitude'])),
    quantise(Number(row['Latitude'])),
    ward,
  );
  return { month, slot, type, place, centre: CITY_CENTRE.has(row['Postcode District'] ?? '') };
}

describe('the map data of a run over a slice of the benchmark input', () => {
  it('holds every calendar month from the first to the last, the missing one a gap', () => {
    expect(data.months).toEqual(monthRange(FIRST, LAST));
    expect(data.months.filter((_, m) => !data.hasData[m])).toEqual([MISSING]);
    const monthsOfRows = new Set(rows.map((r) => r['Month']));
    expect(data.months.filter((m) => monthsOfRows.has(m))).toEqual(
      data.months.filter((_, m) => data.hasData[m]),
    );
  });

  it("holds each month's rows at their places, by crime type, as the master CSV counts them", () => {
    expect(rows.length).toBeGreaterThan(30_000);
    const expected = new Map<string, number>();
    for (const { month, type, place } of placed) add(expected, `${month}|${place}|${type}`);
    const decoded = new Map<string, number>();
    for (let m = 0; m < data.months.length; m++) {
      for (let e = data.monthStart[m]!; e < data.monthStart[m + 1]!; e++) {
        const place = pointPlaces[data.entryPoint[e]!];
        add(decoded, `${m}|${place}|${data.entryType[e]}`, data.entryCount[e]);
      }
    }
    expect(decoded.size).toBe(expected.size);
    expect(decoded).toEqual(expected);
  });

  it('reads the thinned month, whose steps between places take more than a byte', () => {
    const m = data.months.indexOf(SPARSE);
    let longest = 0;
    for (let e = data.monthStart[m]! + 1; e < data.monthStart[m + 1]!; e++) {
      longest = Math.max(longest, data.entryPoint[e]! - data.entryPoint[e - 1]!);
    }
    expect(longest).toBeGreaterThanOrEqual(128);
    // About one row in THINNING is left, give or take the seasonal swing and the dropped rows.
    expect(rows.filter((r) => r['Month'] === SPARSE).length).toBeLessThan(
      (2 * ROWS_PER_MONTH) / THINNING,
    );
  });

  it('flags as city centre exactly the places of rows in the city-centre postcode districts', () => {
    const centre = new Set<string>();
    const elsewhere = new Set<string>();
    for (const { place, centre: inCentre } of placed) (inCentre ? centre : elsewhere).add(place);
    expect(centre.size).toBeGreaterThan(0);
    for (let p = 0; p < data.pointCount; p++) {
      const place = pointPlaces[p]!;
      const flagged = (data.pointFlags[p]! & FLAG_CITY_CENTRE) !== 0;
      expect({ place, flagged }).toEqual({ place, flagged: centre.has(place) });
      expect(centre.has(place) || elsewhere.has(place)).toBe(true);
    }
  });

  it('precomputes month totals by ward and type, and for the city centre, equal to the rows', () => {
    const T = data.crimeTypes.length;
    const all = new Uint32Array(data.monthWardType.length);
    const centre = new Uint32Array(data.cityCentreMonthWardType.length);
    for (const { month, slot, type, centre: inCentre } of placed) {
      const at = (month * data.wardSlots + slot) * T + type;
      all[at]! += 1;
      if (inCentre) centre[at]! += 1;
    }
    expect(data.monthWardType).toEqual(all);
    expect(data.cityCentreMonthWardType).toEqual(centre);
  });

  it('keeps running totals by place at each 12-month checkpoint equal to the rows before it', () => {
    const P = data.pointCount;
    const T = data.crimeTypes.length;
    const pointOf = new Map(pointPlaces.map((place, p) => [place, p]));
    expect(data.checkpoints).toBe(Math.floor(data.months.length / CHECKPOINT_MONTHS) + 1);
    for (let c = 0; c < data.checkpoints; c++) {
      const byType = new Uint32Array(P * T);
      const allTypes = new Uint32Array(P);
      for (const { month, type, place } of placed) {
        if (month >= c * CHECKPOINT_MONTHS) continue;
        const p = pointOf.get(place);
        if (p === undefined) throw new Error(`no point of the map data at ${place}`);
        byType[p * T + type]! += 1;
        allTypes[p]! += 1;
      }
      expect(data.pointTypeCumulative.subarray(c * P * T, (c + 1) * P * T)).toEqual(byType);
      expect(data.pointCumulative.subarray(c * P, (c + 1) * P)).toEqual(allTypes);
    }
  });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The master rows' texts of each month, in the master CSV's order, by year. */
function textsByYear(): Map<number, Map<string, string[]>> {
  const years = new Map<number, Map<string, string[]>>();
  rows.forEach((row, i) => {
    const month = row['Month']!;
    const year = yearOf(month);
    let months = years.get(year);
    if (months === undefined) years.set(year, (months = new Map()));
    let texts = months.get(month);
    if (texts === undefined) months.set(month, (texts = []));
    texts.push(rowTexts[i]!);
  });
  return years;
}

describe('the yearly downloads of a run over a slice of the benchmark input', () => {
  it('reads the master CSV as its header and then the rows, in month order', () => {
    expect(master.toString('utf8')).toBe(MASTER_HEADER + rowTexts.join(''));
    const months = rows.map((r) => r['Month']!);
    expect(months).toEqual(months.slice().sort());
  });

  it('writes each row, most from the text read, as masterLine writes the crime it holds', () => {
    // The generated months drop trailing zeros from coordinates, as police.uk does: the rows
    // written from their text had zeros added, and every other row was formatted whole.
    rows.forEach((row, i) => {
      expect(masterLine(masterRowCrime(row, `master CSV row ${i + 2}`))).toBe(rowTexts[i]);
    });
    expect(rows.length).toBeGreaterThan(1000);
  });

  it("gives each year its file: the header's gzip member, then one member for each month of its rows", async () => {
    expect([...yearTexts.keys()]).toEqual([2023, 2024, 2025]);
    for (const [year, months] of yearTexts) {
      const members = [gzipSync(MASTER_HEADER, GZIP_OPTIONS)];
      for (const texts of months.values()) {
        members.push(gzipSync(Buffer.from(texts.join('')), GZIP_OPTIONS));
      }
      const file = await readFile(path.join(downloads.dir, yearlyFileName(year)));
      expect({ year, same: file.equals(Buffer.concat(members)) }).toEqual({ year, same: true });
    }
  });

  it("lists each year's file with its rows, months, size and checksums, and nothing else", async () => {
    const expected = [];
    for (const [year, months] of yearTexts) {
      const file = await readFile(path.join(downloads.dir, yearlyFileName(year)));
      expected.push({
        year,
        file: yearlyFileName(year),
        rows: [...months.values()].reduce((n, texts) => n + texts.length, 0),
        bytes: file.length,
        sha256: sha256(file),
        contentSha256: sha256(Buffer.from(MASTER_HEADER + [...months.values()].flat().join(''))),
        months: [...months.keys()],
      });
    }
    expect(downloads.manifest.files).toEqual(expected);
    expect(downloads.manifest.files.find((f) => f.year === 2024)?.months).not.toContain(MISSING);
    expect((await readdir(downloads.dir)).sort()).toEqual(
      [...expected.map((f) => f.file), 'README.txt'].sort(),
    );
  });
});
