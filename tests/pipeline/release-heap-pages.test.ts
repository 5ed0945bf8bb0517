import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createHeapReleaseLock, releaseFreedHeapPages } from '../../pipeline/release-heap-pages.ts';

const run = promisify(execFile);

/** Heap figures (MiB) around releaseFreedHeapPages() in a fresh Node, after making garbage. */
async function aroundRelease(): Promise<{
  released: boolean;
  before: number;
  after: number;
  gcExposed: string;
}> {
  const program = `
    import { getHeapStatistics } from 'node:v8';
    import { runInNewContext } from 'node:vm';
    import { createHeapReleaseLock, releaseFreedHeapPages } from './pipeline/release-heap-pages.ts';
    let rows = [];
    for (let i = 0; i < 1e6; i++) rows.push({ i, text: 'row ' + i });
    rows = null;
    const before = getHeapStatistics().total_heap_size / 1048576;
    const released = releaseFreedHeapPages(createHeapReleaseLock());
    const after = getHeapStatistics().total_heap_size / 1048576;
    console.log(JSON.stringify({ released, before, after, gcExposed: runInNewContext('typeof gc') }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program]);
  return JSON.parse(stdout) as {
    released: boolean;
    before: number;
    after: number;
    gcExposed: string;
  };
}

/**
 * Four worker threads calling releaseFreedHeapPages up to `rounds` times each, all at once,
 * with one shared lock or (`shared` false) each call with a lock of its own: the calls of each
 * that failed or released nothing. Without the shared lock a thread stops at its first failure.
 */
async function concurrentReleases(shared: boolean, rounds: number): Promise<number[]> {
  // Evaluated as a module, as the program starting it is (--input-type=module).
  const worker = `
    import { parentPort, workerData } from 'node:worker_threads';
    const { createHeapReleaseLock, releaseFreedHeapPages } = await import(workerData.url);
    let failed = 0;
    for (let i = 0; i < workerData.rounds && (workerData.lock !== null || failed === 0); i++) {
      try {
        if (!releaseFreedHeapPages(workerData.lock ?? createHeapReleaseLock())) failed += 1;
      } catch {
        failed += 1;
      }
    }
    parentPort.postMessage(failed);`;
  const program = `
    import { Worker } from 'node:worker_threads';
    import { pathToFileURL } from 'node:url';
    import { createHeapReleaseLock } from './pipeline/release-heap-pages.ts';
    const lock = ${shared} ? createHeapReleaseLock() : null;
    const url = pathToFileURL('pipeline/release-heap-pages.ts').href;
    const failed = await Promise.all(
      Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
        const w = new Worker(${JSON.stringify(worker)}, { eval: true, workerData: { url, lock, rounds: ${rounds} } });
        w.on('message', resolve);
        w.on('error', reject);
      })),
    );
    console.log(JSON.stringify(failed));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program]);
  return JSON.parse(stdout) as number[];
}

describe('releaseFreedHeapPages()', () => {
  it('collects the garbage and gives the freed heap back, leaving the collector unexposed', async () => {
    const { released, before, after, gcExposed } = await aroundRelease();
    expect(released).toBe(true);
    // A million dead rows (some 60 MiB) are gone from the heap at once.
    expect(after).toBeLessThan(before / 2);
    expect(gcExposed).toBe('undefined');
  }, 60_000);

  it('never fails in threads that call it at the same moment with one shared lock', async () => {
    expect(await concurrentReleases(true, 40)).toEqual([0, 0, 0, 0]);
  }, 60_000);

  it('fails in some of those calls without the shared lock (the flag is the process-wide one)', async () => {
    const failed = await concurrentReleases(false, 300);
    expect(failed).toHaveLength(4);
    expect(failed.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 60_000);

  it('gives up, releasing nothing, when the lock stays taken (a thread died holding it)', () => {
    const lock = createHeapReleaseLock();
    Atomics.store(lock, 0, 1);
    const started = Date.now();
    expect(releaseFreedHeapPages(lock, 200)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    // Still taken: giving up does not free another thread's lock.
    expect(Atomics.load(lock, 0)).toBe(1);
  });
});
