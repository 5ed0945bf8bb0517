// Preloaded (node --import) into a measured child process: when it exits, write its own
// CPU time and peak memory to BENCH_USAGE_FILE. The process's own figures, every thread
// included, without wrappers such as npx being counted.
import { writeFileSync } from 'node:fs';

const target = process.env['BENCH_USAGE_FILE'];
if (target) {
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
