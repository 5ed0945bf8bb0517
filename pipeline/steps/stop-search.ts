// Step: the stop-and-search rows located in the district (<area>_stop_and_search.csv).
import { formatDropCounts } from '../report.ts';
import { formatCount } from '../../src/shared/format-count.ts';
import type { LocalRun } from '../local-run.ts';
import { filesToRead } from '../read-once.ts';
import type { Step } from '../run-context.ts';
import type { AtomicWriteStream } from '../write.ts';
import { writeStopSearchOnce, type StopSearchWriter } from '../stop-search.ts';

export const stopSearchStep: Step = {
  name: 'stop-search',
  description: 'stop-and-search rows located in the district, with their ward',
  run: async (run) => (await runStopSearch([run]))[0]!,
  runTogether: runStopSearch,
};

/** The stop and search of one district, or of several at once (each file read once). */
async function runStopSearch(runs: readonly LocalRun[]): Promise<string[]> {
  const writers: StopSearchWriter[] = [];
  const outs: AtomicWriteStream[] = [];
  for (const run of runs) {
    const out = await run.staging.createWriteStream(run.paths.stopSearchCsv);
    outs.push(out);
    const { stopSearch } = run.inputs;
    if (stopSearch.length === 0) run.note('the input has no stop-and-search files');
    writers.push({
      entries: stopSearch,
      locator: run.geography.locator,
      out,
      district: run.area.config.localAuthority.name,
    });
  }
  const files = filesToRead(runs.map((run) => run.inputs.stopSearch));
  const progress = runs[0]!.reporter.progress(
    `stop and search (${files.count} file(s))`,
    files.bytes,
  );
  const results = await writeStopSearchOnce(writers, { onBytes: (n) => progress.advance(n) });
  for (const out of outs) await out.close();
  progress.done();
  return runs.map((run, i) => {
    const result = results[i]!;
    const name = run.area.config.localAuthority.name;
    run.record.stopSearch = result;
    return (
      `read ${formatCount(result.read)}, kept ${formatCount(result.kept)} in ${name}, ` +
      `dropped ${formatDropCounts(result.dropped.counts)}`
    );
  });
}
