// Months processed in parallel, one month at a time per worker thread
// (pipeline/month-worker.ts). Months are independent: each worker locates with its own
// locator over the same geography, writes each month's cache files itself and returns the
// summary, which the caller takes as it comes back (and folds in, month-folds.ts); the
// caller orders the results by month, so the outputs are byte-identical to a run in one
// thread. Memory stays bounded: a worker holds one month (its distinct Crime
// IDs and summary), its locator and, when the input has outcomes files, its own outcome
// index (each worker reads the outcomes files itself; sharing one index between threads
// would need it in shared memory).
import { Worker } from 'node:worker_threads';
import type { ApiMonthFile } from './api-months.ts';
import type { ArchiveInput } from './archive.ts';
import type { GeoFiles } from './geo-context.ts';
import type { SettledMonth } from './month-folds.ts';
import type { MonthParts } from './month-parts.ts';
import type { DistrictRule, MonthProvenanceInfo } from './process-month.ts';
import { DropTally } from './report.ts';
import type { SharedOutcomeTable } from './shared-outcomes.ts';

/** What every worker is given once. */
export interface WorkerSetup {
  geoFiles: GeoFiles;
  district: DistrictRule;
  /** The main thread's geography fingerprint: a worker that loads another one stops. */
  geoFingerprint: string;
  /** The run's inputs, reopened by the workers as they need them. */
  inputs: { path: string; type: ArchiveInput['type'] }[];
  /** The latest outcomes from the outcomes files, built once by the main thread; null: none. */
  outcomes: SharedOutcomeTable | null;
  monthsCacheDir: string;
}

/** An input file as the main thread planned with it. */
export interface EntryRef {
  input: string;
  where: string;
  fingerprint: string;
}

/** One month to process: an archive month's street files, or an API month's snapshot. */
export type MonthJob = {
  month: string;
  snapshot: string;
  provenance: MonthProvenanceInfo;
  key: string;
  /** Whether its streets come back: false when it cannot be among the run's latest 12 months. */
  streets: boolean;
} & (
  | { source: 'archive'; /** Its street files, in the plan's order. */ entries: EntryRef[] }
  | {
      source: 'api';
      file: ApiMonthFile;
      /** The force name its rows are given (the API's crimes carry none; merge.ts). */
      reportedBy: string;
      /** The archive months' cached rows its LSOA codes come from, ascending (enrich.ts). */
      hintsFrom: string[];
    }
);

export type WorkerMessage =
  | { type: 'bytes'; n: number }
  | {
      type: 'done';
      month: string;
      /** The month's summary in parts (month-parts.ts), its points' buffers handed over. */
      parts: MonthParts;
      drops: Pick<DropTally, 'counts' | 'examples' | 'outside'>;
      csv: string;
      approximate: string[];
    }
  | { type: 'failed'; month: string; name: string; message: string };

export interface PoolOptions<R> {
  threads: number;
  onBytes?: ((n: number) => void) | undefined;
  /**
   * Takes a month's result as it comes back; what it returns is what the pool keeps and
   * returns for the month (not the summary: every month's at once would grow with the months).
   */
  take: (month: string, result: WorkerResult) => R;
}

/** A month as a worker returns it. */
export interface WorkerResult extends SettledMonth {
  /** Coordinates of kept rows whose postcode district is only approximate. */
  approximate: string[];
}

const WORKER_URL = new URL('./month-worker.ts', import.meta.url);

/**
 * Heap limits of a worker, MiB. A month's rows are short-lived garbage, and with V8's
 * defaults (sized for a whole process) each worker let garbage pile up to a few hundred MiB
 * before collecting: two workers took a full-scale run (96 months) past 800 MiB. A worker
 * holds about 60 MiB that lives (geography, locator, one month's Crime IDs and summary), so
 * these limits keep the run under 600 MiB without slowing it. The outcome index is shared
 * memory (shared-outcomes.ts), outside these limits.
 */
const WORKER_YOUNG_GENERATION_MB = 8;
const WORKER_OLD_GENERATION_MB = 192;

/**
 * Process `jobs` in up to `options.threads` workers; the results come back in the order of
 * `jobs`. When a month fails, no further month is started, the months in progress finish,
 * and the first failure is thrown (with its message as the worker saw it).
 */
export async function processMonthsInWorkers<R>(
  jobs: readonly MonthJob[],
  setup: WorkerSetup,
  options: PoolOptions<R>,
): Promise<R[]> {
  const queue = [...jobs];
  const results = new Map<string, R>();
  let failure: Error | undefined;

  const runWorker = () =>
    new Promise<void>((resolve) => {
      const worker = new Worker(WORKER_URL, {
        workerData: setup,
        resourceLimits: {
          maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
          maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB,
        },
      });
      let current: MonthJob | undefined;
      const next = () => {
        current = failure === undefined ? queue.shift() : undefined;
        worker.postMessage(current ?? 'stop');
      };
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'bytes') {
          options.onBytes?.(message.n);
          return;
        }
        if (message.type === 'done') {
          const drops = new DropTally();
          drops.merge(message.drops);
          const { parts, csv, approximate } = message;
          try {
            results.set(
              message.month,
              options.take(message.month, { parts, drops, csv, approximate }),
            );
          } catch (error) {
            failure ??= error instanceof Error ? error : new Error(String(error));
          }
        } else {
          failure ??= Object.assign(new Error(message.message), { name: message.name });
        }
        next();
      });
      worker.once('error', (error) => {
        failure ??= error;
      });
      worker.once('exit', (code) => {
        if (current !== undefined) {
          failure ??= new Error(
            `the worker processing ${current.month} stopped unexpectedly (exit code ${code})`,
          );
        }
        resolve();
      });
      next();
    });

  await Promise.all(Array.from({ length: Math.min(options.threads, jobs.length) }, runWorker));
  if (failure) throw failure;
  return jobs.map((job) => {
    const result = results.get(job.month);
    if (result === undefined) throw new Error(`${job.month} was not processed`);
    return result;
  });
}
