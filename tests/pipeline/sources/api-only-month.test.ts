// The pipeline online when the newest month is only in police.uk's API: it builds on its own
// (no archive month beside it), and a month whose API answer lost a piece of Leeds fails
// loudly and leaves the previous outputs as they were. Against a replay of police.uk on
// 127.0.0.1 serving the real sample rows of 2025-03 as crimes-street JSON.
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import * as turf from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { runPipeline, StepError, type CliOptions } from '../../../pipeline/cli.ts';
import { createMemoryReporter } from '../../../pipeline/report.ts';
import { siteDataSchema } from '../../../src/shared/schema.ts';
import { buildArchive, pointOf, sampleRows, toApiCrime } from '../../support/police-fixtures.ts';
import { ReplayServer, type RecordedRequest } from '../../support/replay-server.ts';
import {
  cachePollingDistricts,
  replayPerTest,
  replaySources,
  servePostcodesWithNoAnswer,
} from '../../support/replay-sources.ts';

const FAST_HTTP = { minBackoffMs: 1, maxBackoffMs: 5, retries: 2, timeoutMs: 5000 };
/** The newest archive; every later month is only in the API. */
const ARCHIVE_MONTH = '2025-01';
const CRIMES = sampleRows('2025-03').map((row, i) => toApiCrime(row, 70_000_000 + i));

let server: ReplayServer;
let dir: string;
/** Whether the piece holding the first crime answers nothing (a persistent fault). */
let emptyPiece: boolean;

async function servePoliceUk(apiMonths: readonly string[]): Promise<void> {
  const redirect = { status: 302, headers: { location: `/data/archive/${ARCHIVE_MONTH}.zip` } };
  server.route('HEAD', '/data/archive/latest.zip', [redirect]);
  server.file(`/data/archive/${ARCHIVE_MONTH}.zip`, await buildArchive(ARCHIVE_MONTH));
  server.route('GET', '/api/crimes-street-dates', [
    { body: [...apiMonths].reverse().map((date) => ({ date })) },
  ]);
  const fault = pointOf(CRIMES[0] as Record<string, unknown>);
  const crimesStreet = (request: RecordedRequest) => {
    const params = request.method === 'POST' ? new URLSearchParams(request.body) : request.query;
    const date = params.get('date') ?? '';
    if (!apiMonths.includes(date)) return { status: 404, body: '' };
    const ring = (params.get('poly') ?? '').split(':').map((pair) => {
      const [lat, lng] = pair.split(',').map(Number) as [number, number];
      return [lng, lat];
    });
    const polygon = turf.polygon([[...ring, ring[0] as number[]]]);
    const inside = CRIMES.filter((c) => turf.booleanPointInPolygon(pointOf(c), polygon));
    if (inside.length > 3000) return { status: 503, body: '' };
    if (emptyPiece && turf.booleanPointInPolygon(fault, polygon)) return { body: [] };
    return { body: inside.map((crime) => ({ ...crime, month: date })) };
  };
  server.route('GET', '/api/crimes-street/all-crime', crimesStreet);
  server.route('POST', '/api/crimes-street/all-crime', crimesStreet);
  servePostcodesWithNoAnswer(server);
}

function options(out: string, selection: CliOptions['fetch']): CliOptions {
  return {
    help: false,
    list: false,
    offline: false,
    archiveDir: path.join(dir, 'fetched-only'),
    out,
    fetch: {
      ...selection,
      overrides: replaySources(server),
      http: FAST_HTTP,
    },
  };
}

/** Every output file under `out` (its sub-folders too, the cache aside), by relative path. */
async function snapshot(out: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const entries = await readdir(out, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const relative = path.relative(out, file);
    if (relative.split(path.sep)[0] === 'cache') continue;
    files[relative] = (await readFile(file)).toString('base64');
  }
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
}

replayPerTest('api-only-month-', async (s, d) => {
  server = s;
  dir = d;
  emptyPiece = false;
  await mkdir(path.join(dir, 'fetched-only'));
});

describe('runPipeline --latest when the newest month is only in the API', () => {
  it('builds that month on its own, with every crime the API holds in Leeds', async () => {
    await servePoliceUk(['2025-02', '2025-03']);
    const out = path.join(dir, 'out');
    await cachePollingDistricts(out);
    const record = await runPipeline(options(out, { selection: { latest: true } }), {
      reporter: createMemoryReporter(),
      threads: 1,
    });
    expect(record.months?.map((m) => [m.plan.month, m.plan.source])).toEqual([['2025-03', 'api']]);
    const siteData = siteDataSchema.parse(
      JSON.parse(await readFile(path.join(out, 'site-data.json'), 'utf8')),
    );
    expect(siteData.months).toEqual(['2025-03']);
    const summary = record.months?.[0]?.summary;
    const saved = JSON.parse(
      await readFile(path.join(out, 'cache', 'api', '2025-03.json'), 'utf8'),
    ) as unknown[];
    // Every crime the query polygon holds was read, and every read row is kept or counted.
    expect(summary?.read).toBe(saved.length);
    expect(saved.length).toBeGreaterThan(CRIMES.length * 0.99);
    const dropped = Object.values(summary?.dropped ?? {}).reduce((a, b) => a + b, 0);
    expect((summary?.kept ?? 0) + dropped).toBe(summary?.read);
    expect(siteData.provenance[0]?.rows).toBe(summary?.kept);
  });

  it('fails naming the month and the piece when a piece that held crimes answers nothing, and changes no output', async () => {
    await servePoliceUk(['2025-02', '2025-03']);
    const out = path.join(dir, 'out');
    await cachePollingDistricts(out);
    const reporter = createMemoryReporter();
    await runPipeline(options(out, { selection: { month: '2025-02' } }), {
      reporter,
      threads: 1,
    });
    const before = await snapshot(out);
    const history = await readFile(path.join(out, 'cache', 'sources', 'api-leaf-history.json'));

    emptyPiece = true;
    const error = await runPipeline(options(out, { selection: { latest: true } }), {
      reporter,
      threads: 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as Error).message).toMatch(
      /^step 1 \(fetch\) failed: police\.uk API month 2025-03 could not be fetched: piece [\d.]+ answered 0 crimes after 3 attempts, where the same area held \d+ in 2025-02/,
    );
    expect(await snapshot(out)).toEqual(before);
    await expect(readdir(path.join(out, 'cache', 'api'))).resolves.toEqual(['2025-02.json']);
    expect(await readFile(path.join(out, 'cache', 'sources', 'api-leaf-history.json'))).toEqual(
      history,
    );
  });
});
