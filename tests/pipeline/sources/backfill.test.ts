// The first live run backfills every month from the refresh's first month, through the older
// police.uk archives that hold them (36 months each), against a replay of police.uk.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { monthArguments } from '../../../pipeline/refresh-months.ts';
import { resolveSourceConfig } from '../../../pipeline/sources/config.ts';
import { fetchSources } from '../../../pipeline/sources/index.ts';
import { monthRange } from '../../../src/shared/months.ts';
import { buildArchive } from '../../support/police-fixtures.ts';
import { ReplayServer } from '../../support/replay-server.ts';

const FAST_HTTP = { minBackoffMs: 1, maxBackoffMs: 5, retries: 2, timeoutMs: 20_000 };
const LATEST = '2025-03';
/** Two archives back: 2022-03.zip holds 2019-04 to 2022-03, 2025-03.zip the 36 months after. */
const FIRST_MONTH = '2019-04';

let server: ReplayServer;
let cacheRoot: string;

beforeEach(async () => {
  server = await ReplayServer.start();
  cacheRoot = await mkdtemp(path.join(tmpdir(), 'backfill-'));
  const redirect = { status: 302, headers: { location: `/data/archive/${LATEST}.zip` } };
  server.route('HEAD', '/data/archive/latest.zip', [redirect]);
  server.route('GET', '/api/crimes-street-dates', [{ body: [{ date: LATEST }] }]);
  for (const archive of ['2019-03', '2022-03', LATEST]) {
    server.file(`/data/archive/${archive}.zip`, await buildArchive(archive));
  }
});
afterEach(async () => {
  await server.close();
  await rm(cacheRoot, { recursive: true, force: true });
});

const env = () => ({
  POLICE_ARCHIVE_BASE_URL: `${server.url}data/archive/`,
  POLICE_API_BASE_URL: `${server.url}api/`,
});

describe('the first live refresh', () => {
  it('asks for every month from 2018-01 by default, whatever the published data starts at', async () => {
    const args = await monthArguments({
      root: '.',
      ref: 'HEAD',
      pipelineArgs: [],
      env: env(),
      log: () => {},
    });
    expect(args).toEqual(['--range', '2018-01', LATEST]);
  });

  it('fetches every month from the first month setting, each from the newest archive that holds it', async () => {
    const logs: string[] = [];
    const args = await monthArguments({
      root: '.',
      ref: 'HEAD',
      pipelineArgs: [],
      env: { ...env(), REFRESH_FIRST_MONTH: FIRST_MONTH },
      log: (line) => logs.push(line),
    });
    expect(args).toEqual(['--range', FIRST_MONTH, LATEST]);
    expect(logs.join('\n')).toMatch(/REFRESH_FIRST_MONTH=2019-04/);

    const result = await fetchSources({
      selection: { from: FIRST_MONTH, to: LATEST },
      cacheRoot,
      config: resolveSourceConfig(env()),
      http: FAST_HTTP,
    });
    const months = monthRange(FIRST_MONTH, LATEST);
    expect(result.months.map((m) => m.month)).toEqual(months);
    expect(result.months.every((m) => m.source === 'archive' && m.status === 'fetched')).toBe(true);
    const snapshotOf = (month: string) => result.months.find((m) => m.month === month)?.snapshot;
    expect(snapshotOf('2019-04')).toBe('2022-03.zip');
    expect(snapshotOf('2022-03')).toBe('2022-03.zip');
    expect(snapshotOf('2022-04')).toBe('2025-03.zip');
    // Only the two archives needed were read; 2019-03.zip (which also holds 2019-04) was not.
    const read = new Set(
      server.requests.filter((r) => r.method === 'GET').map((r) => path.basename(r.path)),
    );
    expect([...read].filter((name) => name.endsWith('.zip')).sort()).toEqual([
      '2022-03.zip',
      '2025-03.zip',
    ]);
  }, 120_000);
});
