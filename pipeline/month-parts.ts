// A month's summary in the parts it is folded in as (month-folds.ts): its totals, which the
// run keeps; its snap points in columns, for the map; its streets, for the top streets of the
// latest 12 months. Made where the summary is: in the month worker that made it (the points'
// buffers are then handed over, not copied, and the streets left out when the month cannot be
// among the latest 12), or in the main thread for a cached or recounted month.
//
// A month worker imports this module, so it is part of the month cache's key (see
// month-cache.ts): it imports only what packing needs.
import { packPoints, type MapPoints } from '../src/shared/map-points.ts';
import type { MonthSummary } from '../src/shared/schema.ts';

/**
 * A month's summary without its snap points and streets: what a run keeps of every month (a
 * few kB, where the summary is some 1.3 MiB at full scale).
 */
export type MonthTotals = Omit<MonthSummary, 'points' | 'wardStreet'>;

export type WardStreets = MonthSummary['wardStreet'];

export interface MonthParts {
  totals: MonthTotals;
  points: MapPoints;
  /** null: left out, the month being too old to be among the latest 12 of the run. */
  streets: WardStreets | null;
}

/** `summary` in parts; `withStreets` false leaves its streets out. */
export function monthParts(summary: MonthSummary, withStreets = true): MonthParts {
  const { points, wardStreet, ...totals } = summary;
  return {
    totals,
    points: packPoints(summary.month, points),
    streets: withStreets ? wardStreet : null,
  };
}
