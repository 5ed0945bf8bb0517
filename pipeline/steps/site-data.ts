// Step: the site's aggregated data (site-data.json), with the area configuration it was built
// from, which the build checks against area.json.
import { areaBuildInputs } from '../../src/shared/area.ts';
import type { MonthTotals } from '../month-parts.ts';
import type { LocalRun } from '../local-run.ts';
import type { Step } from '../run-context.ts';

export const siteDataStep: Step = {
  name: 'site-data',
  description: "the site's aggregated data (site-data.json)",
  run: runSiteData,
};

async function runSiteData(ctx: LocalRun): Promise<string> {
  const months = (await ctx.months()).map((m) => m.summary);
  const folds = await ctx.folded();
  const wards = await ctx.wards();
  const generatedAt = ctx.options.generatedAt ?? newestFetchedAt(months);
  const siteData = {
    ...folds.siteData.result(wards, generatedAt),
    builtFrom: areaBuildInputs(ctx.area.config),
  };
  await ctx.staging.writeFile(ctx.paths.siteData, `${JSON.stringify(siteData)}\n`);
  return `${siteData.months.length} month(s), ${siteData.wards.length} wards, generatedAt ${generatedAt}`;
}

/**
 * The default generatedAt: the newest fetchedAt among the months, so the same inputs always
 * give the same site data and a monthly run that changes nothing commits nothing.
 */
function newestFetchedAt(summaries: readonly MonthTotals[]): string {
  return summaries.reduce((newest, s) => (s.fetchedAt > newest ? s.fetchedAt : newest), '');
}
