// `npm run area -- add <LAD code>` as a process, its sources pointed at the replay server by
// the environment: what it prints, its exit codes, and what it leaves in data/areas/.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  layerPath,
  onsUrls,
  onsWorld,
  POSTCODE_SOURCE,
  serveOns,
  SHEFFIELD,
} from '../support/ons-replay.ts';
import type { ReplayServer } from '../support/replay-server.ts';
import { replayPerTest } from '../support/replay-sources.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(REPO, 'pipeline', 'area-cli.ts');

let server: ReplayServer;
let root: string;
replayPerTest('area-cli-', (s, dir) => {
  server = s;
  root = dir;
});

/** The command run from `root`; asynchronous, so the replay server can answer it. */
async function area(args: readonly string[], env: Record<string, string> = {}) {
  const { onsBaseUrl, nomisBaseUrl } = onsUrls(server);
  return promisify(execFile)(process.execPath, [SCRIPT, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      ONS_GEOGRAPHY_BASE_URL: onsBaseUrl,
      NOMIS_API_BASE_URL: nomisBaseUrl,
      ...env,
    },
  }).then(
    ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      status: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

const SHEFFIELD_ARGS = [
  'add',
  'E08000039',
  '--force',
  'south-yorkshire',
  '--ward-lookup',
  SHEFFIELD.services.wardLookup,
  '--wards',
  SHEFFIELD.services.wards,
];

describe('npm run area -- add <LAD code>', () => {
  it('writes data/areas/sheffield/ and prints the result as JSON with --json', async () => {
    serveOns(server, onsWorld([SHEFFIELD]));
    const { status, stdout, stderr } = await area([...SHEFFIELD_ARGS, '--json']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      slug: 'sheffield',
      district: { code: 'E08000039', name: 'Sheffield' },
      dir: path.join('data', 'areas', 'sheffield'),
      wards: 28,
      lsoas: 343,
      residents: 556_519,
      postcodes: 0,
    });
    expect(
      await readFile(path.join(root, 'data/areas/sheffield/population-lsoa21.csv'), 'utf8'),
    ).toBe(await readFile(path.join(REPO, SHEFFIELD.population), 'utf8'));
  });

  it('exits 1 naming the address when nothing answers there, and writes nothing', async () => {
    const closed = server.url;
    await server.close();
    const { status, stderr } = await area(SHEFFIELD_ARGS, {
      ONS_GEOGRAPHY_BASE_URL: `${closed}ons/`,
    });
    expect(status).toBe(1);
    expect(stderr).toMatch(
      /^area: GET http:\/\/127\.0\.0\.1:\d+\/ons\/WD20_LAD20_UK_LU_v2\/FeatureServer\/0\/query\?.*: cannot reach the host, nothing answers at that address \[ECONNREFUSED\]\n$/,
    );
    expect(await readdir(root)).toEqual([]);
  });

  it('exits 2 without --force, and 1 on a base URL that is not a URL', async () => {
    const noForce = await area(['add', 'E08000039']);
    expect(noForce.status).toBe(2);
    expect(noForce.stderr).toContain(
      'give the police force whose files hold the district: --force SLUG',
    );
    const badUrl = await area(SHEFFIELD_ARGS, { NOMIS_API_BASE_URL: 'nomisweb' });
    expect(badUrl.status).toBe(1);
    expect(badUrl.stderr).toContain('NOMIS_API_BASE_URL is not a valid URL: "nomisweb"');
    expect(server.requests).toHaveLength(0);
  });

  it('exits 2 on --postcodes without its district field, or with a service that is not a name', async () => {
    const alone = await area([...SHEFFIELD_ARGS, '--postcodes', 'ONSPD_Online_Latest_Centroids']);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain(
      'give --postcodes SERVICE and --postcode-district-field FIELD together',
    );
    const path = await area([
      ...SHEFFIELD_ARGS,
      '--postcodes',
      '../other?x=1',
      '--postcode-district-field',
      'LAD25CD',
    ]);
    expect(path.status).toBe(2);
    expect(path.stderr).toContain('--postcodes "../other?x=1" is not a service name');
    expect(server.requests).toHaveLength(0);
  });

  it('exits 1 on a postcode row it cannot use, its text escaped in the message, and writes nothing', async () => {
    serveOns(server, onsWorld([SHEFFIELD]));
    server.route('GET', layerPath(POSTCODE_SOURCE.service), () => ({
      body: {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: null,
            properties: { PCDS: '\u001b[2J<script>', LAT: 53.38, LONG: -1.47 },
          },
        ],
      },
    }));
    const { status, stderr } = await area([
      ...SHEFFIELD_ARGS,
      '--postcodes',
      POSTCODE_SOURCE.service,
      '--postcode-district-field',
      POSTCODE_SOURCE.districtField,
    ]);
    expect(status).toBe(1);
    expect(stderr).toContain('ONSPD_Online_Latest_Centroids: row 1 of 1 for E08000039: PCDS "');
    expect(stderr).toContain('is not a postcode');
    expect(stderr).not.toContain('\u001b');
    expect(await readdir(root)).toEqual([]);
  });

  it('exits 1 on an ArcGIS error answer, its text and with PIPELINE_DEBUG the stack escaped', async () => {
    serveOns(server, onsWorld([SHEFFIELD]));
    const answer = 'Hyde \u001b[2K\r\u009b2J\n::warning::forged\n##[error]forged';
    server.route('GET', layerPath(SHEFFIELD.services.wardLookup), () => ({
      body: { error: { code: 400, message: answer } },
    }));
    for (const debug of ['', '1']) {
      const { status, stderr } = await area(SHEFFIELD_ARGS, { PIPELINE_DEBUG: debug });
      expect(status).toBe(1);
      expect(stderr.split('\n').filter((line) => /^\s*::|##\[/.test(line))).toEqual([]);
      // eslint-disable-next-line no-control-regex -- what must not be printed
      expect(stderr.match(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g)).toBeNull();
      expect(stderr.replaceAll('\u2060', '')).toContain(
        'answered an ArcGIS error 400: "Hyde \\x1b[2K\\x0d\\x9b2J\\n::warning::forged\\n##[error]forged"',
      );
      // The stack only with PIPELINE_DEBUG, naming where the answer was read.
      if (debug) expect(stderr).toMatch(/^ {4}at .*pipeline\/sources\/arcgis\.ts:\d+/m);
      else expect(stderr).not.toMatch(/^ {4}at /m);
    }
    expect(await readdir(root)).toEqual([]);
  });

  it('--help names every option, the environment variables and the exit codes', async () => {
    const { status, stdout } = await area(['--help']);
    expect(status).toBe(0);
    for (const word of [
      'Usage: npm run area -- add <LAD code> --force SLUG',
      '--slug SLUG',
      '--replace',
      '--ward-lookup SERVICE',
      '--districts SERVICE',
      '--postcodes SERVICE',
      '--postcode-district-field FIELD',
      'ONS_GEOGRAPHY_BASE_URL',
      'NOMIS_API_BASE_URL',
      'PIPELINE_DEBUG',
      'a fetch, a check or a write failed: nothing was written',
    ]) {
      expect(stdout).toContain(word);
    }
  });
});
