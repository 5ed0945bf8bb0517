// One month of the site data as totals (by ward code, by crime type, by force and overall): what
// the gate's comparisons and sanity checks count.
import type { SiteData } from '../src/shared/schema.ts';

/** One month's counts as totals: by ward code, by crime type, by force, and overall. */
export interface MonthFigures {
  total: number;
  byWard: Map<string, number>;
  byType: Map<string, number>;
  /**
   * Kept rows by the force that reported them (whose file they came from); null for a month
   * from the police.uk API, whose crimes carry no force (all are given the territorial force's
   * name, British Transport Police's among them).
   */
  byForce: Map<string, number> | null;
}

export function figures(data: SiteData, month: string): MonthFigures | undefined {
  const m = data.months.indexOf(month);
  if (m < 0) return undefined;
  const byWard = new Map<string, number>();
  const byType = new Map<string, number>(data.crimeTypes.map((type) => [type, 0]));
  let total = 0;
  data.wards.forEach((ward, w) => {
    const counts = data.counts[w]?.[m] ?? [];
    let wardTotal = 0;
    counts.forEach((n, t) => {
      wardTotal += n;
      const type = data.crimeTypes[t] as string;
      byType.set(type, (byType.get(type) ?? 0) + n);
    });
    byWard.set(ward.code, wardTotal);
    total += wardTotal;
  });
  const provenance = data.provenance[m];
  let byForce: Map<string, number> | null = null;
  if (provenance?.source !== 'api') {
    byForce = new Map();
    for (const { reportedBy, count } of provenance?.forces ?? []) {
      byForce.set(reportedBy, (byForce.get(reportedBy) ?? 0) + count);
    }
  }
  return { total, byWard, byType, byForce };
}
