// Preloaded (node --import) into a measured child process: when it exits, write its own
// CPU time and peak memory to BENCH_USAGE_FILE. The process's own figures, every thread
// included, without wrappers such as npx being counted.
//
// Plain JavaScript, and inert outside the main thread: worker threads inherit the process's
// --import, and a preload in TypeScript loaded Node's type stripper into the main thread
// before the pipeline's compile cache was on (cli-entry.mjs) and into each month worker,
// which the pipeline as run by npm never does. That added some 15 MiB to the peak memory
// and 0.5-1 s to the CPU time the benchmark reported for the pipeline.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const target = process.env.BENCH_USAGE_FILE;
if (target && isMainThread) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({
        userMicros: usage.userCPUTime,
        systemMicros: usage.systemCPUTime,
        maxRssKiB: usage.maxRSS,
      }),
    );
  });
}
