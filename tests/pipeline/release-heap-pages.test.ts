import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Heap figures (MiB) around releaseFreedHeapPages() in a fresh Node, after making garbage. */
async function aroundRelease(): Promise<{ before: number; after: number; gcExposed: string }> {
  const program = `
    import { getHeapStatistics } from 'node:v8';
    import { runInNewContext } from 'node:vm';
    import { releaseFreedHeapPages } from './pipeline/release-heap-pages.ts';
    let rows = [];
    for (let i = 0; i < 1e6; i++) rows.push({ i, text: 'row ' + i });
    rows = null;
    const before = getHeapStatistics().total_heap_size / 1048576;
    releaseFreedHeapPages();
    const after = getHeapStatistics().total_heap_size / 1048576;
    console.log(JSON.stringify({ before, after, gcExposed: runInNewContext('typeof gc') }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program]);
  return JSON.parse(stdout) as { before: number; after: number; gcExposed: string };
}

/**
 * Four worker threads calling releaseFreedHeapPages `rounds` times each, all at once, with one
 * shared lock or (`shared` false) each call with a lock of its own: the failed calls of each.
 */
async function concurrentReleases(shared: boolean, rounds: number): Promise<number[]> {
  // Evaluated as a module, as the program starting it is (--input-type=module).
  const worker = `
    import { parentPort, workerData } from 'node:worker_threads';
    const { releaseFreedHeapPages } = await import(workerData.url);
    let failed = 0;
    for (let i = 0; i < workerData.rounds; i++) {
      try {
        releaseFreedHeapPages(workerData.lock ?? undefined);
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
    const { before, after, gcExposed } = await aroundRelease();
    // A million dead rows (some 60 MiB) are gone from the heap at once.
    expect(after).toBeLessThan(before / 2);
    expect(gcExposed).toBe('undefined');
  }, 60_000);

  it('never fails in threads that call it at the same moment with one shared lock', async () => {
    expect(await concurrentReleases(true, 40)).toEqual([0, 0, 0, 0]);
  }, 60_000);

  it('fails in some of those calls without the shared lock (the flag is the process-wide one)', async () => {
    const failed = await concurrentReleases(false, 40);
    expect(failed).toHaveLength(4);
    expect(failed.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 60_000);
});
