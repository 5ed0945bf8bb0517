// Step: ask postcodes.io about the snap points no LS postcode is near.
import { coordinateKey } from '../../src/shared/coordinates.ts';
import { loadGeoContext } from '../geo-context.ts';
import type { Locator } from '../geo.ts';
import { loadInputs } from '../inputs.ts';
import type { MonthPlan } from '../merge.ts';
import { readMonthPostcodeGaps } from '../month-cache.ts';
import { monthKeys } from '../month-keys.ts';
import { monthRows } from '../process-month.ts';
import { formatCount } from '../report.ts';
import { geoFiles, planBytes, type NetworkStep, type RunContext } from '../run-context.ts';
import { runPostcodesStep } from '../sources/postcodes-step.ts';

export const postcodesStep: NetworkStep = {
  name: 'postcodes',
  description:
    'ask postcodes.io about snap points no LS postcode is near (the WF and BD parts of Leeds)',
  network: true,
  run: runPostcodes,
};

/**
 * Find the snap points of every month to be processed (archive and API months) that no
 * postcode of the area's list is near, and ask postcodes.io about those it has not answered.
 * A month in the month cache under its current key (answers apart) keeps these points, so
 * only the months not cached are read here: a monthly run reads its new months, not every
 * month. Cached months count too: an offline run may have cached them with approximate
 * districts, and their answers decide whether they stay cached (month-cache.ts).
 * It reads the months the fetch step left and the reference alone; the answers it saves are
 * read by the local steps, whose geography is loaded after it.
 */
async function runPostcodes(ctx: RunContext): Promise<string> {
  if (ctx.area.config.postcodes === null) {
    // Without a postcode reference postcode districts are left out, not looked up piecemeal.
    return 'nothing asked: the area has no postcode reference, so postcode districts are left out';
  }
  const inputs = await loadInputs(ctx);
  try {
    // The notes (missing polling districts) are the local steps' to give.
    const geography = await loadGeoContext(geoFiles(ctx.paths, ctx.area), { note: () => {} });
    const keyOf = monthKeys(inputs, geography.fingerprint, ctx.district());
    const gaps = new Set<string>();
    const toRead: MonthPlan[] = [];
    for (const plan of inputs.choice.months) {
      const cached = await readMonthPostcodeGaps(ctx.paths.monthsCacheDir, plan.month, keyOf(plan));
      if (cached === null) toRead.push(plan);
      else for (const point of cached) gaps.add(point);
    }
    await addGapsOfMonths(ctx, toRead, geography.locator, gaps);
    ctx.reporter.info(
      `  ${inputs.choice.months.length - toRead.length} month(s) from the month cache, ` +
        `${toRead.length} read: ${formatCount(gaps.size)} snap point(s) no listed postcode is near`,
    );
    const points = [...gaps].map((key) => {
      const [lon = NaN, lat = NaN] = key.split(',').map(Number);
      return { lon, lat };
    });
    const { summary } = await runPostcodesStep(points, ctx.options.fetch ?? {}, {
      cacheFile: ctx.paths.sources.postcodesCache,
      log: (message) => ctx.reporter.info(`  ${message}`),
    });
    return summary;
  } finally {
    for (const archive of inputs.archives) archive.close();
  }
}

/** Add to `gaps` the snap points of `months`' rows that no listed postcode is near. */
async function addGapsOfMonths(
  ctx: RunContext,
  months: readonly MonthPlan[],
  locator: Locator,
  gaps: Set<string>,
): Promise<void> {
  if (months.length === 0) return;
  const progress = ctx.reporter.progress(
    `coordinates of ${months.length} month(s) not cached`,
    months.reduce((sum, plan) => sum + planBytes(plan), 0),
  );
  for (const plan of months) {
    // Unusable rows are dropped and counted by the months step; here they are only skipped.
    for await (const { result } of monthRows(plan, (n) => progress.advance(n))) {
      if (!result.ok) continue;
      const { longitude, latitude } = result.record;
      if (locator.locate(longitude, latitude)?.postcodeGap) {
        gaps.add(coordinateKey(longitude, latitude));
      }
    }
  }
  progress.done(`${formatCount(locator.cacheStats().size)} distinct coordinates`);
}
