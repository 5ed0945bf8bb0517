// The independent count of Sheffield's rows (tests/support/district-count.ts) on the four
// committed South Yorkshire months: the yardstick for the Sheffield pipeline run. These tests
// check the count against itself and against police.uk's own LSOA column, not against
// numbers written down.
import { readFileSync } from 'node:fs';
import { destination, point } from '@turf/turf';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  countDistrictRows,
  DROP_REASONS,
  readStreetRows,
  type StreetRow,
} from '../support/district-count.ts';

const SHEFFIELD = new URL('../../data/areas/sheffield/', import.meta.url);
const WARDS = JSON.parse(
  readFileSync(new URL('wards.geojson', SHEFFIELD), 'utf8'),
) as FeatureCollection<Polygon | MultiPolygon>;
const MONTHS = ['2024-01', '2024-02', '2024-03', '2024-04'] as const;
const monthFile = (month: string) =>
  new URL(`sample/archive/${month}/${month}-south-yorkshire-street.csv`, SHEFFIELD);

/** South Yorkshire Police covers four metropolitan districts. */
const SOUTH_YORKSHIRE = ['Barnsley', 'Doncaster', 'Rotherham', 'Sheffield'];
const OPTIONS = {
  district: 'Sheffield',
  forceDistricts: SOUTH_YORKSHIRE,
  wardCodeProperty: 'WD20CD',
};

/**
 * How far the point-in-polygon count may differ from the rows police.uk puts in a Sheffield
 * LSOA: 0.2% of them (about 11 rows a month). The two disagree only at the edge: a
 * neighbour's snap point within the 50 m tolerance is kept, and police.uk assigned LSOAs on
 * its own, finer boundaries than the generalised (about 20 m) ones used here.
 */
const LSOA_MARGIN = 0.002;

/** Data lines in a CSV file: every non-empty line after the header (no field here spans lines). */
function dataLines(file: URL): number {
  return (
    readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .filter((line) => line !== '').length - 1
  );
}

describe.each(MONTHS)('countDistrictRows(rows of %s, Sheffield wards)', (month) => {
  const rows = readStreetRows(monthFile(month));
  const count = countDistrictRows(rows, WARDS, OPTIONS);

  it('reads every row of the file, CRLF line endings included', () => {
    expect(readFileSync(monthFile(month), 'utf8')).toContain('\r\n');
    expect(count.rowsRead).toBe(dataLines(monthFile(month)));
  });

  it('keeps or drops every row read, under exactly one reason', () => {
    const dropped = DROP_REASONS.reduce((sum, reason) => sum + count.dropped[reason], 0);
    expect(count.kept + dropped).toBe(count.rowsRead);
    expect([...count.byWard.values()].reduce((a, b) => a + b, 0)).toBe(count.kept);
  });

  it('gives crimes to each of the 28 wards', () => {
    expect(count.byWard.size).toBe(28);
    for (const [ward, crimes] of count.byWard) expect(crimes, ward).toBeGreaterThan(0);
  });

  it("agrees with police.uk's Sheffield LSOAs within the stated margin", () => {
    const margin = Math.ceil(count.lsoaNamed * LSOA_MARGIN);
    expect(Math.abs(count.kept - count.lsoaNamed)).toBeLessThanOrEqual(margin);
    expect(count.lsoaNamedDropped).toBeLessThanOrEqual(margin);
  });

  it('counts as without location exactly the rows with blank coordinates and LSOA', () => {
    const blank = rows.filter(
      (r) => r.Longitude === '' && r.Latitude === '' && r['LSOA name'] === '',
    ).length;
    expect(count.dropped.noLocation).toBe(blank);
  });

  it("drops the other districts' rows and the few beyond the force, by their LSOA", () => {
    const named = (districts: string[]) =>
      rows.filter((r) => districts.some((d) => r['LSOA name'].startsWith(`${d} `))).length;
    const otherSouthYorkshire = named(['Barnsley', 'Doncaster', 'Rotherham']);
    const beyond = rows.filter(
      (r) =>
        r['LSOA name'] !== '' && !SOUTH_YORKSHIRE.some((d) => r['LSOA name'].startsWith(`${d} `)),
    ).length;
    // A row of another LSOA is kept only within the tolerance outside Sheffield's wards: no
    // located crime of another district lies inside them.
    const keptElsewhere = count.kept - (count.lsoaNamed - count.lsoaNamedDropped);
    expect(keptElsewhere).toBeLessThanOrEqual(count.keptWithinTolerance);
    // So each reason holds its LSOAs' rows, less at most those kept at the edge (and the
    // Sheffield rows dropped, counted as another district of the force).
    expect(count.dropped.beyondForce).toBeLessThanOrEqual(beyond);
    expect(count.dropped.beyondForce).toBeGreaterThanOrEqual(beyond - keptElsewhere);
    expect(count.dropped.otherDistricts).toBeLessThanOrEqual(
      otherSouthYorkshire + count.lsoaNamedDropped,
    );
    expect(count.dropped.otherDistricts).toBeGreaterThanOrEqual(
      otherSouthYorkshire - keptElsewhere,
    );
    expect(count.dropped.otherDistricts).toBeGreaterThan(0);
    expect(count.dropped.beyondForce).toBeGreaterThan(0);
  });
});

describe('countDistrictRows(rows, wards) at the edge', () => {
  // The westernmost vertex of Sheffield's wards: every point of the district lies east of it,
  // so a point due west of it is outside, and at least that far from every ward.
  const [westernmost] = WARDS.features
    .flatMap((f) =>
      (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).flat(2),
    )
    .sort((a, b) => a[0]! - b[0]!);
  const westOf = (metres: number, lsoaName = 'High Peak 001A'): StreetRow => {
    const [lon, lat] = destination(point(westernmost!), metres, 270, { units: 'meters' }).geometry
      .coordinates;
    return { Longitude: String(lon), Latitude: String(lat), 'LSOA name': lsoaName };
  };

  it("keeps a point 30 m outside every ward, in the nearest ward, when its LSOA is the district's or not given", () => {
    for (const lsoa of ['Sheffield 001A', '']) {
      const count = countDistrictRows([westOf(30, lsoa)], WARDS, OPTIONS);
      expect([count.kept, count.keptWithinTolerance], lsoa).toEqual([1, 1]);
    }
  });

  it("drops a point 30 m outside every ward whose LSOA is another district's", () => {
    const count = countDistrictRows([westOf(30), westOf(30, 'Barnsley 001A')], WARDS, OPTIONS);
    expect(count.kept).toBe(0);
    expect(count.dropped).toMatchObject({ beyondForce: 1, otherDistricts: 1 });
  });

  it('drops a point 80 m outside every ward, as beyond the force by its LSOA', () => {
    const count = countDistrictRows([westOf(80)], WARDS, OPTIONS);
    expect(count.kept).toBe(0);
    expect(count.dropped.beyondForce).toBe(1);
  });

  it('drops the 30 m point too with no tolerance', () => {
    const count = countDistrictRows([westOf(30, '')], WARDS, { ...OPTIONS, toleranceM: 0 });
    expect(count.dropped.beyondForce).toBe(1);
  });
});
