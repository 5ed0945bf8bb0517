// The benchmark's measured child: its own CPU time and peak memory, every thread included,
// with nothing added to what the measured program loads.
import { describe, expect, it } from 'vitest';
import { runMeasured } from '../../bench/child.ts';

const THREADS = 'tests/fixtures/bench/threads.mjs';

describe('runMeasured(script, args, nodeOptions)', () => {
  it("loads nothing into the child's threads that the program does not load itself", async () => {
    const run = await runMeasured(THREADS, []);
    // A preload in TypeScript loaded Node's type stripper into the main thread and, as worker
    // threads inherit --import, into each worker: some 15 MiB and 0.5-1 s of CPU the pipeline
    // as npm runs it never spends.
    expect(JSON.parse(run.stdout)).toEqual({ main: false, worker: false });
  });

  it("reports the CPU time of the child's worker threads and its peak memory", async () => {
    const run = await runMeasured(THREADS, [], ['--max-semi-space-size=4']);
    // The worker spins for 200 ms; the process's figures include it.
    expect(run.cpuMs).toBeGreaterThanOrEqual(200);
    expect(run.wallMs).toBeGreaterThanOrEqual(200);
    expect(run.maxRssMiB).toBeGreaterThan(10);
  });
});
