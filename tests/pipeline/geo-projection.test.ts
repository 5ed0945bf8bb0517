import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArea } from '../../pipeline/area.ts';
import { createLocator } from '../../pipeline/geo.ts';
import { loadGeography, type ReferenceFiles } from '../../pipeline/load-geography.ts';
import { referenceFiles } from '../../pipeline/run-context.ts';
import { OUTLINE_TOLERANCE_M } from '../../src/shared/constants.ts';
import { EARTH_RADIUS_M } from '../../src/shared/projection.ts';

// A square district of 2 km around Truro (50.26° N), far south of Leeds: the locator's edge
// tolerance must be OUTLINE_TOLERANCE_M true metres there, which a projection about Leeds's
// 53.8° N measures 7.5 % short.
const SOUTH = 50.25;
const NORTH = 50.27;
const WEST = -5.07;
const EAST = -5.04;
const LATITUDE = 50.26;

const square = {
  type: 'Polygon',
  coordinates: [
    [
      [WEST, SOUTH],
      [EAST, SOUTH],
      [EAST, NORTH],
      [WEST, NORTH],
      [WEST, SOUTH],
    ],
  ],
};
const collection = (properties: Record<string, string>) =>
  JSON.stringify({
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties, geometry: square }],
  });

let dir: string;
let files: ReferenceFiles;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'projection-district-'));
  const at = (name: string) => path.join(dir, name);
  await writeFile(at('wards.geojson'), collection({ WD25CD: 'E05000001', WD25NM: 'Truro' }));
  await writeFile(
    at('lsoa21.geojson'),
    collection({ LSOA21CD: 'E01000001', LSOA21NM: 'Cornwall 001A' }),
  );
  await writeFile(at('outline.geojson'), collection({}));
  await writeFile(at('population.csv'), 'code,residents\nE01000001,1500\n');
  files = {
    wards: { file: at('wards.geojson'), codeProperty: 'WD25CD', nameProperty: 'WD25NM' },
    lsoas: { file: at('lsoa21.geojson') },
    outline: { file: at('outline.geojson') },
    postcodes: null,
    population: { file: at('population.csv'), codeColumn: 'code', valueColumn: 'residents' },
    projection: { latitude: LATITUDE, source: 'area.json map.centre' },
  };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The point `metres` true metres (along the parallel) east of the district's east edge. */
function eastOfEdge(metres: number): [number, number] {
  const metresPerDegree = EARTH_RADIUS_M * Math.cos((LATITUDE * Math.PI) / 180) * (Math.PI / 180);
  return [EAST + metres / metresPerDegree, LATITUDE];
}

describe("createLocator(geo) on a district's own projection", () => {
  it('keeps a point just within the edge tolerance east of a Cornish district and drops one just beyond', async () => {
    const locator = createLocator(await loadGeography(files));
    const within = locator.locate(...eastOfEdge(OUTLINE_TOLERANCE_M - 3));
    expect(within).toMatchObject({ wardCode: 'E05000001', nearBoundary: true });
    // A projection about 53.8° N measures these 53 m as 49 m and keeps the point.
    expect(locator.locate(...eastOfEdge(OUTLINE_TOLERANCE_M + 3))).toBeNull();
  });
});

describe('loadGeography(files) checks the projection latitude against the outline', () => {
  it('refuses a latitude outside the district, naming where it is set and what to do', async () => {
    const error = await loadGeography({
      ...files,
      projection: { latitude: 53.8, source: 'data/areas/truro/area.json map.centre' },
    }).catch((e: unknown) => e);
    expect(String(error)).toMatch(
      /data\/areas\/truro\/area\.json map\.centre: cannot be the latitude .*outline\.geojson: 53\.8° N is outside the district \(50\.250° to 50\.270° N\).*Change it/,
    );
  });
});

describe('referenceFiles(area)', () => {
  it("takes the projection's latitude from the area's map centre", async () => {
    const sheffield = await loadArea('sheffield');
    expect(referenceFiles(sheffield).projection).toEqual({
      latitude: sheffield.config.map.centre[0],
      source: 'data/areas/sheffield/area.json map.centre',
    });
    expect((await loadGeography(referenceFiles(sheffield))).projection.latitude).toBe(53.4);
  });

  it('names the area.json as every message does, whatever folder the run started in', async () => {
    const sheffield = await loadArea('sheffield');
    const started = process.cwd();
    process.chdir(path.join(sheffield.dir, '..'));
    try {
      expect(referenceFiles(sheffield).projection.source).toBe(`${sheffield.source} map.centre`);
    } finally {
      process.chdir(started);
    }
  });
});
