// Step: the stop-and-search rows located in the district (<area>_stop_and_search.csv).
import { formatCount, formatDropCounts } from '../report.ts';
import type { LocalRun } from '../local-run.ts';
import type { Step } from '../run-context.ts';
import { writeStopSearch } from '../stop-search.ts';

export const stopSearchStep: Step = {
  name: 'stop-search',
  description: 'stop-and-search rows located in the district, with their ward',
  run: runStopSearch,
};

async function runStopSearch(ctx: LocalRun): Promise<string> {
  const { stopSearch } = ctx.inputs;
  const { locator } = ctx.geography;
  const out = await ctx.staging.createWriteStream(ctx.paths.stopSearchCsv);
  if (stopSearch.length === 0) ctx.note('the input has no stop-and-search files');
  const progress = ctx.reporter.progress(
    `stop and search (${stopSearch.length} file(s))`,
    stopSearch.reduce((sum, e) => sum + e.size, 0),
  );
  const result = await writeStopSearch(stopSearch, locator, out, {
    district: ctx.area.config.localAuthority.name,
    onBytes: (n) => progress.advance(n),
  });
  await out.close();
  progress.done();
  ctx.record.stopSearch = result;
  return (
    `read ${formatCount(result.read)}, kept ${formatCount(result.kept)} in ${ctx.area.config.localAuthority.name}, ` +
    `dropped ${formatDropCounts(result.dropped.counts)}`
  );
}
