// Full-scale synthetic input in police.uk's archive layout, for the benchmark only.
//
// Every Leeds row is a real row of data/sample/archive resampled (its snap-point
// coordinates, crime type, outcome, location and LSOA), with a new Crime ID. Around them:
// rows outside Leeds at real West Yorkshire ward centroids, malformed rows and exact
// duplicates, in counts recorded in the output's manifest so a run can be checked against
// them. The output is marked synthetic (SYNTHETIC.txt) and can never be written into the
// site's committed data.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { printFailure } from '../pipeline/command-failure.ts';
import { LEEDS_DISTRICT_CODE, STREET_COLUMNS } from '../src/shared/constants.ts';
import { MONTH_PATTERN } from '../src/shared/months.ts';
import { assertSafeOutputDir, REPO_ROOT } from './paths.ts';
import { createRandom, type Random } from './prng.ts';
import { errorMessage } from '../src/shared/error-message.ts';
import { formatCount } from '../src/shared/format-count.ts';

/** The file that marks a directory as synthetic benchmark input (and lets us replace it). */
export const SYNTHETIC_MARKER = 'SYNTHETIC.txt';
/** Written last: its presence means the generation finished. Kept outside the archive layout. */
export const MANIFEST_FILE = 'manifest.json';

export const DEFAULTS = {
  sampleDir: path.join(REPO_ROOT, 'data/sample/archive'),
  boundariesFile: path.join(REPO_ROOT, 'tests/fixtures/boundaries/west-yorkshire-wards.geojson'),
  outDir: path.join(REPO_ROOT, 'bench/out/archive'),
  seed: 'leeds-bench-1',
  firstMonth: '2018-01',
  lastMonth: '2025-12',
  /** 906,000 Leeds rows over 96 months: the scale the seed project was measured at. */
  leedsRowsPerMonth: 9437.5,
  /**
   * Rows outside Leeds, as a share of the Leeds rows. A real West Yorkshire file is mostly
   * outside Leeds; the benchmark measures Leeds-sized work with enough outside rows to
   * exercise the drop path.
   */
  outsideShare: 0.02,
  /** Malformed rows (no/bad coordinates, bad month, unknown crime type): about 0.3%. */
  malformedShare: 0.003,
  /** Exact repeats of a row with a Crime ID, as police.uk files occasionally contain. */
  duplicateShare: 0.0005,
  /** British Transport Police rows inside Leeds (stations and lines): well under 1%. */
  btpShare: 0.006,
} as const;

/** Month-to-month swing of the Leeds count (summer high, winter low), as in the real series. */
const SEASONAL_AMPLITUDE = 0.06;
/** Rows per write: big enough to keep syscalls few, small enough to stream. */
const LINES_PER_CHUNK = 2000;

const WEST_YORKSHIRE = 'West Yorkshire Police';
const BTP = 'British Transport Police';
const ASB = 'Anti-social behaviour';

export const MALFORMED_KINDS = [
  'no-coordinates',
  'malformed-coordinates',
  'malformed-month',
  'malformed-crime-type',
] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export interface GenerateOptions {
  sampleDir: string;
  boundariesFile: string;
  outDir: string;
  seed: string;
  firstMonth: string;
  lastMonth: string;
  leedsRowsPerMonth: number;
  outsideShare: number;
  malformedShare: number;
  duplicateShare: number;
  btpShare: number;
}

export interface MonthManifest {
  month: string;
  /** Distinct Leeds crimes (West Yorkshire + BTP): what a correct pipeline keeps. */
  leeds: number;
  btpLeeds: number;
  outside: number;
  malformed: Record<MalformedKind, number>;
  duplicates: number;
  /** Every data row written, all files. */
  rows: number;
}

export interface Manifest {
  synthetic: true;
  options: Omit<GenerateOptions, 'outDir' | 'sampleDir' | 'boundariesFile'>;
  months: MonthManifest[];
  totals: Omit<MonthManifest, 'month'>;
  generatedInMs: number;
}

interface PoolRow {
  crimeType: string;
  /** Longitude .. Context, each CSV-escaped. */
  fields: readonly string[];
  /** The same fields joined: copied verbatim into every resample. */
  tail: string;
}

interface OutsidePoint {
  lon: number;
  lat: number;
  ward: string;
}

export function monthsBetween(first: string, last: string): string[] {
  for (const m of [first, last]) {
    if (!MONTH_PATTERN.test(m)) throw new Error(`Expected a month as YYYY-MM, got "${m}"`);
  }
  const months: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > last) break;
    months.push(month);
    m += 1;
    if (m === 13) [y, m] = [y + 1, 1];
  }
  if (months.length === 0) throw new Error(`Empty month range ${first}..${last}`);
  return months;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The real street rows of every sample month, streamed from data/sample/archive. */
export async function loadSamplePool(sampleDir: string): Promise<PoolRow[]> {
  const pool: PoolRow[] = [];
  const months = (await readdir(sampleDir)).filter((m) => MONTH_PATTERN.test(m)).sort();
  for (const month of months) {
    const files = (await readdir(path.join(sampleDir, month))).filter((f) =>
      f.endsWith('-street.csv'),
    );
    for (const file of files) {
      const parser = createReadStream(path.join(sampleDir, month, file)).pipe(
        parse({ columns: true, skip_empty_lines: true }),
      );
      for await (const row of parser as AsyncIterable<Record<string, string>>) {
        const fields = STREET_COLUMNS.slice(4).map((c) => csvField(row[c] ?? ''));
        pool.push({ crimeType: row['Crime type'] ?? '', fields, tail: fields.join(',') });
      }
    }
  }
  if (pool.length === 0) {
    throw new Error(
      `No street rows found under ${sampleDir}: expected YYYY-MM/YYYY-MM-<force>-street.csv files`,
    );
  }
  return pool;
}

/** Ward centroids of West Yorkshire outside Leeds (Bradford, Calderdale, Kirklees, Wakefield). */
export async function loadOutsidePoints(boundariesFile: string): Promise<OutsidePoint[]> {
  const geojson = JSON.parse(await readFile(boundariesFile, 'utf8')) as {
    features: { properties: Record<string, unknown> }[];
  };
  const points = geojson.features
    .map((f) => f.properties)
    .filter((p) => p['LAD25CD'] !== LEEDS_DISTRICT_CODE)
    .map((p) => ({ lon: Number(p['LONG']), lat: Number(p['LAT']), ward: String(p['WD25NM']) }))
    .filter((p) => Number.isFinite(p.lon) && Number.isFinite(p.lat));
  if (points.length === 0) {
    throw new Error(`No wards outside Leeds with LONG/LAT in ${boundariesFile}`);
  }
  return points;
}

function leedsCount(month: string, average: number): number {
  const monthOfYear = Number(month.slice(5, 7));
  // Peak in July, trough in January; sums to `average` per month over whole years.
  return Math.round(
    average * (1 + SEASONAL_AMPLITUDE * Math.sin((2 * Math.PI * (monthOfYear - 4)) / 12)),
  );
}

function pick<T>(items: readonly T[], random: Random): T {
  return items[random.int(items.length)] as T;
}

function idFor(crimeType: string, random: Random): string {
  return crimeType === ASB ? '' : random.hex64();
}

function malformedLine(kind: MalformedKind, month: string, row: PoolRow, random: Random): string {
  const { fields } = row;
  const id = idFor(row.crimeType, random);
  const head = (m: string): string => `${id},${m},${WEST_YORKSHIRE},${WEST_YORKSHIRE}`;
  switch (kind) {
    case 'no-coordinates':
      // police.uk's own shape for a crime it could not place.
      return `${head(month)},,,No location,,,${csvField(row.crimeType)},${fields.at(-2) ?? ''},`;
    case 'malformed-coordinates':
      return `${head(month)},not-a-number,${fields.slice(1).join(',')}`;
    case 'malformed-month':
      return `${head(`${month.slice(0, 4)}-13`)},${row.tail}`;
    case 'malformed-crime-type':
      return `${id},${month},${WEST_YORKSHIRE},${WEST_YORKSHIRE},${fields.slice(0, 5).join(',')},Fraud and forgery,${fields.slice(6).join(',')}`;
  }
}

function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

async function writeLines(file: string, lines: readonly string[]): Promise<void> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const header = `${STREET_COLUMNS.join(',')}\n`;
  if (!out.write(header)) await once(out, 'drain');
  for (let i = 0; i < lines.length; i += LINES_PER_CHUNK) {
    const chunk = `${lines.slice(i, i + LINES_PER_CHUNK).join('\n')}\n`;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await rename(partial, file);
}

/** One month's files. Seeded by (seed, month), so a month is the same whichever range it is in. */
async function generateMonth(
  month: string,
  options: GenerateOptions,
  pool: readonly PoolRow[],
  outside: readonly OutsidePoint[],
): Promise<MonthManifest> {
  const random = createRandom(`${options.seed}:${month}`);
  const wy: string[] = [];
  const btp: string[] = [];
  const withId: string[] = [];
  const leeds = leedsCount(month, options.leedsRowsPerMonth);
  let btpLeeds = 0;
  for (let i = 0; i < leeds; i++) {
    const row = pick(pool, random);
    const isBtp = random.float() < options.btpShare;
    const force = isBtp ? BTP : WEST_YORKSHIRE;
    const id = idFor(row.crimeType, random);
    const line = `${id},${month},${force},${force},${row.tail}`;
    (isBtp ? btp : wy).push(line);
    if (isBtp) btpLeeds += 1;
    if (id !== '') withId.push(line);
  }

  const outsideCount = Math.round(leeds * options.outsideShare);
  for (let i = 0; i < outsideCount; i++) {
    const row = pick(pool, random);
    const point = pick(outside, random);
    const tail = [
      point.lon.toFixed(6),
      point.lat.toFixed(6),
      csvField(`On or near ${point.ward}`),
      '',
      '',
      ...row.fields.slice(5),
    ].join(',');
    wy.push(`${idFor(row.crimeType, random)},${month},${WEST_YORKSHIRE},${WEST_YORKSHIRE},${tail}`);
  }

  const malformed = Object.fromEntries(MALFORMED_KINDS.map((k) => [k, 0])) as Record<
    MalformedKind,
    number
  >;
  const malformedCount = Math.round(leeds * options.malformedShare);
  for (let i = 0; i < malformedCount; i++) {
    const kind = MALFORMED_KINDS[i % MALFORMED_KINDS.length] as MalformedKind;
    wy.push(malformedLine(kind, month, pick(pool, random), random));
    malformed[kind] += 1;
  }

  const duplicates = withId.length === 0 ? 0 : Math.round(leeds * options.duplicateShare);
  for (let i = 0; i < duplicates; i++) {
    const line = pick(withId, random);
    (line.includes(`,${BTP},`) ? btp : wy).push(line);
  }

  shuffle(wy, random);
  shuffle(btp, random);
  const dir = path.join(options.outDir, month);
  await mkdir(dir, { recursive: true });
  await writeLines(path.join(dir, `${month}-west-yorkshire-street.csv`), wy);
  if (btp.length > 0) await writeLines(path.join(dir, `${month}-btp-street.csv`), btp);
  return {
    month,
    leeds,
    btpLeeds,
    outside: outsideCount,
    malformed,
    duplicates,
    rows: wy.length + btp.length,
  };
}

function sumManifests(months: readonly MonthManifest[]): Manifest['totals'] {
  const totals: Manifest['totals'] = {
    leeds: 0,
    btpLeeds: 0,
    outside: 0,
    malformed: Object.fromEntries(MALFORMED_KINDS.map((k) => [k, 0])) as Record<
      MalformedKind,
      number
    >,
    duplicates: 0,
    rows: 0,
  };
  for (const m of months) {
    totals.leeds += m.leeds;
    totals.btpLeeds += m.btpLeeds;
    totals.outside += m.outside;
    totals.duplicates += m.duplicates;
    totals.rows += m.rows;
    for (const k of MALFORMED_KINDS) totals.malformed[k] += m.malformed[k];
  }
  return totals;
}

const MARKER_TEXT = `SYNTHETIC BENCHMARK INPUT - NOT POLICE DATA

Every file under this directory was generated by bench/generate.ts for performance
measurement. Rows are real police.uk rows for Leeds (data/sample/archive) resampled
across months they do not belong to, with invented Crime IDs, plus invented rows outside
Leeds and deliberately malformed rows. It says nothing about crime in any month.
Never publish it, and never use it as the site's data.
`;

/** Remove a previous synthetic output; refuse to touch a directory that is not one. */
async function clearOutput(outDir: string): Promise<void> {
  const entries = await readdir(outDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  if (entries.length === 0) return;
  if (!entries.includes(SYNTHETIC_MARKER)) {
    throw new Error(
      `${outDir} is not empty and has no ${SYNTHETIC_MARKER}: refusing to replace it. ` +
        'Choose an empty directory or one written by bench/generate.ts.',
    );
  }
  await rm(outDir, { recursive: true });
}

/**
 * The options of a history twice as long as `options`': as many months again before its
 * first, the same last month, in `<outDir>-<months>`. Months are seeded by (seed, month), so
 * its later half is byte for byte the shorter archive.
 */
export function longHistoryOf(options: GenerateOptions): GenerateOptions {
  const months = monthsBetween(options.firstMonth, options.lastMonth).length;
  const [y, m] = options.firstMonth.split('-').map(Number) as [number, number];
  const first = y * 12 + (m - 1) - months;
  const firstMonth = `${Math.floor(first / 12)}-${String((first % 12) + 1).padStart(2, '0')}`;
  return { ...options, firstMonth, outDir: `${options.outDir}-${months * 2}` };
}

/** Generate the synthetic archive. Deterministic: same options, same bytes. */
export async function generateArchive(options: GenerateOptions): Promise<Manifest> {
  const started = performance.now();
  const outDir = assertSafeOutputDir(options.outDir);
  const months = monthsBetween(options.firstMonth, options.lastMonth);
  const [pool, outside] = await Promise.all([
    loadSamplePool(options.sampleDir),
    loadOutsidePoints(options.boundariesFile),
  ]);
  await clearOutput(outDir);
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, SYNTHETIC_MARKER), MARKER_TEXT);
  const manifests: MonthManifest[] = [];
  for (const month of months) {
    manifests.push(await generateMonth(month, { ...options, outDir }, pool, outside));
  }
  const { outDir: _o, sampleDir: _s, boundariesFile: _b, ...rest } = options;
  const manifest: Manifest = {
    synthetic: true,
    options: rest,
    months: manifests,
    totals: sumManifests(manifests),
    generatedInMs: Math.round(performance.now() - started),
  };
  await writeFile(manifestPath(outDir), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The manifest sits next to the archive directory, so the archive holds only police.uk files. */
export function manifestPath(outDir: string): string {
  return path.join(path.dirname(outDir), `${path.basename(outDir)}.${MANIFEST_FILE}`);
}

/** The manifest of a finished generation with these options, or null (absent, partial, other options). */
export async function readManifest(options: GenerateOptions): Promise<Manifest | null> {
  try {
    await stat(path.join(options.outDir, SYNTHETIC_MARKER));
    const manifest = JSON.parse(await readFile(manifestPath(options.outDir), 'utf8')) as Manifest;
    const { outDir: _o, sampleDir: _s, boundariesFile: _b, ...wanted } = options;
    return JSON.stringify(manifest.options) === JSON.stringify(wanted) ? manifest : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    allowNegative: true,
    options: {
      // Also the same months and as many before them (bench/out/archive-192 by default), for
      // the benchmark's peak memory against the number of months.
      'long-history': { type: 'boolean', default: true },
      out: { type: 'string', default: DEFAULTS.outDir },
      seed: { type: 'string', default: DEFAULTS.seed },
      from: { type: 'string', default: DEFAULTS.firstMonth },
      to: { type: 'string', default: DEFAULTS.lastMonth },
      'rows-per-month': { type: 'string', default: String(DEFAULTS.leedsRowsPerMonth) },
    },
  });
  const rowsPerMonth = Number(values['rows-per-month']);
  if (!(rowsPerMonth > 0)) {
    throw new Error(
      `--rows-per-month must be a positive number, got "${values['rows-per-month']}"`,
    );
  }
  const options: GenerateOptions = {
    ...DEFAULTS,
    outDir: path.resolve(values.out),
    seed: values.seed,
    firstMonth: values.from,
    lastMonth: values.to,
    leedsRowsPerMonth: rowsPerMonth,
  };
  for (const o of values['long-history'] ? [options, longHistoryOf(options)] : [options]) {
    const manifest = await generateArchive(o);
    const t = manifest.totals;
    console.log(
      `Synthetic archive: ${manifest.months.length} months, ${formatCount(t.rows)} rows ` +
        `(${formatCount(t.leeds)} Leeds, ${t.outside} outside Leeds, ` +
        `${Object.values(t.malformed).reduce((a, b) => a + b, 0)} malformed, ${t.duplicates} duplicates) ` +
        `in ${(manifest.generatedInMs / 1000).toFixed(1)} s -> ${o.outDir}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    printFailure(`bench:data: ${errorMessage(error)}`, error);
    process.exit(1);
  });
}
