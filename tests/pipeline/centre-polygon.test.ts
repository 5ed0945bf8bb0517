// A centre drawn as a polygon (area.json centre.kind "polygon"): Sheffield (residents by area)
// and Leeds (residents by postcodes) with the centre drawn as exactly the polygon of a ward
// get the same centre crimes and residents as with the centre given as that ward (Sheffield's
// City ward, E05010862, in a whole run); the centre's crimes equal an
// independent point-in-polygon count of the rows; and bad polygon files are refused with the
// file and the field named.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { booleanPointInPolygon, feature, point } from '@turf/turf';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArea } from '../../pipeline/area.ts';
import { runAreas } from '../../pipeline/cli.ts';
import { inCentrePolygon } from '../../pipeline/centre.ts';
import { loadGeoContext } from '../../pipeline/geo-context.ts';
import { loadGeography } from '../../pipeline/load-geography.ts';
import { apportionLsoas, wardResidents } from '../../pipeline/population.ts';
import type { Geography } from '../../pipeline/reference.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { referenceFiles } from '../../pipeline/run-context.ts';
import { centreTest, type CentreDefinition, type CentrePlace } from '../../src/shared/area.ts';
import type { PolygonGeometry } from '../../src/shared/geometry.ts';
import { encodeMapData } from '../../src/shared/encode-map-data.ts';
import { decodeMapData, gunzipIfNeeded } from '../../src/shared/map-data.ts';
import { siteDataSchema } from '../../src/shared/schema.ts';
import { sampleSummaries } from '../support/sample-summaries.ts';

const SHEFFIELD_SAMPLE = path.resolve('data/areas/sheffield/sample/archive');
const CITY_WARD = 'E05010862';
const DRAWN = 'sheffield-drawn';
const CENTRE_FILE = `data/areas/${DRAWN}/centre.geojson`;

let dir: string;
let root: string;
let cityWard: PolygonGeometry;

/** The City ward's own polygon, from Sheffield's ward file. */
async function cityWardPolygon(): Promise<PolygonGeometry> {
  const wards = JSON.parse(await readFile('data/areas/sheffield/wards.geojson', 'utf8')) as {
    features: { properties: Record<string, string>; geometry: PolygonGeometry }[];
  };
  const ward = wards.features.find((f) => f.properties['WD20CD'] === CITY_WARD);
  if (ward === undefined) throw new Error(`${CITY_WARD} is not in Sheffield's ward file`);
  return ward.geometry;
}

/** Write the drawn area's centre file. */
function writeCentre(content: unknown): Promise<void> {
  return writeFile(
    path.join(root, CENTRE_FILE),
    typeof content === 'string' ? content : JSON.stringify(content),
  );
}

const oneFeature = (geometry: unknown) => ({
  type: 'FeatureCollection',
  features: [{ type: 'Feature', properties: {}, geometry }],
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'centre-polygon-'));
  // A repository with Sheffield and a copy of it whose centre is the City ward, drawn.
  root = path.join(dir, 'repository');
  await mkdir(path.join(root, 'data', 'areas', DRAWN), { recursive: true });
  await symlink(
    path.resolve('data/areas/sheffield'),
    path.join(root, 'data', 'areas', 'sheffield'),
  );
  const config = JSON.parse(await readFile('data/areas/sheffield/area.json', 'utf8')) as Record<
    string,
    unknown
  >;
  await writeFile(
    path.join(root, 'data', 'areas', DRAWN, 'area.json'),
    JSON.stringify({
      ...config,
      slug: DRAWN,
      centre: { kind: 'polygon', label: 'city centre', file: CENTRE_FILE },
    }),
  );
  cityWard = await cityWardPolygon();
  await writeCentre(oneFeature(cityWard));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a run whose centre is drawn as the City ward polygon', () => {
  const out = () => path.join(dir, 'out');
  const siteData = async (area: string) =>
    siteDataSchema.parse(
      JSON.parse(await readFile(path.join(out(), area, 'site-data.json'), 'utf8')),
    );
  const mapData = async (area: string) =>
    decodeMapData(await gunzipIfNeeded(await readFile(path.join(out(), area, 'map-data.bin.gz'))));
  const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    await runAreas(
      {
        help: false,
        list: false,
        offline: true,
        archiveDir: SHEFFIELD_SAMPLE,
        areas: ['sheffield', DRAWN],
        out: out(),
      },
      { reporter: createMemoryReporter(), threads: 1, root },
    );
  }, 180_000);

  it("flags the same crimes as in the centre as the centre of the City ward's code", async () => {
    const [byWard, drawn] = [await mapData('sheffield'), await mapData(DRAWN)];
    expect(sum(drawn.cityCentreMonthWardType)).toBeGreaterThan(1000);
    expect(Array.from(drawn.cityCentreMonthWardType)).toEqual(
      Array.from(byWard.cityCentreMonthWardType),
    );
  });

  it('gives the centre the same residents, ward by ward', async () => {
    const centreResidents = async (area: string) =>
      (await siteData(area)).wards.map((w) => [w.code, w.cityCentreResidents, w.population]);
    const drawn = await centreResidents(DRAWN);
    expect(drawn.filter(([code]) => code === CITY_WARD)[0]![1]).toBeGreaterThan(10_000);
    expect(drawn).toEqual(await centreResidents('sheffield'));
  });

  it('counts in the centre the rows an independent point-in-polygon count puts in the polygon', async () => {
    const csv = await readFile(path.join(out(), DRAWN, `${DRAWN}_street_combined.csv`), 'utf8');
    const rows = parse(csv, { columns: true, bom: true }) as Record<string, string>[];
    const polygon = feature(cityWard);
    const inside = rows.filter((row) =>
      booleanPointInPolygon(point([Number(row['Longitude']), Number(row['Latitude'])]), polygon),
    ).length;
    expect(rows.length).toBeGreaterThan(inside);
    expect(sum((await mapData(DRAWN)).cityCentreMonthWardType)).toBe(inside);
  });
});

describe('Leeds with its centre drawn as exactly the polygon of a ward (residents by postcodes)', () => {
  // Little London & Woodhouse holds most of LS1 and LS2's residents; Hunslet & Riverside the rest.
  const WARDS = ['E05011403', 'E05011399'];

  it.each(WARDS)(
    'apportionLsoas puts the residents of ward %s in the centre, ward by ward',
    async (code) => {
      const geo = await loadGeography('data/reference');
      const ward = geo.wards.find((w) => w.code === code)!;
      const codes = geo.wards.map((w) => w.code);
      const centreResidents = (geography: Geography, centre: CentreDefinition) =>
        [...wardResidents(geo.population, apportionLsoas(geography, centre), codes)].map(
          ([wardCode, residents]) => [wardCode, residents.cityCentre],
        );
      const drawn = centreResidents(
        { ...geo, centre: ward.geometry },
        { kind: 'polygon', label: 'city centre', file: CENTRE_FILE },
      );
      expect(drawn).toEqual(
        centreResidents(geo, { kind: 'wards', label: 'city centre', wards: [code] }),
      );
      expect(drawn.find(([wardCode]) => wardCode === code)![1]).toBeGreaterThan(20_000);
    },
  );

  it.each(WARDS)(
    'flags the crimes of ward %s in the sample months as in the centre',
    async (code) => {
      const geo = await loadGeography('data/reference');
      const ward = geo.wards.find((w) => w.code === code)!;
      const { summaries, wards } = await sampleSummaries();
      const centreCrimes = (inCentre: (place: CentrePlace) => boolean) =>
        Array.from(
          decodeMapData(encodeMapData(summaries, wards, inCentre)).cityCentreMonthWardType,
        );
      const drawn = centreCrimes(
        centreTest(
          { kind: 'polygon', label: 'city centre', file: CENTRE_FILE },
          inCentrePolygon({ ...geo, centre: ward.geometry }),
        ),
      );
      expect(drawn.reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
      expect(drawn).toEqual(
        centreCrimes(centreTest({ kind: 'wards', label: 'city centre', wards: [code] })),
      );
    },
  );
});

describe('loadGeoContext with a centre drawn as a polygon', () => {
  it("changes the geography fingerprint (every month's and the wards' cache key) when the polygon is edited", async () => {
    const area = await loadArea(DRAWN, { root });
    const fingerprint = async () =>
      (
        await loadGeoContext(
          {
            reference: referenceFiles(area),
            pollingDistrictsCache: null,
            postcodesCache: path.join(dir, 'no-postcodes.json'),
          },
          { note: () => undefined },
        )
      ).fingerprint;
    await writeCentre(oneFeature(cityWard));
    const before = await fingerprint();
    expect(await fingerprint()).toBe(before);
    const [outer, ...holes] = (cityWard as { type: 'Polygon'; coordinates: number[][][] })
      .coordinates;
    await writeCentre(
      oneFeature({
        type: 'Polygon',
        coordinates: [outer!.slice(1).concat([outer![1]!]), ...holes],
      }),
    );
    expect(await fingerprint()).not.toBe(before);
  });
});

describe('loadGeography with a centre drawn as a polygon', () => {
  const load = async () => loadGeography(referenceFiles(await loadArea(DRAWN, { root })));
  const ring = (points: number[][]) => [...points, points[0]!];
  // A small square in Sheffield's centre, and the same with each vertex's numbers swapped.
  const square = ring([
    [-1.47, 53.38],
    [-1.46, 53.38],
    [-1.46, 53.385],
    [-1.47, 53.385],
  ]);

  it('reads a Polygon in longitude and latitude inside the district', async () => {
    await writeCentre(oneFeature({ type: 'Polygon', coordinates: [square] }));
    expect((await load()).centre).toEqual({ type: 'Polygon', coordinates: [square] });
  });

  it.each([
    ['not JSON', '{"type": "FeatureCollection",', /is not valid JSON/],
    [
      'a line, not a polygon',
      oneFeature({ type: 'LineString', coordinates: square }),
      /features\.0\.geometry\.type/,
    ],
    [
      'a ring of three positions',
      oneFeature({ type: 'Polygon', coordinates: [square.slice(0, 3)] }),
      /features\.0\.geometry\.coordinates\.0: a ring needs at least 4 positions/,
    ],
    [
      'two features',
      {
        type: 'FeatureCollection',
        features: [
          oneFeature({ type: 'Polygon', coordinates: [square] }).features[0],
          oneFeature({ type: 'Polygon', coordinates: [square] }).features[0],
        ],
      },
      /should hold exactly 1 feature, found 2/,
    ],
    [
      'latitude and longitude swapped',
      oneFeature({ type: 'Polygon', coordinates: [square.map(([lon, lat]) => [lat, lon])] }),
      /feature 0: geometry\.coordinates\.0\.0 is \[53\.38, -1\.47\]: latitude and longitude swapped/,
    ],
    [
      'a ring that is not closed',
      oneFeature({ type: 'Polygon', coordinates: [square.slice(0, 4)] }),
      /feature 0: geometry\.coordinates\.0 is a ring that is not closed: it starts at \[-1\.47, 53\.38\] and ends at \[-1\.47, 53\.385\]/,
    ],
    [
      'British National Grid metres',
      oneFeature({
        type: 'Polygon',
        coordinates: [
          ring([
            [435000, 387000],
            [436000, 387000],
            [436000, 388000],
          ]),
        ],
      }),
      /feature 0: geometry\.coordinates\.0\.0 is \[435000, 387000\]: not a longitude and latitude \(British National Grid metres\?/,
    ],
    [
      'a part in Leeds, outside the district',
      oneFeature({
        type: 'MultiPolygon',
        coordinates: [
          [square],
          [
            ring([
              [-1.55, 53.8],
              [-1.54, 53.8],
              [-1.54, 53.81],
            ]),
          ],
        ],
      }),
      /features\.0\.geometry\.coordinates\.1\.0\.0 is \[-1\.55, 53\.8\], outside the district's outline/,
    ],
  ])(
    'refuses a centre file holding %s, naming the file and the field',
    async (_, content, message) => {
      await writeCentre(content);
      const failure = load();
      await expect(failure).rejects.toThrow(message);
      await expect(failure).rejects.toThrow(path.join(root, CENTRE_FILE));
    },
  );
});
