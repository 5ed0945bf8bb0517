// The months of a run, folded in one at a time as they are settled (read from the month cache
// or returned by a month worker) into what the site data and the map data need from all of
// them. A month's summary is some 1.3 MiB at full scale, nearly all of it snap points and
// streets: held for every month until the last steps, they made the run's memory grow by
// about that much a month. Folded, what is kept grows with the snap points and wards; of each
// month the run keeps only its totals (MonthTotals, a few kB).
import { centreTest, type CentreDefinition } from '../src/shared/area.ts';
import { MapDataEncoder, type MapDataEncoderState } from '../src/shared/map-data-encoder.ts';
import { SiteDataFold, type SiteDataFoldState } from './aggregate.ts';
import type { MonthPlan } from './merge.ts';
import type { CachedMonth } from './month-cache.ts';
import { monthParts, type MonthParts } from './month-parts.ts';
import type { DropTally } from './report.ts';
import type { MonthOutcome } from './run-context.ts';

/** A month as it is settled: its parts (month-parts.ts), its rows file and its drop tally. */
export interface SettledMonth {
  parts: MonthParts;
  drops: DropTally;
  csv: string;
}

/** A month read from the cache (or recounted), as it is settled. */
export function settledMonth(month: CachedMonth): SettledMonth {
  return { parts: monthParts(month.summary), drops: month.drops, csv: month.csv };
}

/** What the folds hold, in plain values and typed arrays (see month-fold-checkpoint.ts). */
export interface MonthFoldsState {
  siteData: SiteDataFoldState;
  mapData: MapDataEncoderState;
}

export class MonthFolds {
  readonly siteData: SiteDataFold;
  readonly mapData: MapDataEncoder;

  /**
   * `centre`: the district's centre, which the map flags its points in; `inPolygon` places
   * points in a centre drawn as a polygon (pipeline/centre.ts inCentrePolygon). `state`: where
   * to start from, what save() returned of folds with the same centre.
   */
  constructor(
    centre: CentreDefinition,
    inPolygon?: (lon: number, lat: number) => boolean,
    state?: MonthFoldsState,
  ) {
    this.siteData = new SiteDataFold(state?.siteData);
    this.mapData = new MapDataEncoder(centreTest(centre, inPolygon), state?.mapData);
  }

  /** What the folds hold now; new folds given it carry on from here. */
  save(): MonthFoldsState {
    return { siteData: this.siteData.save(), mapData: this.mapData.save() };
  }

  /** Fold in a settled month; returns its outcome as the run keeps it (its totals, not its summary). */
  add(month: SettledMonth, plan: MonthPlan, cached: boolean): MonthOutcome {
    const { totals, points } = month.parts;
    this.mapData.add({ month: totals.month, points });
    this.siteData.add(month.parts);
    return { summary: totals, drops: month.drops, csv: month.csv, plan, cached };
  }

  /** Fold in a month's new parts in place of its old ones (it lost rows); returns its outcome. */
  replace(outcome: MonthOutcome, month: SettledMonth): MonthOutcome {
    const { totals, points } = month.parts;
    this.mapData.replace({ month: totals.month, points });
    this.siteData.replace(month.parts);
    return { ...outcome, summary: totals, drops: month.drops, csv: month.csv };
  }
}
