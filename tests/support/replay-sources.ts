// Every network source pointed at a replay server, under the paths the source tests serve:
// police.uk archives at /data/archive/, its API at /api/, postcodes.io at /postcodes-io/ and
// the council's polling-district layer at /<mapServer>.
import type { SourceConfig } from '../../pipeline/sources/config.ts';
import type { ReplayServer } from './replay-server.ts';

export function replaySources(server: ReplayServer, mapServer = 'mapserver'): SourceConfig {
  return {
    policeArchiveBaseUrl: `${server.url}data/archive/`,
    policeApiBaseUrl: `${server.url}api/`,
    postcodesBaseUrl: `${server.url}postcodes-io/`,
    leedsMapServerUrl: `${server.url}${mapServer}`,
  };
}
