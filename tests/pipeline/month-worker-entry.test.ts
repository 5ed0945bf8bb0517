// The month workers load their modules with Node's compile cache on, as the main thread does
// (cli-entry.mjs): a worker thread has the cache only once it turns it on itself.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/**
 * A hook (node --import, which every worker thread loads too) that writes, for each thread
 * that loads month-worker.ts, the thread's id and its compile cache folder (or "none") as it
 * loads the module.
 */
const RECORDER = `
  import { getCompileCacheDir, registerHooks } from 'node:module';
  import { appendFileSync } from 'node:fs';
  import { threadId } from 'node:worker_threads';
  registerHooks({
    resolve(specifier, context, next) {
      const resolved = next(specifier, context);
      if (resolved.url.endsWith('/pipeline/month-worker.ts')) {
        appendFileSync(process.env.WORKER_CACHE_FILE, threadId + ' ' + (getCompileCacheDir() ?? 'none') + '\\n');
      }
      return resolved;
    },
  });`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'month-worker-entry-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the month workers of a pipeline run', () => {
  it("load month-worker.ts with the compile cache on, in the main thread's folder", async () => {
    const report = path.join(dir, 'workers.txt');
    // Not NODE_COMPILE_CACHE, which turns the cache on in every thread: cli-entry.mjs turns it
    // on in the main thread only, in its default folder, under the temporary folder.
    const { NODE_COMPILE_CACHE: _, ...env } = process.env;
    const cache = path.join(dir, 'node-compile-cache');
    await run(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(RECORDER)}`,
        'pipeline/cli-entry.mjs',
        '--offline',
        '--quiet',
        '--out',
        path.join(dir, 'out'),
      ],
      { env: { ...env, TMPDIR: dir, WORKER_CACHE_FILE: report } },
    );
    const threads = (await readFile(report, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string]);
    // Worker threads only (the main thread, 0, never loads month-worker.ts), each once.
    expect(threads.length).toBeGreaterThan(0);
    expect(new Set(threads.map(([id]) => id)).size).toBe(threads.length);
    for (const [id, folder] of threads) {
      expect(id).not.toBe('0');
      expect(folder, `worker thread ${id}`).not.toBe('none');
      expect(folder.startsWith(`${cache}${path.sep}`), `${folder} in ${cache}`).toBe(true);
    }
  }, 120_000);
});
