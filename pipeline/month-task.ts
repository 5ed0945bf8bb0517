// One month processed into the month cache: its rows located and enriched, written with its
// summary under its cache key. The same code runs in the main thread and in the month
// workers (pipeline/month-worker.ts), so a month's cache files do not depend on where it ran.
import { createReadStream } from 'node:fs';
import { MASTER_COLUMNS } from '../src/shared/constants.ts';
import { readCsv } from './csv.ts';
import { addLsoaHint, enrich, type LsoaHints } from './enrich.ts';
import { coordinateKey } from '../src/shared/coordinates.ts';
import type { Locator } from './geo.ts';
import type { MonthPlan } from './merge.ts';
import { openMonthCacheWriter } from './month-cache.ts';
import type { OutcomeIndex } from './outcomes.ts';
import { processMonth, type MonthProvenanceInfo, type MonthResult } from './process-month.ts';

export interface MonthTaskDeps {
  locator: Locator;
  /** Latest outcomes from the outcomes files, when there are any. */
  outcomes?: OutcomeIndex | undefined;
  /** For API months: the LSOA police.uk gave each coordinate in the archive months. */
  hints?: LsoaHints | undefined;
  monthsCacheDir: string;
  /** Progress: bytes of input read. */
  onBytes?: ((n: number) => void) | undefined;
}

export interface MonthTaskResult extends MonthResult {
  /** The month's cached rows (MASTER_COLUMNS, with header). */
  csv: string;
  /**
   * Coordinate keys of kept rows whose postcode district is only approximate (no LS
   * postcode within POSTCODE_RADIUS_M and no postcodes.io answer).
   */
  approximate: string[];
}

/** Process `plan` and commit it to the month cache under `key`; on failure the cache keeps no half month. */
export async function processMonthIntoCache(
  plan: MonthPlan,
  provenance: MonthProvenanceInfo,
  key: string,
  deps: MonthTaskDeps,
): Promise<MonthTaskResult> {
  const { locator, hints } = deps;
  const source = plan.source;
  const approximate = new Set<string>();
  const writer = await openMonthCacheWriter(deps.monthsCacheDir, plan.month);
  try {
    const result = await processMonth(
      plan,
      provenance,
      {
        enrich: (record) => {
          const place = locator.locate(record.longitude, record.latitude);
          if (place === null) return null;
          if (place.postcodeApproximate) {
            approximate.add(coordinateKey(record.longitude, record.latitude));
          }
          return enrich(record, place, source, hints);
        },
        outcomes: deps.outcomes,
        onBytes: deps.onBytes,
      },
      writer.rows,
    );
    await writer.commit(result.summary, result.drops, key);
    return { ...result, csv: writer.rows.finalPath, approximate: [...approximate] };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** The LSOA police.uk gave each coordinate, from the archive months (ascending: newest wins). */
export async function lsoaHintsFromArchiveMonths(
  months: readonly { plan: { source: string; month: string }; csv: string }[],
): Promise<LsoaHints> {
  const hints: LsoaHints = new Map();
  const archiveMonths = months
    .filter((m) => m.plan.source === 'archive')
    .sort((a, b) => a.plan.month.localeCompare(b.plan.month));
  for (const month of archiveMonths) {
    for await (const { values } of readCsv(
      createReadStream(month.csv),
      month.csv,
      MASTER_COLUMNS,
    )) {
      addLsoaHint(hints, {
        longitude: Number(values['Longitude']),
        latitude: Number(values['Latitude']),
        lsoaCode: values['LSOA code'] ?? '',
        lsoaName: values['LSOA name'] ?? '',
      });
    }
  }
  return hints;
}
