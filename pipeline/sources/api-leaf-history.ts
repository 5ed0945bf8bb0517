// What each piece of the split API query polygon held in earlier months, so a piece that
// answers nothing (or far less than usual) is noticed instead of published as a fall in crime:
// the piece's own answers in earlier API months, else the earlier months' crimes inside it.
// police.uk snaps every crime to a fixed set of points and the query polygons are cut the same
// way each month, so a piece's count moves slowly; an empty answer for a piece that held
// hundreds is a fault of the server, not a month without crime.
// Saved as <cache>/sources/api-leaf-history.json, keyed by the query area (a different outline
// cuts different pieces, and then nothing is compared).
import { createHash } from 'node:crypto';
import { bbox } from '@turf/bbox';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Feature, Polygon } from 'geojson';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { monthSchema } from '../../src/shared/schema.ts';
import { writeFileAtomic } from '../write.ts';

/** Months kept per piece: a year covers the seasons. */
export const LEAF_HISTORY_MONTHS = 12;
/** Earlier months a piece is compared with (the most recent ones). */
export const COMPARED_MONTHS = 3;
/**
 * An answer below this fraction of the smallest of the recent months is "short". Month to
 * month a piece of a few hundred crimes moves by a tenth or two; half of its quietest recent
 * month is far outside that.
 */
export const SHORT_FRACTION = 0.5;
/** Pieces that held fewer crimes than this are too small for a fraction to mean anything. */
export const MIN_COMPARED_COUNT = 20;

const historySchema = z.object({
  version: z.literal(1),
  area: z.string(),
  /** Piece label ("1", "1.3", "1.3.2") -> month -> crimes answered. */
  pieces: z.record(z.string(), z.record(monthSchema, z.number().int().nonnegative())),
});
export type LeafHistory = z.infer<typeof historySchema>;

/** A short fingerprint of the query area: the same area cuts the same pieces. */
export function areaKey(polys: readonly string[]): string {
  return createHash('sha256').update(polys.join('|')).digest('hex').slice(0, 16);
}

export function emptyHistory(area: string): LeafHistory {
  return { version: 1, area, pieces: {} };
}

/** The history for `area`; empty when there is none, it is unreadable, or it was for another area. */
export async function readLeafHistory(file: string, area: string): Promise<LeafHistory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return emptyHistory(area);
  }
  let parsed: ReturnType<typeof historySchema.safeParse>;
  try {
    parsed = historySchema.safeParse(JSON.parse(text));
  } catch {
    return emptyHistory(area);
  }
  return parsed.success && parsed.data.area === area ? parsed.data : emptyHistory(area);
}

export async function writeLeafHistory(file: string, history: LeafHistory): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(history, null, 2)}\n`);
}

export interface PriorCounts {
  /** The months compared, newest first, with their counts. */
  months: { month: string; count: number }[];
  /** The smallest of them: the answer is judged against the quietest recent month. */
  floor: number;
  /** Where the counts come from: the piece's own answers, or earlier months' crimes inside it. */
  from: 'history' | 'earlier-months';
}

/** What piece `label` held in the months before `month` (the most recent few); undefined when never seen. */
export function priorCounts(
  history: LeafHistory,
  label: string,
  month: string,
): PriorCounts | undefined {
  const byMonth = history.pieces[label];
  if (!byMonth) return undefined;
  const months = Object.entries(byMonth)
    .filter(([m]) => m < month)
    .sort(([a], [b]) => b.localeCompare(a))
    .slice(0, COMPARED_MONTHS)
    .map(([m, count]) => ({ month: m, count }));
  return months.length === 0 ? undefined : priorOf(months, 'history');
}

function priorOf(months: PriorCounts['months'], from: PriorCounts['from']): PriorCounts {
  return { months, floor: Math.min(...months.map((m) => m.count)), from };
}

/** The crimes of an earlier month, as points (longitude, latitude). */
export interface EarlierMonth {
  month: string;
  points: readonly (readonly [number, number])[];
}

/**
 * What a piece held in earlier months, counted from those months' crimes inside it: police.uk
 * snaps crimes to the same points every month, so a piece's count moves slowly. Used where the
 * piece has no history of its own (a first API month, or a piece cut differently).
 */
export function priorFromEarlierMonths(
  earlier: readonly EarlierMonth[],
  polygon: Feature<Polygon>,
): PriorCounts | undefined {
  if (earlier.length === 0) return undefined;
  const [west, south, east, north] = bbox(polygon);
  const months = [...earlier]
    .sort((a, b) => b.month.localeCompare(a.month))
    .slice(0, COMPARED_MONTHS)
    .map(({ month, points }) => {
      let count = 0;
      for (const point of points) {
        const [lon, lat] = point;
        if (lon < west || lon > east || lat < south || lat > north) continue;
        if (booleanPointInPolygon(point as [number, number], polygon)) count += 1;
      }
      return { month, count };
    });
  return priorOf(months, 'earlier-months');
}

export type LeafVerdict = 'ok' | 'empty' | 'short';

/**
 * An answer of `count` crimes for a piece that held `prior` before. Empty is always worth
 * asking again (it costs one request); it is a fault only when the piece held crimes.
 */
export function judgeLeaf(count: number, prior: PriorCounts | undefined): LeafVerdict {
  if (count === 0) return 'empty';
  if (prior && prior.floor >= MIN_COMPARED_COUNT && count < prior.floor * SHORT_FRACTION) {
    return 'short';
  }
  return 'ok';
}

/** A verdict that must stop the month (after the piece was asked again). */
export function isLoss(verdict: LeafVerdict, prior: PriorCounts | undefined): boolean {
  if (verdict === 'short') return true;
  return verdict === 'empty' && prior !== undefined && prior.months.some((m) => m.count > 0);
}

export function describePrior(prior: PriorCounts): string {
  return prior.months.map((m) => `${m.count} in ${m.month}`).join(', ');
}

/** The history with `month`'s counts added, each piece keeping its newest LEAF_HISTORY_MONTHS. */
export function recordMonth(
  history: LeafHistory,
  month: string,
  counts: ReadonlyMap<string, number>,
): LeafHistory {
  const pieces: LeafHistory['pieces'] = {};
  const labels = new Set([...Object.keys(history.pieces), ...counts.keys()]);
  for (const label of [...labels].sort()) {
    const byMonth = { ...history.pieces[label] };
    const count = counts.get(label);
    if (count !== undefined) byMonth[month] = count;
    const kept = Object.keys(byMonth).sort().slice(-LEAF_HISTORY_MONTHS);
    pieces[label] = Object.fromEntries(kept.map((m) => [m, byMonth[m] as number]));
  }
  return { version: 1, area: history.area, pieces };
}
