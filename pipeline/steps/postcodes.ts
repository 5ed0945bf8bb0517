// Step: ask postcodes.io about the snap points no LS postcode is near.
import { createLocator } from '../geo.ts';
import { monthRows } from '../process-month.ts';
import { formatCount } from '../report.ts';
import { planBytes, type RunContext, type Step } from '../run-context.ts';
import { runPostcodesStep } from '../sources/postcodes-step.ts';

export const postcodesStep: Step = {
  name: 'postcodes',
  description:
    'ask postcodes.io about snap points no LS postcode is near (the WF and BD parts of Leeds)',
  network: true,
  run: runPostcodes,
};

/**
 * Locate the coordinates of every month to be processed (archive and API months) with the
 * LS postcode list alone, and ask postcodes.io about those it cannot place. Months already
 * cached are read too: an offline run may have cached them with approximate districts.
 */
async function runPostcodes(ctx: RunContext): Promise<string> {
  if (ctx.area.config.postcodes === null) {
    // Without a postcode reference postcode districts are left out, not looked up piecemeal.
    return 'nothing asked: the area has no postcode reference, so postcode districts are left out';
  }
  ctx.beforeSaving('geography', 'postcodes');
  const { choice } = await ctx.inputs();
  const locator = createLocator(await ctx.reference());
  const progress = ctx.reporter.progress(
    `coordinates of ${choice.months.length} month(s)`,
    choice.months.reduce((sum, plan) => sum + planBytes(plan), 0),
  );
  for (const plan of choice.months) {
    // Unusable rows are dropped and counted by the months step; here they are only skipped.
    for await (const { result } of monthRows(plan, (n) => progress.advance(n))) {
      if (result.ok) locator.locate(result.record.longitude, result.record.latitude);
    }
  }
  progress.done(`${formatCount(locator.cacheStats().size)} distinct coordinates`);
  const { summary } = await runPostcodesStep(locator.postcodeGaps(), ctx.options.fetch ?? {}, {
    cacheFile: ctx.paths.sources.postcodesCache,
    log: (message) => ctx.reporter.info(`  ${message}`),
  });
  return summary;
}
