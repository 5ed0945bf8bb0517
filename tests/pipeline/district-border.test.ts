// A police.uk point just outside the district's generalised outline (within
// OUTLINE_TOLERANCE_M) is kept as the district's, with the nearest ward, unless police.uk's own
// LSOA puts it in another district: then a district built beside it (Bradford beside Leeds,
// both West Yorkshire's) would count the same crime too.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { booleanPointInPolygon, destination, distance, rhumbBearing } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/cli.ts';
import { formatCsvRow } from '../../pipeline/csv.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { STREET_COLUMNS } from '../../src/shared/constants.ts';

const MONTH = '2025-03';
const SAMPLE = path.join('data', 'sample', 'archive', MONTH, `${MONTH}-west-yorkshire-street.csv`);

/** A point 30 m outside the middle of the Leeds outline's longest edge. */
async function pointOutsideLeeds(): Promise<[number, number]> {
  const outline = JSON.parse(
    await readFile('data/reference/leeds-outline.geojson', 'utf8'),
  ) as FeatureCollection<Polygon | MultiPolygon>;
  const shape = outline.features[0] as Feature<Polygon | MultiPolygon>;
  const ring =
    shape.geometry.type === 'Polygon'
      ? shape.geometry.coordinates[0]!
      : shape.geometry.coordinates[0]![0]!;
  const edges = ring.slice(1).map((end, i) => ({ start: ring[i]!, end }));
  const { start, end } = edges.sort(
    (a, b) => distance(b.start, b.end) - distance(a.start, a.end),
  )[0]!;
  const middle: [number, number] = [(start[0]! + end[0]!) / 2, (start[1]! + end[1]!) / 2];
  const along = rhumbBearing(start, end);
  const sides = [along + 90, along - 90].map(
    (bearing) => destination(middle, 30, bearing, { units: 'meters' }).geometry.coordinates,
  );
  const [lon, lat] = sides.find((side) => !booleanPointInPolygon(side, shape))!;
  return [Number(lon!.toFixed(6)), Number(lat!.toFixed(6))];
}

let scratch: string;
let kept: Record<string, string>[];
let summary: { totals: { kept: number; dropped: Record<string, number> } };
let sampleRows: number;
let point: [number, number];

/** One crime at `point` whose LSOA police.uk names `lsoaName`. */
function crimeAt(n: number, lsoaName: string): string[] {
  const values: Record<string, string> = {
    'Crime ID': `TEST-BORDER-${n}`.padEnd(64, '0'),
    Month: MONTH,
    'Reported by': 'West Yorkshire Police',
    'Falls within': 'West Yorkshire Police',
    Longitude: String(point[0]),
    Latitude: String(point[1]),
    Location: 'On or near Border Lane',
    'LSOA code': lsoaName === '' ? '' : 'E01000000',
    'LSOA name': lsoaName,
    'Crime type': 'Burglary',
    'Last outcome category': 'Under investigation',
    Context: '',
  };
  return STREET_COLUMNS.map((c) => values[c] ?? '');
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'district-border-'));
  point = await pointOutsideLeeds();
  const sample = await readFile(SAMPLE, 'utf8');
  sampleRows = sample.trim().split('\n').length - 1;
  const extra = ['Bradford 001A', 'Kirklees 012B', 'Harrogate 003C', 'Leeds 001A', ''].map(
    (name, i) => formatCsvRow(crimeAt(i, name)),
  );
  const archive = path.join(scratch, 'archive', MONTH);
  await mkdir(archive, { recursive: true });
  await writeFile(
    path.join(archive, `${MONTH}-west-yorkshire-street.csv`),
    (sample.endsWith('\n') ? sample : `${sample}\n`) + extra.join(''),
  );
  const out = path.join(scratch, 'out');
  await runPipeline(
    { help: false, list: false, offline: true, archiveDir: path.join(scratch, 'archive'), out },
    { reporter: createMemoryReporter(), threads: 1 },
  );
  kept = parse(await readFile(path.join(out, 'leeds_street_combined.csv')), {
    columns: true,
  }) as Record<string, string>[];
  summary = JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8'));
}, 120_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('a crime just outside the district outline', () => {
  it("is kept as the district's when police.uk's LSOA is the district's or not given", () => {
    const atPoint = kept.filter((r) => r['Location'] === 'On or near Border Lane');
    // Rows 3 ("Leeds 001A") and 4 (no LSOA: the nearest Leeds LSOA is given).
    expect(atPoint.map((r) => r['Crime ID']?.slice(0, 13)).sort()).toEqual([
      'TEST-BORDER-3',
      'TEST-BORDER-4',
    ]);
    expect(atPoint.every((r) => r['Ward Code']?.startsWith('E05'))).toBe(true);
  });

  it('is left out, counted as outside the district, when police.uk puts it in another district', () => {
    expect(summary.totals.kept).toBe(sampleRows + 2);
    expect(summary.totals.dropped['outside-district']).toBe(3);
  });
});
