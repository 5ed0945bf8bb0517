// Step: ask postcodes.io about the snap points no LS postcode is near.
import { createLocator, loadGeography, type Locator } from '../geo.ts';
import type { MonthPlan } from '../merge.ts';
import { loadInputs } from '../inputs.ts';
import { monthRows } from '../process-month.ts';
import { formatCount } from '../report.ts';
import { planBytes, referenceFiles, type NetworkStep, type RunContext } from '../run-context.ts';
import { runPostcodesStep } from '../sources/postcodes-step.ts';

export const postcodesStep: NetworkStep = {
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
 * It reads the months the fetch step left and the reference alone; the answers it saves are
 * read by the local steps, whose geography is loaded after it.
 */
async function runPostcodes(ctx: RunContext): Promise<string> {
  if (ctx.area.config.postcodes === null) {
    // Without a postcode reference postcode districts are left out, not looked up piecemeal.
    return 'nothing asked: the area has no postcode reference, so postcode districts are left out';
  }
  const { choice, archives } = await loadInputs(ctx);
  try {
    return await askAboutGaps(
      ctx,
      choice.months,
      createLocator(await loadGeography(referenceFiles(ctx.area))),
    );
  } finally {
    for (const archive of archives) archive.close();
  }
}

async function askAboutGaps(
  ctx: RunContext,
  months: readonly MonthPlan[],
  locator: Locator,
): Promise<string> {
  const progress = ctx.reporter.progress(
    `coordinates of ${months.length} month(s)`,
    months.reduce((sum, plan) => sum + planBytes(plan), 0),
  );
  for (const plan of months) {
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
