// Set-up shared by the tests of network sources: a replay server and a scratch directory for
// each test, and every source's base URL pointed at that server.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { SourceConfig } from '../../pipeline/sources/config.ts';
import { ReplayServer } from './replay-server.ts';

/**
 * Every network source pointed at `server`: police.uk archives at /data/archive/, its API at
 * /api/, postcodes.io at /postcodes-io/ and the council's polling-district layer at /<mapServer>.
 */
export function replaySources(server: ReplayServer, mapServer = 'mapserver'): SourceConfig {
  return {
    policeArchiveBaseUrl: `${server.url}data/archive/`,
    policeApiBaseUrl: `${server.url}api/`,
    postcodesBaseUrl: `${server.url}postcodes-io/`,
    leedsMapServerUrl: `${server.url}${mapServer}`,
  };
}

/**
 * Before each test: start a replay server, make an empty directory named `<prefix>…` under the
 * system's temporary directory, and hand both to `ready`. After each: close and remove them.
 */
export function replayPerTest(
  prefix: string,
  ready: (server: ReplayServer, dir: string) => void | Promise<void>,
): void {
  let server: ReplayServer | undefined;
  let dir: string | undefined;
  beforeEach(async () => {
    server = await ReplayServer.start();
    dir = await mkdtemp(path.join(tmpdir(), prefix));
    await ready(server, dir);
  });
  afterEach(async () => {
    await server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
}

/** postcodes.io answering no point: the far snap points keep the nearest LS district. */
export function servePostcodesWithNoAnswer(server: ReplayServer): void {
  server.route('POST', '/postcodes-io/postcodes', (request) => ({
    body: {
      status: 200,
      result: (JSON.parse(request.body) as { geolocations: unknown[] }).geolocations.map(
        (query) => ({ query, result: null }),
      ),
    },
  }));
}

/** Polling districts already cached under `out` (one per ward), so the council's server is not needed. */
export async function cachePollingDistricts(out: string): Promise<void> {
  const wards = JSON.parse(
    await readFile(path.join('data', 'reference', 'wards.geojson'), 'utf8'),
  ) as { features: { properties: { WD25CD: string; WD25NM: string } }[] };
  const file = path.join(out, 'cache', 'sources', 'polling-districts.geojson');
  await mkdir(path.dirname(file), { recursive: true });
  const features = wards.features.map((ward) => ({
    ...ward,
    properties: { pollingDistrict: ward.properties.WD25CD, ward: ward.properties.WD25NM },
  }));
  await writeFile(file, JSON.stringify({ type: 'FeatureCollection', features }));
}
