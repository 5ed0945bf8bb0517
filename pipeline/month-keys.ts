// Each month's cache key (month-cache.ts monthCacheKey) from a run's inputs, worked out the
// same way by the postcodes step, which takes the snap points of the months already cached
// from the cache by it, and by the local steps (local-run.ts).
import type { Inputs } from './inputs.ts';
import type { MonthPlan } from './merge.ts';
import { monthCacheKey } from './month-cache.ts';
import type { DistrictKey } from './process-month.ts';

/**
 * The cache key of each month of `inputs`, each worked out once: its input files, the
 * geography (`geography`, GeoContext.fingerprint), the district and the code. Not the
 * outcomes files: whether a cached month holds with them is told apart (month-outcomes.ts).
 */
export function monthKeys(
  inputs: Pick<Inputs, 'choice'>,
  geography: string,
  district: DistrictKey,
): (plan: MonthPlan) => string {
  const keys = new Map<MonthPlan, string>();
  const keyOf = (plan: MonthPlan): string => {
    let key = keys.get(plan);
    if (key === undefined) {
      key = compute(plan);
      keys.set(plan, key);
    }
    return key;
  };
  const compute = (plan: MonthPlan): string => {
    const sources =
      plan.source === 'archive'
        ? plan.entries.map((e) => `${e.force}:${e.fingerprint}`)
        : [plan.file.fingerprint];
    if (plan.source === 'api') {
      // API months take LSOA codes from the archive months (see enrich.ts).
      for (const other of inputs.choice.months) {
        if (other.source === 'archive') sources.push(keyOf(other));
      }
    }
    return monthCacheKey({
      month: plan.month,
      source: plan.source,
      inputs: sources,
      geography,
      district,
    });
  };
  return keyOf;
}
