import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  area,
  bbox,
  bboxClip,
  buffer,
  booleanPointInPolygon,
  destination,
  distance,
  feature,
  featureCollection,
  intersect,
  point,
  pointToPolygonDistance,
  rhumbBearing,
} from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createLocator,
  loadGeography,
  WARD_GAP_TOLERANCE_M,
  type Geography,
  type Locator,
} from '../../pipeline/geo.ts';
import { loadGeoContext } from '../../pipeline/geo-context.ts';
import { referenceFilesIn } from '../../pipeline/load-geography.ts';
import { coordinateKey } from '../../src/shared/coordinates.ts';
import { OUTLINE_TOLERANCE_M, POSTCODE_RADIUS_M } from '../../src/shared/constants.ts';
import { assignLsoasToWards } from '../../pipeline/wards.ts';
import { sampleCoordinates, sampleRows } from './geo-sample.ts';

type Polygonal = Feature<Polygon | MultiPolygon>;

const readGeoJson = <P>(file: string): FeatureCollection<Polygon | MultiPolygon, P> =>
  JSON.parse(readFileSync(file, 'utf8'));

const westYorkshire = readGeoJson<{
  WD25CD: string;
  WD25NM: string;
  LAD25NM: string;
  LONG: number;
  LAT: number;
}>('tests/fixtures/boundaries/west-yorkshire-wards.geojson');

let geo: Geography;
let locator: Locator;

beforeAll(async () => {
  geo = await loadGeography('data/reference');
  locator = createLocator(geo);
});

/** Distance in metres from a point to a polygon's boundary (turf, geodesic). */
const metresToBoundary = (lon: number, lat: number, polygon: Polygonal): number =>
  Math.abs(pointToPolygonDistance(point([lon, lat]), polygon, { units: 'meters' }));

/** The code of the ward whose boundary is nearest to the point, by turf. */
function nearestWardByTurf(lon: number, lat: number): { code: string; metres: number } {
  // Only wards whose box lies within about 1 km can be the nearest to a point near Leeds.
  const reach = 0.015;
  return geo.wards
    .filter((ward) => {
      const [w, s, e, n] = bbox(feature(ward.geometry));
      return lon > w - reach && lon < e + reach && lat > s - reach && lat < n + reach;
    })
    .map((ward) => ({
      code: ward.code,
      metres: metresToBoundary(lon, lat, feature(ward.geometry)),
    }))
    .sort((a, b) => a.metres - b.metres)[0]!;
}

describe('loadGeoContext: the postcodes of the postcode file left out', () => {
  const notesOf = async (reference: ReturnType<typeof referenceFilesIn>) => {
    const notes: string[] = [];
    await loadGeoContext(
      { reference, pollingDistrictsCache: null, postcodesCache: 'no-postcodes-answers.json' },
      { note: (text) => notes.push(text) },
    );
    return notes.filter((note) => note.startsWith('postcodes of'));
  };

  it('are counted by reason in a note: without a grid reference, and in the non-geographic districts', async () => {
    const reference = referenceFilesIn('data/reference');
    expect(await notesOf(reference)).toEqual([
      `postcodes of ${path.join('data', 'reference', 'postcodes-ls.csv')} left out of the ` +
        'postcode districts: 33 without a grid reference (latitude 99.999999), 129 in the ' +
        'non-geographic districts LS88, LS98, LS99 (PO boxes and large users, placed at a ' +
        'sorting office)',
    ]);
  });

  it('name only the reasons that apply, and none when every postcode is used', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'postcodes-left-out-'));
    try {
      const lines = readFileSync('data/reference/postcodes-ls.csv', 'utf8').trimEnd().split('\n');
      const located = lines.filter((line) => !line.includes(',99.999999,'));
      const file = path.join(dir, 'postcodes-ls.csv');
      const reference = referenceFilesIn('data/reference');
      const withFile = (nonGeographicDistricts: readonly string[]) => ({
        ...reference,
        postcodes: { file, nonGeographicDistricts },
      });
      await writeFile(file, `${lines.join('\n')}\n`);
      expect(await notesOf(withFile([]))).toEqual([
        `postcodes of ${file} left out of the postcode districts: 33 without a grid reference ` +
          '(latitude 99.999999)',
      ]);
      await writeFile(file, `${located.join('\n')}\n`);
      expect(await notesOf(withFile(['LS99']))).toEqual([
        `postcodes of ${file} left out of the postcode districts: ${
          located.filter((line) => line.startsWith('LS99 ')).length
        } in the non-geographic districts LS99 (PO boxes and large users, placed at a sorting ` +
          'office)',
      ]);
      expect(await notesOf(withFile([]))).toEqual([]);
      // An area without a postcode file has none to leave out.
      expect(await notesOf({ ...reference, postcodes: null })).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('loadGeoContext: a postcodes.io answer cache holding districts that are not outward codes', () => {
  it('takes each as no answer and says so in a note, keeping the good ones', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'postcodes-cache-'));
    try {
      const file = path.join(dir, 'postcodes-answers.json');
      const entries = {
        '-1.5,53.8': { place: { district: 'WF3' } },
        '-1.6,53.9': { place: { district: '<b>LS6</b>' } },
        '-1.7,53.7': { place: { district: '' } },
        '-1.8,53.6': { place: { district: 'LS\u0000 6' } },
        '-1.9,53.5': { place: null },
      };
      await writeFile(file, JSON.stringify({ entries }));
      const notes: string[] = [];
      const context = await loadGeoContext(
        {
          reference: referenceFilesIn('data/reference'),
          pollingDistrictsCache: null,
          postcodesCache: file,
        },
        { note: (text) => notes.push(text) },
      );
      expect(Object.fromEntries(context.postcodeAnswers)).toEqual({
        '-1.5,53.8': { district: 'WF3' },
        '-1.6,53.9': null,
        '-1.7,53.7': null,
        '-1.8,53.6': null,
        '-1.9,53.5': null,
      });
      expect(notes.filter((n) => n.includes(file))).toEqual([
        `3 postcodes.io answer(s) in ${file} are not postcode districts (e.g. "<b>LS6</b>"): ` +
          'their points take the nearest listed district, an estimate; an online run asks ' +
          'postcodes.io again',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('loadGeography(referenceDir)', () => {
  it('reads the 33 wards, 488 LSOAs, the outline, the located postcodes and the population', () => {
    expect(geo.wards).toHaveLength(33);
    expect(geo.lsoas).toHaveLength(488);
    expect(geo.outline.type).toBe('Polygon');
    // 31,301 LS postcodes in the file, 33 of them with latitude 99.999999 (no grid reference)
    // and 129 located ones in the non-geographic districts LS88, LS98 and LS99.
    expect(geo.postcodes).toHaveLength(31_301 - 33 - 129);
    expect(geo.postcodes.some((p) => ['LS88', 'LS98', 'LS99'].includes(p.district))).toBe(false);
    expect(geo.postcodesWithoutLocation).toBe(33);
    expect(geo.postcodesNonGeographic).toBe(129);
    expect([...geo.population.values()].reduce((sum, n) => sum + n, 0)).toBe(811_957);
    expect(geo.wards.find((ward) => ward.code === 'E05011403')?.name).toBe(
      'Little London & Woodhouse',
    );
  });

  it('takes the outward code as the postcode district', () => {
    const ls6 = geo.postcodes.find((p) => p.postcode === 'LS6 1AA');
    expect(ls6?.district).toBe('LS6');
    const ls10 = geo.postcodes.find((p) => p.postcode.startsWith('LS10 '));
    expect(ls10?.district).toBe('LS10');
  });
});

describe('locate(lon, lat) on the sample months', () => {
  const rows = sampleRows();

  it('places every one of the 26,721 sample rows in a ward', () => {
    expect(rows).toHaveLength(26_721);
    const unplaced = rows.filter((row) => locator.locate(row.lon, row.lat) === null);
    expect(unplaced.map((row) => `${row.file}:${row.line}`)).toEqual([]);
  });

  it('keeps the 12 rows that lie just outside the generalised ward polygons, each within 10 m', () => {
    // Found with turf, independently of the locator's own point-in-polygon.
    const wardFeatures = geo.wards.map((ward) => feature(ward.geometry));
    const wardBoxes = wardFeatures.map((ward) => bbox(ward));
    const insideSomeWard = (lon: number, lat: number) =>
      wardFeatures.some(
        (ward, i) =>
          lon >= wardBoxes[i]![0] &&
          lon <= wardBoxes[i]![2] &&
          lat >= wardBoxes[i]![1] &&
          lat <= wardBoxes[i]![3] &&
          booleanPointInPolygon([lon, lat], ward),
      );
    const outsideCoordinates = new Set(
      sampleCoordinates()
        .filter(({ lon, lat }) => !insideSomeWard(lon, lat))
        .map(({ lon, lat }) => `${lon},${lat}`),
    );
    const outside = rows.filter((row) => outsideCoordinates.has(`${row.lon},${row.lat}`));
    expect(outside).toHaveLength(12);
    for (const row of outside) {
      const nearest = nearestWardByTurf(row.lon, row.lat);
      expect(nearest.metres).toBeLessThan(10);
      const place = locator.locate(row.lon, row.lat);
      expect(place?.nearBoundary).toBe(true);
      expect(place?.wardCode).toBe(nearest.code);
    }
    const flagged = rows.filter((row) => locator.locate(row.lon, row.lat)?.nearBoundary);
    expect(flagged).toHaveLength(12);
  });

  it("puts each row in a ward that overlaps the LSOA police.uk gave it, mostly the LSOA's own ward", () => {
    // Whether the ward and police.uk's LSOA share some area, computed with turf once per
    // distinct (LSOA, ward) pair. The ward holding most of the LSOA shares area with it by
    // definition (checked in wards.test.ts), so only the other pairs need turf.
    const lsoaByCode = new Map(geo.lsoas.map((lsoa) => [lsoa.code, lsoa]));
    const wardByCode = new Map(geo.wards.map((ward) => [ward.code, ward]));
    const overlaps = new Map<string, boolean>();
    const lsoaWard = assignLsoasToWards(geo);
    let inOverlappingWard = 0;
    let inLsoaWard = 0;
    for (const row of rows) {
      const wardCode = locator.locate(row.lon, row.lat)?.wardCode ?? '';
      const pair = `${row.lsoaCode} ${wardCode}`;
      if (lsoaWard.get(row.lsoaCode) === wardCode) {
        inLsoaWard += 1;
        inOverlappingWard += 1;
        continue;
      }
      if (!overlaps.has(pair)) {
        const lsoa = feature(lsoaByCode.get(row.lsoaCode)!.geometry);
        const ward = bboxClip(feature(wardByCode.get(wardCode)!.geometry), bbox(lsoa)) as Polygonal;
        const common =
          ward.geometry.coordinates.length === 0
            ? null
            : intersect(featureCollection([lsoa, ward]));
        overlaps.set(pair, common !== null && area(common) > 0);
      }
      if (overlaps.get(pair)) inOverlappingWard += 1;
    }
    expect(inOverlappingWard).toBe(rows.length);
    // 24,462 of 26,721 (91.5 %) lie in the ward holding most of their LSOA: 132 of the 488
    // LSOAs 2021 straddle two or more 2025 wards, so whole-LSOA assignment differs there.
    expect(inLsoaWard / rows.length).toBeGreaterThan(0.9);
  });

  it('gives every row within 1 km of an LS postcode the district of the nearest one', () => {
    // Brute force with turf's great-circle distance over the postcodes in the grid cells
    // around each distinct coordinate: the spatial index must find the same nearest district.
    const CELL_LAT = 0.0045; // 500 m
    const CELL_LON = 0.0076; // 500 m at 53.8° N
    const cellOf = (lon: number, lat: number) => [
      Math.floor(lon / CELL_LON),
      Math.floor(lat / CELL_LAT),
    ];
    const cells = new Map<string, typeof geo.postcodes>();
    for (const p of geo.postcodes) {
      const key = cellOf(p.lon, p.lat).join();
      cells.set(key, [...(cells.get(key) ?? []), p]);
    }
    /** Postcodes by distance among the cells within `reach` cells: complete to reach x 500 m. */
    const postcodesAround = (lon: number, lat: number, reach: number) => {
      const [cx = 0, cy = 0] = cellOf(lon, lat);
      const found = [];
      for (let dx = -reach; dx <= reach; dx += 1) {
        for (let dy = -reach; dy <= reach; dy += 1)
          found.push(...(cells.get(`${cx + dx},${cy + dy}`) ?? []));
      }
      return found
        .map((p) => ({
          district: p.district,
          metres: distance([lon, lat], [p.lon, p.lat], { units: 'meters' }),
        }))
        .sort((a, b) => a.metres - b.metres);
    };
    let rowsWithDistrict = 0;
    let rowsBeyondRadius = 0;
    const mismatches: string[] = [];
    for (const { lon, lat, rows: count } of sampleCoordinates()) {
      let near = postcodesAround(lon, lat, 1);
      // Reach 1 is complete to 500 m, reach 3 to 1,500 m (a little less at the far north).
      if ((near[0]?.metres ?? Infinity) > 450) near = postcodesAround(lon, lat, 3);
      const nearest = near[0]?.metres ?? Infinity;
      // Within a metre of the radius the answer depends on the flat projection; skip those.
      if (Math.abs(nearest - POSTCODE_RADIUS_M) < 1) continue;
      const place = locator.locate(lon, lat);
      const got = place?.postcodeDistrict ?? '';
      if (nearest > POSTCODE_RADIUS_M) {
        rowsBeyondRadius += count;
        // Beyond the radius: the nearest LS district, flagged as approximate.
        const nearestDistrict = postcodesAround(lon, lat, 10)[0]?.district;
        if (got !== nearestDistrict || place?.postcodeApproximate !== true)
          mismatches.push(`${lon},${lat}: ${got}, expected ${nearestDistrict} (approximate)`);
        if (place?.postcodeGap !== true) mismatches.push(`${lon},${lat}: not a postcode gap`);
        continue;
      }
      if (place?.postcodeApproximate !== false) mismatches.push(`${lon},${lat}: approximate`);
      if (place?.postcodeGap !== false) mismatches.push(`${lon},${lat}: a postcode gap`);
      rowsWithDistrict += count;
      // Postcodes within a metre of the nearest are ties: any of their districts is right.
      const tied = near.filter((p) => p.metres - nearest < 1).map((p) => p.district);
      if (!tied.includes(got)) mismatches.push(`${lon},${lat}: ${got}, expected ${tied.join('|')}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(rowsWithDistrict + rowsBeyondRadius).toBe(26_721);
    // The rows farther than 1 km from any LS postcode lie in the WF/BD-postcode parts of Leeds
    // (Tingley, East Ardsley, Drighlington, Allerton Bywater); the LS list cannot name them.
    expect(rowsBeyondRadius).toBe(428);
  });

  it('fills the postcode district from postcodePlaces where no LS postcode is near', () => {
    const gaps = rows.filter((row) => locator.locate(row.lon, row.lat)?.postcodeGap);
    expect(gaps.length).toBeGreaterThan(0);
    // Every gap is a point whose district is only approximate without postcodes.io.
    for (const g of gaps) expect(locator.locate(g.lon, g.lat)?.postcodeApproximate).toBe(true);
    // Stand-in answers of the shape pipeline/sources/postcodes.ts returns.
    const answers = new Map(gaps.map((g) => [coordinateKey(g.lon, g.lat), { district: 'WF3' }]));
    const patched = createLocator(geo, { postcodePlaces: answers });
    for (const row of rows) {
      const place = patched.locate(row.lon, row.lat);
      expect(place?.postcodeDistrict).not.toBe('');
      expect(place?.postcodeApproximate).toBe(false);
      // A near LS postcode still wins over the patch.
      if (locator.locate(row.lon, row.lat)?.postcodeApproximate === false) {
        expect(place?.postcodeDistrict).toBe(locator.locate(row.lon, row.lat)?.postcodeDistrict);
      }
    }
    // A gap is a point the LS list leaves out, answered or not: the answer is what it uses.
    for (const g of gaps) {
      expect(patched.locate(g.lon, g.lat)).toMatchObject({
        postcodeGap: true,
        postcodeDistrict: 'WF3',
      });
    }
  });

  it('gives the LSOA that contains the point', () => {
    const lsoaFeatures = geo.lsoas.map((lsoa) => ({ lsoa, polygon: feature(lsoa.geometry) }));
    for (const { lon, lat } of sampleCoordinates().slice(0, 500)) {
      const containing = lsoaFeatures.find(({ polygon }) =>
        booleanPointInPolygon([lon, lat], polygon),
      );
      const place = locator.locate(lon, lat);
      if (containing !== undefined) expect(place?.lsoaCode).toBe(containing.lsoa.code);
      expect(place?.lsoaCode).toMatch(/^E01\d{6}$/);
    }
  });
});

describe('locate(lon, lat) outside Leeds', () => {
  it('returns null in Bradford, Wakefield and Harrogate', () => {
    expect(locator.locate(-1.752, 53.795)).toBeNull(); // Bradford city centre
    expect(locator.locate(-1.497, 53.683)).toBeNull(); // Wakefield city centre
    expect(locator.locate(-1.5373, 53.9921)).toBeNull(); // Harrogate town centre
    expect(locator.locate(0, 0)).toBeNull();
  });

  it('returns null at the centre of every West Yorkshire ward outside Leeds, and the right ward inside', () => {
    for (const ward of westYorkshire.features) {
      const { WD25CD, LAD25NM, LONG, LAT } = ward.properties;
      const place = locator.locate(LONG, LAT);
      if (LAD25NM === 'Leeds') expect(place?.wardCode, WD25CD).toBe(WD25CD);
      else expect(place, `${ward.properties.WD25NM} (${LAD25NM})`).toBeNull();
    }
  });

  describe('near the district outline', () => {
    const outline = (): Polygonal => feature(geo.outline);

    /** Points `metres` outside the middles of the outline's 10 longest edges. */
    function pointsOutside(metres: number): [number, number][] {
      // The outer ring of a one-piece outline: any other shape must fail, not test no point.
      if (geo.outline.type !== 'Polygon') throw new Error(`the outline is a ${geo.outline.type}`);
      const ring = geo.outline.coordinates[0]!;
      const edges = ring.slice(1).map((end, i) => ({ start: ring[i]!, end }));
      return edges
        .map((edge) => ({ ...edge, length: distance(edge.start, edge.end, { units: 'meters' }) }))
        .sort((a, b) => b.length - a.length)
        .slice(0, 10)
        .map(({ start, end }) => {
          const middle: [number, number] = [(start[0]! + end[0]!) / 2, (start[1]! + end[1]!) / 2];
          const along = rhumbBearing(start, end);
          const sides = [along + 90, along - 90].map(
            (bearing) =>
              destination(middle, metres, bearing, { units: 'meters' }).geometry.coordinates as [
                number,
                number,
              ],
          );
          return sides.find((side) => !booleanPointInPolygon(side, outline()))!;
        });
    }

    it(`keeps a point 30 m outside the outline (tolerance ${OUTLINE_TOLERANCE_M} m) and gives it the nearest ward`, () => {
      const points = pointsOutside(30);
      expect(points).toHaveLength(10);
      for (const [lon, lat] of points) {
        expect(metresToBoundary(lon, lat, outline())).toBeCloseTo(30, -1);
        const place = locator.locate(lon, lat);
        expect(place).not.toBeNull();
        expect(place?.nearBoundary).toBe(true);
        expect(place?.wardCode).toBe(nearestWardByTurf(lon, lat).code);
      }
    });

    it('drops a point 500 m outside the outline', () => {
      const points = pointsOutside(500);
      expect(points).toHaveLength(10);
      for (const [lon, lat] of points) {
        expect(metresToBoundary(lon, lat, outline())).toBeGreaterThan(400);
        expect(locator.locate(lon, lat)).toBeNull();
      }
    });
  });
});

describe('locate(lon, lat) when the outline and the wards do not cover the same district', () => {
  const files = { wards: 'areas/x/wards.geojson', outline: 'areas/x/outline.geojson' };
  const leeds = westYorkshire.features.filter((ward) => ward.properties.LAD25NM === 'Leeds');

  /** The error locate throws at (lon, lat), or null when it returns a place. */
  function refusal(located: Locator, lon: number, lat: number): Error | null {
    try {
      located.locate(lon, lat);
      return null;
    } catch (error) {
      return error as Error;
    }
  }

  it('refuses a crime in an outline drawn 2 km bigger than the wards, naming both files and the distance', () => {
    const bigger = buffer(feature(geo.outline), 2, { units: 'kilometers' })!;
    const located = createLocator({ ...geo, outline: bigger.geometry }, { files });
    // Bradford, Wakefield and Harrogate centres lie beyond the bigger outline: still outside.
    expect(located.locate(-1.752, 53.795)).toBeNull();
    // Points 1 km outside the wards' own outline, inside the bigger one.
    let refused = 0;
    for (const ward of westYorkshire.features) {
      if (ward.properties.LAD25NM === 'Leeds') continue;
      const { LONG, LAT } = ward.properties;
      const fromLeeds = metresToBoundary(LONG, LAT, feature(geo.outline));
      if (!booleanPointInPolygon([LONG, LAT], bigger) || fromLeeds < 200) continue;
      const error = refusal(located, LONG, LAT);
      expect(error?.name, `${ward.properties.WD25NM}`).toBe('ReferenceDataError');
      const metres = Number(/, (\d+) m from the nearest ward/.exec(error!.message)?.[1]);
      const byTurf = Math.min(
        ...geo.wards.map((w) => metresToBoundary(LONG, LAT, feature(w.geometry))),
      );
      expect(Math.abs(metres - byTurf)).toBeLessThan(10);
      expect(metres).toBeGreaterThan(WARD_GAP_TOLERANCE_M);
      expect(error!.message).toContain(
        `${files.outline}: holds the crime location ${LONG}, ${LAT}, ${metres} m from the ` +
          `nearest ward of ${files.wards} (at most ${WARD_GAP_TOLERANCE_M} m)`,
      );
      refused += 1;
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('still gives a point just outside the wards, inside a bigger outline, the nearest ward', () => {
    const bigger = buffer(feature(geo.outline), 2, { units: 'kilometers' })!;
    const located = createLocator({ ...geo, outline: bigger.geometry }, { files });
    const nearEdge = sampleCoordinates().filter(
      ({ lon, lat }) => locator.locate(lon, lat)?.nearBoundary,
    );
    expect(nearEdge.length).toBeGreaterThan(0);
    for (const { lon, lat } of nearEdge) {
      expect(located.locate(lon, lat)?.wardCode).toBe(locator.locate(lon, lat)?.wardCode);
    }
  });

  it('refuses a crime in a ward the wards file leaves out, wherever that ward lies', () => {
    // Headingley & Hyde Park, among other wards; Wetherby, on the district's edge.
    for (const left of ['E05011397', 'E05011414']) {
      const missing = leeds.find((ward) => ward.properties.WD25CD === left)!;
      expect(geo.wards.some((ward) => ward.code === left)).toBe(true);
      const wards = geo.wards.filter((ward) => ward.code !== left);
      const located = createLocator({ ...geo, wards }, { files });
      const { LONG, LAT } = missing.properties;
      expect(metresToBoundary(LONG, LAT, feature(missing.geometry))).toBeGreaterThan(100);
      expect(refusal(located, LONG, LAT)?.message).toMatch(
        /the outline and the wards do not cover the same district/,
      );
    }
  });
});

describe('Locator cache', () => {
  it('computes a repeated coordinate once', () => {
    const fresh = createLocator(geo);
    const [row] = sampleRows();
    const first = fresh.locate(row!.lon, row!.lat);
    const second = fresh.locate(row!.lon, row!.lat);
    expect(second).toBe(first);
  });

  it('rejects coordinates that are not finite numbers', () => {
    expect(() => locator.locate(Number.NaN, 53.8)).toThrow(/finite/);
  });
});

describe('polling districts', () => {
  // The council's ward polygons (dissolved from its polling districts) stand in for polling
  // districts here: same source, same shape of data, MultiPolygons included.
  const council = readGeoJson<{ WARD_NAME: string }>(
    'tests/fixtures/boundaries/lcc-wards-2018.geojson',
  );
  const asPollingDistricts = (key: 'POLLING_DI' | 'pollingDistrict') => ({
    ...council,
    features: council.features.map((f) => ({
      ...f,
      properties: { [key]: f.properties.WARD_NAME },
    })),
  });

  it('are empty when no polygons are given', () => {
    expect(locator.hasPollingDistricts).toBe(false);
    const [row] = sampleRows();
    expect(locator.locate(row!.lon, row!.lat)?.pollingDistrict).toBe('');
  });

  it.each(['POLLING_DI', 'pollingDistrict'] as const)(
    'come from the polygon containing the point (property %s)',
    (key) => {
      const withPolling = createLocator(geo, { pollingDistricts: asPollingDistricts(key) });
      expect(withPolling.hasPollingDistricts).toBe(true);
      for (const { lon, lat } of sampleCoordinates().slice(0, 1_000)) {
        const containing = council.features.find((f) => booleanPointInPolygon([lon, lat], f));
        const place = withPolling.locate(lon, lat);
        if (containing !== undefined) {
          expect(place?.pollingDistrict).toBe(containing.properties.WARD_NAME);
        }
      }
    },
  );

  it('fail with a clear error when the polygons are not WGS84', () => {
    const gridReferences = {
      type: 'FeatureCollection' as const,
      features: [
        {
          type: 'Feature' as const,
          properties: { POLLING_DI: 'AA' },
          geometry: {
            type: 'Polygon' as const,
            coordinates: [
              [
                [429_000, 433_000],
                [430_000, 433_000],
                [430_000, 434_000],
                [429_000, 433_000],
              ],
            ],
          },
        },
      ],
    };
    expect(() => createLocator(geo, { pollingDistricts: gridReferences })).toThrow(
      /^polling districts: has 1 polygon\(s\) the pipeline cannot use: feature 0 \(polling district AA\): geometry\.coordinates\.0\.0 is \[429000, 433000\]: not a longitude and latitude \(British National Grid metres\? .*Polling districts must be GeoJSON polygons in WGS84 \(ArcGIS outSR=4326\)\.$/,
    );
  });
});
