// addArea() against the replay server playing the ONS Open Geography Portal and Nomis with
// the committed Sheffield and Leeds reference data: a district added from them reproduces the
// committed files, and every failure ends with a clear error and data/areas/ as it was.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addArea, type AddAreaOptions } from '../../pipeline/add-area.ts';
import { HAND_SET_FIELDS } from '../../pipeline/area-folder.ts';
import { loadArea } from '../../pipeline/area.ts';
import { loadGeography } from '../../pipeline/load-geography.ts';
import { referenceFiles } from '../../pipeline/run-context.ts';
import { HttpClient } from '../../pipeline/sources/http.ts';
import {
  answerQuery,
  layerPath,
  LEEDS,
  NOMIS_PATH,
  onsUrls,
  onsWorld,
  POSTCODE_SOURCE,
  postcodeLayer,
  readCollection,
  readPopulation,
  serveOns,
  servicesFor,
  SHEFFIELD,
  TERMINATED_EVERY,
  type DistrictFixture,
  type OnsWorld,
} from '../support/ons-replay.ts';
import type { RecordedRequest, ReplayServer } from '../support/replay-server.ts';
import { replayPerTest } from '../support/replay-sources.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const SHEFFIELD_SERVICES = servicesFor(SHEFFIELD);
const SHEFFIELD_LSOAS = SHEFFIELD_SERVICES.lsoas;

let server: ReplayServer;
let root: string;
replayPerTest('add-area-', (s, dir) => {
  server = s;
  root = dir;
});

const logged: string[] = [];

function options(district: DistrictFixture, extra: Partial<AddAreaOptions> = {}): AddAreaOptions {
  logged.length = 0;
  const log = (line: string) => logged.push(line);
  return {
    districtCode: district.code,
    force: district === SHEFFIELD ? 'south-yorkshire' : 'west-yorkshire',
    root,
    client: new HttpClient({ retries: 2, minBackoffMs: 1, maxBackoffMs: 5, timeoutMs: 5_000, log }),
    ...onsUrls(server),
    services: servicesFor(district),
    log,
    now: new Date('2026-12-01T00:00:00Z'),
    ...extra,
  };
}

function serve(world: OnsWorld = onsWorld([SHEFFIELD, LEEDS]), nomisMaxRows?: number): OnsWorld {
  serveOns(server, world, nomisMaxRows);
  return world;
}

/** Every file under data/ in the scratch root, with a digest of its content. */
async function snapshot(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const dataDir = path.join(root, 'data');
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const digest = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    files.set(path.relative(root, file), digest);
  }
  return files;
}

/** A previous area folder the failed runs must leave alone. */
async function previousSheffield(): Promise<Map<string, string>> {
  const dir = path.join(root, 'data', 'areas', 'sheffield');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'area.json'), '{"the previous": "area"}\n');
  await writeFile(path.join(dir, 'wards.geojson'), 'the previous wards\n');
  return snapshot();
}

/** The failure of a run over a previous Sheffield folder, which must be left as it was. */
async function failure(run: Partial<AddAreaOptions> = {}): Promise<Error> {
  const before = await previousSheffield();
  const error = await addArea(options(SHEFFIELD, { replace: true, ...run })).then(
    () => new Error('addArea succeeded'),
    (e: unknown) => e as Error,
  );
  expect(await snapshot()).toEqual(before);
  expect(await readdir(path.join(root, 'data', 'areas'))).toEqual(['sheffield']);
  return error;
}

const committed = (file: string) => readFile(path.join(REPO, file), 'utf8');
const written = (slug: string, file: string) =>
  readFile(path.join(root, 'data', 'areas', slug, file), 'utf8');

async function expectCommittedSheffield(): Promise<void> {
  const wards = JSON.parse(await written('sheffield', 'wards.geojson'));
  expect(wards.features).toEqual(readCollection(SHEFFIELD.wards).features);
  const lsoas = JSON.parse(await written('sheffield', 'lsoa21.geojson'));
  expect(lsoas.features).toEqual(readCollection(SHEFFIELD.lsoas).features);
  expect(await written('sheffield', 'population-lsoa21.csv')).toBe(
    await committed(SHEFFIELD.population),
  );
  const outline = JSON.parse(await written('sheffield', 'outline.geojson'));
  expect(outline).toEqual(readCollection(SHEFFIELD.outline));
}

/** What `area add` fetches or writes: everything else in an area's folder is the area's own. */
const REWRITTEN = [
  'ATTRIBUTION.md',
  'area.json',
  'lsoa21.geojson',
  'outline.geojson',
  'population-lsoa21.csv',
  'wards.geojson',
];

describe('addArea() on the replayed ONS and Nomis services', () => {
  it('reproduces the committed Sheffield reference: its 28 wards, 343 LSOAs and their residents', async () => {
    serve();
    const result = await addArea(options(SHEFFIELD));
    // No list of the force's districts: the command says what a run cannot tell without one.
    expect(logged).toContainEqual(
      expect.stringMatching(
        /^data\/areas\/sheffield\/area\.json lists no forceDistricts \(null\), .*: list there every district the force covers/,
      ),
    );
    expect(result).toEqual({
      slug: 'sheffield',
      district: { code: 'E08000039', name: 'Sheffield' },
      dir: path.join('data', 'areas', 'sheffield'),
      wards: 28,
      lsoas: 343,
      residents: [...readPopulation(SHEFFIELD.population).values()].reduce((s, [, v]) => s + v, 0),
      postcodes: 0,
    });
    expect(result.residents).toBe(556_519);
    await expectCommittedSheffield();

    // The written area.json is an area the pipeline can load, with every file it names.
    const area = await loadArea('sheffield', { root });
    const reference = JSON.parse(await committed('data/areas/sheffield/area.json'));
    expect(area.config.localAuthority).toEqual(reference.localAuthority);
    expect(area.config.forces).toEqual(reference.forces);
    // The boundaries' OS notice takes the year they were fetched, as ATTRIBUTION.md does.
    const fetchedIn = options(SHEFFIELD).now!.getUTCFullYear();
    expect(area.config.boundaries).toEqual({ ...reference.boundaries, copyrightYear: fetchedIn });
    expect(area.config.population).toEqual(reference.population);
    expect(area.config.siteName).toBe(reference.siteName);
    expect(area.config.centre).toBeNull();
    expect(area.config.forceDistricts).toBeNull();
    // No postcode source: no postcodes, none asked for.
    expect(area.config.postcodes).toBeNull();
    expect(server.requestsTo(layerPath(POSTCODE_SOURCE.service))).toHaveLength(0);
    // The map starts on the district: its centre within the committed view's bounds.
    expect(area.config.map.zoom).toBe(reference.map.zoom);
    expect(area.config.map.centre[0]).toBeGreaterThan(reference.map.bounds.south);
    expect(area.config.map.centre[0]).toBeLessThan(reference.map.bounds.north);
    expect(area.config.map.centre[1]).toBeGreaterThan(reference.map.bounds.west);
    expect(area.config.map.centre[1]).toBeLessThan(reference.map.bounds.east);

    const attribution = await written('sheffield', 'ATTRIBUTION.md');
    expect(attribution).toContain('Open Government Licence');
    expect(attribution).toContain('Source: Office for National Statistics');
    expect(attribution).toContain(`Crown copyright and database right ${fetchedIn}.`);
    expect(attribution).toContain('Nomis');
    expect(attribution).toContain(
      `${onsUrls(server).onsBaseUrl}WD20_LAD20_UK_LU_v2/FeatureServer/0`,
    );
    expect(await readdir(path.join(root, 'data', 'areas', 'sheffield'))).toEqual(REWRITTEN);
  });

  it('dates the fetch in ATTRIBUTION.md by the day in the UK: 00:30 BST on 1 July is 1 July', async () => {
    // [when the command ran, the day it fetched on in the UK]: British Summer Time, its first
    // hour the day before in UTC; and Greenwich Mean Time, the same day as UTC's.
    serve();
    for (const [slug, now, day] of [
      ['sheffield-summer', '2026-06-30T23:30:00Z', '2026-07-01'],
      ['sheffield-winter', '2026-10-25T23:30:00Z', '2026-10-25'],
    ] as const) {
      await addArea(options(SHEFFIELD, { slug, now: new Date(now) }));
      const attribution = await written(slug, 'ATTRIBUTION.md');
      expect(attribution.replace(/\s+/g, ' '), now).toContain(
        `as named by \`area.json\`, fetched on ${day} by`,
      );
    }
  });

  it("reproduces Leeds's 33 wards, 488 LSOAs and residents from the same services, another ward vintage", async () => {
    serve();
    const result = await addArea(options(LEEDS, { slug: 'leeds-again' }));
    expect(result).toMatchObject({ slug: 'leeds-again', wards: 33, lsoas: 488 });
    const wards = JSON.parse(await written('leeds-again', 'wards.geojson'));
    expect(wards.features).toEqual(readCollection(LEEDS.wards).features);
    const lsoas = JSON.parse(await written('leeds-again', 'lsoa21.geojson'));
    expect(lsoas.features).toEqual(readCollection(LEEDS.lsoas).features);
    const population = readPopulation(
      path.join(root, 'data', 'areas', 'leeds-again', 'population-lsoa21.csv'),
    );
    expect(population).toEqual(readPopulation(LEEDS.population));
    const area = await loadArea('leeds-again', { root });
    expect(area.config.boundaries.wards.codeProperty).toBe('WD25CD');
    expect(area.config.forces).toEqual(['west-yorkshire', 'btp']);
  });

  it('pages through ArcGIS answers while exceededTransferLimit says more, and Nomis answers by RecordOffset', async () => {
    serve(onsWorld([SHEFFIELD, LEEDS], 7), 40);
    await addArea(options(SHEFFIELD));
    await expectCommittedSheffield();
    const offsets = (requests: RecordedRequest[]) =>
      requests.map((r) => Number(r.query.get('resultOffset')));
    // 28 wards, 7 a page: offsets 0, 7, 14, 21 (the last page says no more).
    expect(offsets(server.requestsTo(layerPath(SHEFFIELD.services.wards)))).toEqual([0, 7, 14, 21]);
    const nomis = server.requestsTo(NOMIS_PATH);
    // 343 LSOAs in batches of 100 codes, 40 rows an answer: 3 pages of each full batch, 2 of the last.
    expect(nomis).toHaveLength(3 * 3 + 2);
    expect(nomis.slice(0, 3).map((r) => r.query.get('RecordOffset'))).toEqual(['0', '40', '80']);
  });

  it('retries a 503 and a connection cut mid-body, then succeeds', async () => {
    const world = serve();
    const wards = world.layers.get(SHEFFIELD.services.wards)!;
    let calls = 0;
    server.route('GET', layerPath(SHEFFIELD.services.wards), (request) => {
      calls += 1;
      if (calls === 1) return { status: 503, body: 'Service Unavailable' };
      if (calls === 2) return { ...answerQuery(wards, request), cutAfterBytes: 500 };
      return answerQuery(wards, request);
    });
    await addArea(options(SHEFFIELD));
    await expectCommittedSheffield();
    expect(calls).toBe(3);
    expect(logged.filter((l) => l.startsWith('retry '))).toEqual([
      expect.stringContaining('answered HTTP 503'),
      expect.stringContaining('lost its connection'),
    ]);
  });

  it('stops after its retries on a persistent 500, naming the URL, and leaves the previous area as it was', async () => {
    serve();
    server.route('GET', layerPath(SHEFFIELD.services.wards), [{ status: 500, body: 'Error' }]);
    const error = await failure();
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/ons\/Wards_December_2020_UK_BGC\/FeatureServer\/0\/query\?where=WD20CD\+IN.* failed after 3 attempts: .*answered HTTP 500/,
    );
    expect(server.requestsTo(layerPath(SHEFFIELD.services.wards))).toHaveLength(3);
  });

  it('stops on a body that is not JSON (a truncated answer), naming the URL and quoting it', async () => {
    serve();
    server.route('GET', layerPath(SHEFFIELD_LSOAS), [
      {
        body: '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Poly',
      },
    ]);
    const error = await failure();
    expect(error.message).toContain(`/ons/${SHEFFIELD_LSOAS}/FeatureServer/0/query?`);
    expect(error.message).toContain('with a body that is not JSON: "{"type":"FeatureCollection"');
  });

  it('stops on a Nomis answer that is not the TS001 table, naming the columns it lacks', async () => {
    serve();
    server.route('GET', NOMIS_PATH, [{ body: '<html><body>Service busy</body></html>\n' }]);
    const error = await failure();
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/nomis\/\S+… \(\d+ chars\) failed: http:\/\/127\.0\.0\.1:\d+\/nomis\/api\/v01\/dataset\/NM_2021_1\.data\.csv\?.* answered no GEOGRAPHY_NAME, GEOGRAPHY_CODE, OBS_VALUE, RECORD_OFFSET, RECORD_COUNT column \(got "<html><body>Service busy<\/body><\/html>"\)/,
    );
  });

  it('stops on an ArcGIS error answer: a ward boundaries service of another vintage than its lookup', async () => {
    serve();
    const error = await failure({
      services: { ...servicesFor(SHEFFIELD), wards: LEEDS.services.wards },
    });
    expect(error.message).toContain('/ons/Wards_May_2025_Boundaries_UK_BGC/FeatureServer/0/query?');
    expect(error.message).toContain(
      'answered an ArcGIS error 400: "Unable to complete operation."',
    );
  });

  it('stops when an LSOA has no residents in Nomis, naming it, and writes nothing', async () => {
    const world = onsWorld([SHEFFIELD, LEEDS]);
    world.residents.delete('E01007900');
    serve(world);
    const error = await failure();
    expect(error.name).toBe('DistrictDataError');
    expect(error.message).toContain(
      "Nomis has no Census 2021 residents for 1 of the district's 343 LSOAs (E01007900)",
    );
  });

  it("names the district as readers say it where ONS's name is inverted for sorting, keeping ONS's in the outline", async () => {
    // ONS gives "Kingston upon Hull, City of", "Bristol, City of", "Herefordshire, County of":
    // Sheffield's data served under names of that form.
    const names: [onsName: string, name: string][] = [
      ['Sheffield, City of', 'Sheffield'],
      ['Sheffield, County of', 'Sheffield'],
    ];
    for (const [onsName, name] of names) {
      serve(onsWorld([{ ...SHEFFIELD, name: onsName }]));
      const result = await addArea(options(SHEFFIELD));
      expect(result).toMatchObject({ slug: 'sheffield', district: { name } });
      const area = await loadArea('sheffield', { root });
      expect(area.config.localAuthority.name).toBe(name);
      expect(area.config.siteName).toBe(`${name} Crime Intelligence`);
      const attribution = await written('sheffield', 'ATTRIBUTION.md');
      expect(attribution.split('\n')[0]).toBe(`# ${name} (E08000039): sources and licences`);
      expect(attribution).not.toContain(onsName);
      const outline = JSON.parse(await written('sheffield', 'outline.geojson'));
      expect(outline.features[0].properties.LADNM).toBe(onsName);
      // A replaced area would keep its hand-set site name: start the next name afresh.
      await rm(path.join(root, 'data', 'areas', 'sheffield'), { recursive: true });
    }
  });

  it('stops on a district code the ward lookup does not know, before fetching any boundary', async () => {
    serve();
    const error = await failure({ districtCode: 'E08000099' });
    expect(error.message).toBe(
      "E08000099: the ward lookup WD20_LAD20_UK_LU_v2 lists no wards for LAD20CD = 'E08000099': " +
        'is it a district code of that vintage? Check it on the ONS Open Geography Portal',
    );
    expect(server.requests.map((r) => r.path)).toEqual([layerPath(SHEFFIELD.services.wardLookup)]);
  });

  it('refuses a code that is not a district code without asking any server', async () => {
    serve();
    const error = await failure({ districtCode: 'E05010857' });
    expect(error.message).toContain('"E05010857" is not a local-authority district code');
    expect(server.requests).toHaveLength(0);
  });

  it('stops at once when nothing answers at the address (connection refused)', async () => {
    const closed = `${server.url}`;
    await server.close();
    const error = await failure({ onsBaseUrl: `${closed}ons/`, nomisBaseUrl: `${closed}nomis/` });
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/ons\/WD20_LAD20_UK_LU_v2\/FeatureServer\/0\/query\?.*: cannot reach the host, nothing answers at that address \[ECONNREFUSED\]$/,
    );
  });

  it('removes the staging folder a killed run left, and writes the area', async () => {
    serve();
    // No process has this id (Linux pids stay below 2^22).
    const left = path.join(root, 'data', 'areas', 'sheffield.tmp-9999999');
    await mkdir(left, { recursive: true });
    await writeFile(path.join(left, 'wards.geojson'), 'half a file');
    await addArea(options(SHEFFIELD));
    expect(await readdir(path.join(root, 'data', 'areas'))).toEqual(['sheffield']);
    await expectCommittedSheffield();
  });

  it('refuses to overwrite an area that is already there unless told to replace it', async () => {
    serve();
    const before = await previousSheffield();
    await expect(addArea(options(SHEFFIELD))).rejects.toThrow(
      `${path.join('data', 'areas', 'sheffield')} is already there: give --replace to fetch it again, or --slug for another name`,
    );
    expect(await snapshot()).toEqual(before);
    // The folder's name comes from the district's outline: no boundary is fetched after it.
    expect(server.requests.map((r) => r.path)).toEqual([
      layerPath(SHEFFIELD.services.wardLookup),
      layerPath(SHEFFIELD_SERVICES.districts),
    ]);
    await addArea(options(SHEFFIELD, { replace: true }));
    await expectCommittedSheffield();
    expect(await readdir(path.join(root, 'data', 'areas'))).toEqual(['sheffield']);
  });

  it('refuses a --slug folder that is already there before asking any server', async () => {
    serve();
    const before = await previousSheffield();
    await expect(addArea(options(SHEFFIELD, { slug: 'sheffield' }))).rejects.toThrow(
      `${path.join('data', 'areas', 'sheffield')} is already there`,
    );
    expect(server.requests).toHaveLength(0);
    expect(await snapshot()).toEqual(before);
  });

  it('takes area names with numbers (--slug sheffield-2), and the pipeline loads the area by it', async () => {
    serve();
    const result = await addArea(options(SHEFFIELD, { slug: 'sheffield-2' }));
    expect(result.dir).toBe(path.join('data', 'areas', 'sheffield-2'));
    const area = await loadArea('sheffield-2', { root });
    expect(area.config.slug).toBe('sheffield-2');
    expect(area.config.localAuthority.code).toBe(SHEFFIELD.code);
  });

  it('refuses a --slug that is not lower-case words or numbers joined by "-", asking no server', async () => {
    serve();
    for (const slug of ['Sheffield', 'sheffield_2', '-sheffield', 'sheffield--2', '../sheffield']) {
      await expect(addArea(options(SHEFFIELD, { slug }))).rejects.toThrow(
        `"${slug}" is not an area name: use lower-case words or numbers joined by "-"`,
      );
    }
    expect(server.requests).toHaveLength(0);
  });

  it('keeps the hand-set fields of the area.json it replaces (site name, force districts, polling districts, centre, map)', async () => {
    serve();
    const dir = path.join(root, 'data', 'areas', 'sheffield');
    await mkdir(dir, { recursive: true });
    const previous = {
      ...JSON.parse(await committed('data/areas/sheffield/area.json')),
      siteName: 'Crime in Sheffield',
      pollingDistricts: {
        url: 'https://sheffield.example/arcgis/rest/services/Boundaries/MapServer/3',
        publisher: 'Sheffield City Council',
      },
      map: {
        centre: [53.38, -1.47],
        zoom: 12,
        bounds: { south: 53.2, north: 53.6, west: -1.9, east: -1.2 },
      },
    };
    await writeFile(path.join(dir, 'area.json'), JSON.stringify(previous));
    await addArea(options(SHEFFIELD, { replace: true }));
    const replaced = JSON.parse(await written('sheffield', 'area.json'));
    for (const field of HAND_SET_FIELDS) expect(replaced[field], field).toEqual(previous[field]);
    expect(HAND_SET_FIELDS).toContain('pollingDistricts');
    expect(replaced.centre).not.toBeNull();
    expect(replaced.forceDistricts).toEqual(['Barnsley', 'Doncaster', 'Rotherham', 'Sheffield']);
    expect(logged.filter((line) => line.includes('forceDistricts (null)'))).toEqual([]);
    expect(logged, logged.join('\n')).toContain(
      `kept from the previous ${path.posix.join('data', 'areas', 'sheffield', 'area.json')}: siteName, forceDistricts, pollingDistricts, centre, map`,
    );
  });

  it('puts back an area folder that a run killed while replacing it had moved aside, and no sweep removes it', async () => {
    serve();
    const areas = path.join(root, 'data', 'areas');
    // Killed between the renames: the old folder aside, the new one still staged.
    const aside = path.join(areas, 'sheffield.replaced');
    await mkdir(aside, { recursive: true });
    await writeFile(path.join(aside, 'area.json'), '{"the previous": "area"}\n');
    await mkdir(path.join(areas, 'sheffield.tmp-9999999'));
    // Another area's run sweeps data/areas/ and finds the Sheffield folder gone.
    await addArea(options(LEEDS, { slug: 'leeds' }));
    expect((await readdir(areas)).sort()).toEqual(['leeds', 'sheffield']);
    expect(await written('sheffield', 'area.json')).toBe('{"the previous": "area"}\n');
    expect(logged).toContain(
      'sheffield: restored the area folder a replacing run was stopped without',
    );
  });

  it('removes an old folder moved aside once its replacement is in place', async () => {
    serve();
    const areas = path.join(root, 'data', 'areas');
    await previousSheffield();
    await mkdir(path.join(areas, 'sheffield.replaced'));
    await addArea(options(SHEFFIELD, { replace: true }));
    expect(await readdir(areas)).toEqual(['sheffield']);
    await expectCommittedSheffield();
  });
});

describe('addArea() --replace over an area in use', () => {
  const SHEFFIELD_DIR = () => path.join(root, 'data', 'areas', 'sheffield');
  const notRewritten = (files: Map<string, string>) =>
    new Map([...files].filter(([file]) => !REWRITTEN.includes(path.basename(file))));

  /** The committed Sheffield folder as a person has it after using the area for a while. */
  async function sheffieldInUse(): Promise<Record<string, unknown>> {
    const dir = SHEFFIELD_DIR();
    // Its committed months and published output, without the caches of runs in this checkout.
    await cp(path.join(REPO, 'data/areas/sheffield'), dir, {
      recursive: true,
      filter: (source) => !/[\\/]output[\\/](cache|run-summary)/.test(source),
    });
    // A refresh's change log and a run's caches, which are not committed.
    await copyFile(path.join(REPO, 'src/data/changes.json'), path.join(dir, 'output/changes.json'));
    await mkdir(path.join(dir, 'output/cache/sources'), { recursive: true });
    await copyFile(
      path.join(REPO, SHEFFIELD.wards),
      path.join(dir, 'output/cache/sources/polling-districts.geojson'),
    );
    // Set by hand: a centre drawn in a file of the folder, the council's polling districts.
    const wards = readCollection(SHEFFIELD.wards);
    const city = wards.features.find((f) => f.properties?.['WD20CD'] === 'E05010862')!;
    await writeFile(
      path.join(dir, 'centre.geojson'),
      JSON.stringify({ type: 'FeatureCollection', features: [{ ...city, properties: {} }] }),
    );
    const config = {
      ...JSON.parse(await readFile(path.join(dir, 'area.json'), 'utf8')),
      siteName: 'Crime in Sheffield',
      pollingDistricts: {
        url: 'https://sheffield.example/arcgis/rest/services/Boundaries/MapServer/3',
        publisher: 'Sheffield City Council',
      },
      centre: {
        kind: 'polygon',
        label: 'city centre',
        file: 'data/areas/sheffield/centre.geojson',
      },
    };
    await writeFile(path.join(dir, 'area.json'), `${JSON.stringify(config, null, 2)}\n`);
    return config;
  }

  it("keeps the area's months, published output, change log, caches and hand-made files", async () => {
    serve();
    const previous = await sheffieldInUse();
    const before = await snapshot();
    const kept = notRewritten(before);
    for (const file of [
      'sample/archive/2024-01/2024-01-south-yorkshire-street.csv',
      'output/site-data.json',
      'output/changes.json',
      'output/downloads/sheffield-crimes-2024.csv.gz',
      'output/cache/sources/polling-districts.geojson',
      'centre.geojson',
    ]) {
      expect([...kept.keys()], file).toContain(path.join('data/areas/sheffield', file));
    }
    await addArea(options(SHEFFIELD, { replace: true }));
    expect(notRewritten(await snapshot())).toEqual(kept);
    await expectCommittedSheffield();
    expect(await readdir(path.join(root, 'data', 'areas'))).toEqual(['sheffield']);
    expect(logged).toContain(
      `carried over from the previous ${path.join('data', 'areas', 'sheffield')}: centre.geojson, output, sample`,
    );
    // The area loads with the centre file it names.
    const area = await loadArea('sheffield', { root });
    expect(area.config.pollingDistricts).toEqual(previous['pollingDistricts']);
    expect(area.config.centre).toEqual(previous['centre']);
    expect(area.files.centre).toBe(path.join(SHEFFIELD_DIR(), 'centre.geojson'));
  });

  it("keeps the sections a person added to ATTRIBUTION.md, and writes the fetched files' afresh", async () => {
    serve();
    await sheffieldInUse();
    const previous = await written('sheffield', 'ATTRIBUTION.md');
    const policeUk = previous.slice(
      previous.indexOf('## police.uk street-level crime'),
      previous.indexOf('## ONS boundaries'),
    );
    expect(policeUk).toContain('2024-0M-south-yorkshire-street.csv');
    await addArea(options(SHEFFIELD, { replace: true }));
    const attribution = await written('sheffield', 'ATTRIBUTION.md');
    expect(attribution).toContain(policeUk);
    // The boundaries are the ones fetched now, with their sources; no word of the old ones'.
    expect(attribution).toContain(
      `${onsUrls(server).onsBaseUrl}WD20_LAD20_UK_LU_v2/FeatureServer/0`,
    );
    expect(attribution).not.toContain('open-innovations/geography-bits');
    expect(attribution.match(/^## ONS boundaries$/gm)).toHaveLength(1);
    // What area.json still lacks, and only that: the polling districts and centre are set.
    expect(attribution).toMatch(/## Not here\n\nPostcodes: `area.json` has none \(null\)/);
  });

  it('keeps the text a person wrote under "Not here" in ATTRIBUTION.md, after what area.json lacks now', async () => {
    serve();
    await sheffieldInUse();
    const previous = await written('sheffield', 'ATTRIBUTION.md');
    const handWritten =
      'Sheffield postcodes, polling districts and South Yorkshire outcomes files.';
    expect(previous).toContain(`## Not here\n\n${handWritten}\n`);
    await addArea(options(SHEFFIELD, { replace: true }));
    const attribution = await written('sheffield', 'ATTRIBUTION.md');
    expect(attribution.slice(attribution.indexOf('## Not here'))).toBe(
      '## Not here\n\nPostcodes: `area.json` has none (null). Add it\n' +
        'by hand where the district has a source, with its attribution here.\n\n' +
        `${handWritten}\n`,
    );
    expect(logged).toContain(
      `kept from the previous ${path.posix.join('data', 'areas', 'sheffield', 'ATTRIBUTION.md')}: ` +
        '"police.uk street-level crime (sample input)", "Not here"',
    );
  });

  it('writes "Not here" afresh over the one it wrote itself, naming only what area.json lacks now', async () => {
    serve();
    await addArea(options(SHEFFIELD));
    const file = path.join(SHEFFIELD_DIR(), 'area.json');
    const config = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(
      file,
      JSON.stringify({ ...config, centre: { kind: 'wards', label: 'city', wards: ['E05010862'] } }),
    );
    await addArea(options(SHEFFIELD, { replace: true }));
    const attribution = await written('sheffield', 'ATTRIBUTION.md');
    expect(attribution.slice(attribution.indexOf('## Not here'))).toBe(
      '## Not here\n\nPostcodes and polling districts: `area.json` has none (null). Add them\n' +
        'by hand where the district has a source, with their attribution here.\n',
    );
  });

  it('finishes, on the next run, a replacement killed after the new folder moved in', async () => {
    serve();
    await sheffieldInUse();
    const kept = notRewritten(await snapshot());
    // Killed after the swap: the old folder aside, the new one in, holding only what was fetched.
    const areas = path.join(root, 'data', 'areas');
    await rename(SHEFFIELD_DIR(), path.join(areas, 'sheffield.replaced'));
    await mkdir(SHEFFIELD_DIR());
    for (const file of REWRITTEN) await writeFile(path.join(SHEFFIELD_DIR(), file), `new ${file}`);
    await addArea(options(LEEDS, { slug: 'leeds' }));
    expect((await readdir(areas)).sort()).toEqual(['leeds', 'sheffield']);
    const after = await snapshot();
    expect(notRewritten(new Map([...after].filter(([f]) => f.includes('sheffield'))))).toEqual(
      kept,
    );
    for (const file of REWRITTEN) expect(await written('sheffield', file)).toBe(`new ${file}`);
    expect(logged).toContain(
      'sheffield: finished replacing the area folder a run was stopped in: carried over centre.geojson, output, sample',
    );
  });

  it('stops on a previous area.json that is not JSON, naming it, and changes nothing', async () => {
    serve();
    await sheffieldInUse();
    const file = path.join(SHEFFIELD_DIR(), 'area.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"map"', 'map'));
    const before = await snapshot();
    const error = await addArea(options(SHEFFIELD, { replace: true })).then(
      () => new Error('addArea succeeded'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(
      new RegExp(
        `^${path.join('data', 'areas', 'sheffield', 'area.json')} is not JSON \\(.*\\): its hand-set ` +
          'fields cannot be kept\\. Fix it, or remove it to take every field from the fetched data; nothing was written$',
      ),
    );
    expect(await snapshot()).toEqual(before);
    expect(server.requestsTo(layerPath(SHEFFIELD.services.wards))).toHaveLength(0);
  });
});

describe('addArea() with a postcode source (the ONS Postcode Directory layer)', () => {
  const POSTCODES_PATH = layerPath(POSTCODE_SOURCE.service);

  /** The live Leeds postcodes of the committed file, as the replayed layer holds them. */
  function livePostcodes(code: string): string[][] {
    const [, ...lines] = readFileSync(path.join(REPO, 'data/reference/postcodes-ls.csv'), 'utf8')
      .trim()
      .split('\n');
    return lines
      .map((line) => line.split(','))
      .filter((fields, i) => fields[3] === code && i % TERMINATED_EVERY !== TERMINATED_EVERY - 1);
  }

  /** The layer with Leeds's postcodes labelled as Sheffield's (E08000039). */
  function sheffieldLabelled() {
    const layer = postcodeLayer();
    for (const row of layer.rows) {
      const field = POSTCODE_SOURCE.districtField;
      if (row.properties[field] === 'E08000035') row.properties[field] = 'E08000039';
    }
    return layer;
  }

  function servePostcodes(layer = postcodeLayer()) {
    server.route('GET', POSTCODES_PATH, (request) => answerQuery(layer, request));
    return layer;
  }

  it("writes the district's live postcodes in the reference format, names them in area.json, and the pipeline reads them", async () => {
    serve();
    servePostcodes();
    const result = await addArea(
      options(LEEDS, { slug: 'leeds-again', postcodes: POSTCODE_SOURCE }),
    );
    const expected = livePostcodes('E08000035');
    expect(expected.length).toBeGreaterThan(27_000);
    expect(result.postcodes).toBe(expected.length);
    const text = await written('leeds-again', 'postcodes.csv');
    const [header, ...rows] = text.trimEnd().split('\n');
    expect(header).toBe('postcode_clean,lat,long,oslaua');
    expect(
      rows.map((r) => r.split(',').map((v, i) => (i === 1 || i === 2 ? Number(v) : v))),
    ).toEqual(
      expected.map(([postcode, lat, lon]) => [postcode, Number(lat), Number(lon), 'E08000035']),
    );
    // Example: the postcode district with the most of them, counted here from the file.
    const counts = new Map<string, number>();
    for (const [postcode] of expected) {
      const district = postcode!.split(' ')[0]!;
      counts.set(district, (counts.get(district) ?? 0) + 1);
    }
    const commonest = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    const area = await loadArea('leeds-again', { root });
    // Which districts are PO boxes is not in the directory's answer: none until area.json names them.
    // The notices' year is the year the list was fetched (options' now), as ATTRIBUTION.md's.
    // The list is every postcode of the district (whatever their areas), as area.json says.
    expect(area.config.postcodes).toEqual({
      file: 'data/areas/leeds-again/postcodes.csv',
      holds: 'district',
      example: commonest,
      copyrightYear: 2026,
      nonGeographicDistricts: [],
    });
    expect(
      await readFile(path.join(root, 'data/areas/leeds-again/ATTRIBUTION.md'), 'utf8'),
    ).toContain('contains Royal Mail data © Royal Mail copyright and\ndatabase right 2026.');
    const geography = await loadGeography(referenceFiles(area));
    expect(geography.postcodes.map((p) => p.postcode)).toEqual(
      expected.map(([postcode]) => postcode!),
    );
    // Once named there, the pipeline reads every one but those districts' postcodes.
    const configFile = path.join(root, 'data/areas/leeds-again/area.json');
    const config = JSON.parse(await readFile(configFile, 'utf8'));
    expect(config.postcodes.holds).toBe('district');
    config.postcodes.nonGeographicDistricts = ['LS98', 'LS99'];
    await writeFile(configFile, JSON.stringify(config));
    const named = await loadGeography(referenceFiles(await loadArea('leeds-again', { root })));
    const left = expected
      .map(([postcode]) => postcode!)
      .filter((p) => !['LS98', 'LS99'].includes(p.split(' ')[0]!));
    expect(left.length).toBeLessThan(expected.length);
    expect(named.postcodes.map((p) => p.postcode)).toEqual(left);
    const attribution = await written('leeds-again', 'ATTRIBUTION.md');
    expect(attribution).toContain('## Postcodes');
    expect(attribution).toContain(
      `${onsUrls(server).onsBaseUrl}ONSPD_Online_Latest_Centroids/FeatureServer/0`,
    );
    expect(attribution).toContain("LAD25CD = 'E08000035' AND DOTERM IS NULL");
    expect(attribution).toContain('Royal Mail');
    // Asked for live postcodes of the district only, in pages of 1,000 ordered by postcode.
    const requests = server.requestsTo(POSTCODES_PATH);
    expect(requests).toHaveLength(Math.ceil(expected.length / 1000));
    expect(requests[0]!.query.get('where')).toBe("LAD25CD = 'E08000035' AND DOTERM IS NULL");
    expect(requests[0]!.query.get('orderByFields')).toBe('PCDS');
  });

  it('pages on from what arrived when the server caps a page below the size asked, until exceededTransferLimit stops', async () => {
    serve();
    servePostcodes(postcodeLayer(700));
    const result = await addArea(
      options(LEEDS, { slug: 'leeds-again', postcodes: POSTCODE_SOURCE }),
    );
    const expected = livePostcodes('E08000035').length;
    expect(result.postcodes).toBe(expected);
    const offsets = server
      .requestsTo(POSTCODES_PATH)
      .map((r) => Number(r.query.get('resultOffset')));
    expect(offsets).toEqual(Array.from({ length: Math.ceil(expected / 700) }, (_, i) => i * 700));
  });

  it('retries a 503 and a connection cut mid-body on the postcode layer, then succeeds', async () => {
    serve();
    const layer = postcodeLayer();
    let calls = 0;
    server.route('GET', POSTCODES_PATH, (request) => {
      calls += 1;
      if (calls === 1) return { status: 503, body: 'Service Unavailable' };
      if (calls === 2) return { ...answerQuery(layer, request), cutAfterBytes: 300 };
      return answerQuery(layer, request);
    });
    const result = await addArea(
      options(LEEDS, { slug: 'leeds-again', postcodes: POSTCODE_SOURCE }),
    );
    expect(result.postcodes).toBe(livePostcodes('E08000035').length);
    expect(logged.filter((l) => l.startsWith('retry '))).toEqual([
      expect.stringContaining('answered HTTP 503'),
      expect.stringContaining('lost its connection'),
    ]);
  });

  it('stops after its retries on a persistent 500, naming the URL, and writes nothing', async () => {
    serve();
    server.route('GET', POSTCODES_PATH, [{ status: 500, body: 'Error' }]);
    const error = await failure({ postcodes: POSTCODE_SOURCE });
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/ons\/ONSPD_Online_Latest_Centroids\/FeatureServer\/0\/query\?where=LAD25CD.* failed after 3 attempts: .*answered HTTP 500/,
    );
  });

  it('stops on a truncated page that is not JSON, naming the URL', async () => {
    serve();
    server.route('GET', POSTCODES_PATH, [
      {
        body: '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"PCDS":"S1',
      },
    ]);
    const error = await failure({ postcodes: POSTCODE_SOURCE });
    expect(error.message).toContain('/ons/ONSPD_Online_Latest_Centroids/FeatureServer/0/query?');
    expect(error.message).toContain('with a body that is not JSON');
  });

  it('stops on a row that is not a postcode with coordinates, quoting it escaped', async () => {
    serve();
    const page = (properties: Record<string, unknown>) => ({
      body: {
        type: 'FeatureCollection',
        features: [{ type: 'Feature', geometry: null, properties }],
      },
    });
    server.route('GET', POSTCODES_PATH, [
      page({ PCDS: '<b>\u001b[31mS1', LAT: 53.38, LONG: -1.47 }),
    ]);
    const notPostcode = await failure({ postcodes: POSTCODE_SOURCE });
    expect(notPostcode.message).toBe(
      'ONSPD_Online_Latest_Centroids: row 1 of 1 for E08000039: PCDS "<b>\\u001b[31mS1" is not a ' +
        'postcode; check that the service is the ONS Postcode Directory',
    );
    server.route('GET', POSTCODES_PATH, [page({ PCDS: 'S1 2HE', LAT: '53.38', LONG: null })]);
    const notPlace = await failure({ postcodes: POSTCODE_SOURCE });
    expect(notPlace.message).toContain('S1 2HE has LAT "53.38", LONG null, not a place in the UK');
  });

  it('stops when pages repeat a postcode (the paging moved under it)', async () => {
    serve();
    const layer = sheffieldLabelled();
    // The server loses its place once: asked for the second page, it answers the first again.
    server.route('GET', POSTCODES_PATH, (request) => {
      const query = new URLSearchParams(request.query);
      if (query.get('resultOffset') === '1000') query.set('resultOffset', '0');
      return answerQuery(layer, { ...request, query });
    });
    const error = await failure({ postcodes: POSTCODE_SOURCE });
    expect(error.message).toMatch(
      /^ONSPD_Online_Latest_Centroids: row 1001 of \d+ for E08000039: LS\d+ \w+ is answered twice; the paging may have moved: try again$/,
    );
  });

  it("stops on an empty answer: no live postcodes for the district's code", async () => {
    serve();
    servePostcodes();
    const error = await failure({ postcodes: POSTCODE_SOURCE });
    expect(error.message).toBe(
      "ONSPD_Online_Latest_Centroids: no live postcodes for LAD25CD = 'E08000039' AND DOTERM IS NULL. " +
        "Check the district code and that LAD25CD is the service's district field (it names the vintage, e.g. LAD25CD)",
    );
  });

  it('stops on an ArcGIS error answer: a district field the layer does not have', async () => {
    serve();
    servePostcodes();
    const error = await failure({ postcodes: { ...POSTCODE_SOURCE, districtField: 'LAD20CD' } });
    expect(error.message).toContain('/ons/ONSPD_Online_Latest_Centroids/FeatureServer/0/query?');
    expect(error.message).toContain('answered an ArcGIS error 400');
  });

  /** Leeds added with its postcodes, then area.json's postcodes edited by hand. */
  async function leedsWithEditedPostcodes() {
    servePostcodes();
    await addArea(options(LEEDS, { slug: 'leeds-again', postcodes: POSTCODE_SOURCE }));
    const file = path.join(root, 'data/areas/leeds-again/area.json');
    const config = JSON.parse(await readFile(file, 'utf8'));
    config.postcodes = {
      ...config.postcodes,
      holds: 'postcode-areas',
      example: 'LS6',
      edition: '2016 to early 2018',
      nonGeographicDistricts: ['LS88', 'LS98', 'LS99'],
    };
    await writeFile(file, JSON.stringify(config));
    return config.postcodes;
  }

  it('keeps the hand-set postcode fields when it fetches the list again, and leaves out the old edition', async () => {
    serve();
    await leedsWithEditedPostcodes();
    await addArea(
      options(LEEDS, {
        slug: 'leeds-again',
        replace: true,
        postcodes: POSTCODE_SOURCE,
        now: new Date('2027-06-01T00:00:00Z'),
      }),
    );
    const area = await loadArea('leeds-again', { root });
    // What the list holds is the fetched list's, not the one it replaced.
    expect(area.config.postcodes).toEqual({
      file: 'data/areas/leeds-again/postcodes.csv',
      holds: 'district',
      example: 'LS6',
      copyrightYear: 2027,
      nonGeographicDistricts: ['LS88', 'LS98', 'LS99'],
    });
    expect(logged).toContain(
      'postcodes.edition "2016 to early 2018" named the previous list and is left out: set the new list\'s in ' +
        `${path.posix.join('data', 'areas', 'leeds-again', 'area.json')} if About should give it`,
    );
    expect(logged, logged.join('\n')).toContainEqual(
      expect.stringMatching(
        /^kept from the previous .*: siteName, map, postcodes\.example, postcodes\.nonGeographicDistricts$/,
      ),
    );
  });

  it('keeps the postcodes, their file and their attribution when the replacing run fetches none', async () => {
    serve();
    const previous = await leedsWithEditedPostcodes();
    const list = await written('leeds-again', 'postcodes.csv');
    const section = (text: string) =>
      text.slice(text.indexOf('## Postcodes'), text.indexOf('## Not here'));
    const attribution = section(await written('leeds-again', 'ATTRIBUTION.md'));
    expect(attribution).toContain('Royal Mail');
    const asked = server.requestsTo(POSTCODES_PATH).length;
    await addArea(options(LEEDS, { slug: 'leeds-again', replace: true }));
    const area = await loadArea('leeds-again', { root });
    expect(area.config.postcodes).toEqual(previous);
    expect(await written('leeds-again', 'postcodes.csv')).toBe(list);
    expect(section(await written('leeds-again', 'ATTRIBUTION.md'))).toBe(attribution);
    expect(server.requestsTo(POSTCODES_PATH)).toHaveLength(asked);
  });

  it("stops when the postcodes lie outside the district's outline (another district's codes)", async () => {
    serve();
    servePostcodes(sheffieldLabelled());
    const error = await failure({ postcodes: POSTCODE_SOURCE });
    expect(error.name).toBe('DistrictDataError');
    expect(error.message).toMatch(
      /\d+ of the \d+ postcodes with a grid reference lie outside the district's outline \(e\.g\. LS\d+ \w+, /,
    );
  });
});
