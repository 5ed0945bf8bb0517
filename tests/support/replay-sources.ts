// Set-up shared by the tests of network sources: a replay server and a scratch directory for
// each test, and every source's base URL pointed at that server.
import { mkdtemp, rm } from 'node:fs/promises';
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
