// Months processed in parallel, one month at a time per worker thread
// (pipeline/month-worker.ts). Months are independent: each worker locates with its own
// locator over the same geography (one per district in a run for several districts, whose
// months it processes together so that each street file is read once), writes each month's
// cache files itself and returns each district's summary, which the caller takes as it comes
// back (and folds into that district's own folds, month-folds.ts); the caller orders the
// results by month, so the outputs are byte-identical to a run in one thread. Memory stays
// bounded: a worker holds one month (its distinct Crime IDs and summary) and its locator;
// the outcome index, when the input has outcomes files, is the main thread's, in shared
// memory (outcome-index.ts).
import { Worker } from 'node:worker_threads';
import type { ApiMonthFile } from './api-months.ts';
import type { ArchiveInput } from './archive.ts';
import type { GeoFiles } from './geo-context.ts';
import type { SettledMonth } from './month-folds.ts';
import type { MonthParts } from './month-parts.ts';
import type { DistrictRule, MonthProvenanceInfo } from './process-month.ts';
import { DropTally, type DropTallyData } from './report.ts';
import { createHeapReleaseLock } from './release-heap-pages.ts';
import type { OutcomeTable } from './outcome-index.ts';

/** What every worker is given once. */
export interface WorkerSetup {
  /** The districts of the run, which a job's parts name by their index. */
  districts: DistrictSetup[];
  /** The run's inputs, reopened by the workers as they need them. */
  inputs: { path: string; type: ArchiveInput['type'] }[];
}

/** What a worker is started with: the run's setup and the lock its last collection takes. */
export interface WorkerData extends WorkerSetup {
  /** Shared by every month worker of the process (release-heap-pages.ts). */
  heapReleaseLock: Int32Array;
}

/** One for the process: workers of different runs or pools may stop at the same moment. */
const HEAP_RELEASE_LOCK = createHeapReleaseLock();

/** A district as the workers process its months. */
export interface DistrictSetup {
  geoFiles: GeoFiles;
  district: DistrictRule;
  /**
   * The main thread's geography, postcodes.io answers included (GeoContext.loadedFingerprint):
   * a worker that loads another one stops.
   */
  geoFingerprint: string;
  /** The latest outcomes from the outcomes files, built once by the main thread; null: none. */
  outcomes: OutcomeTable | null;
  monthsCacheDir: string;
}

/** An input file as the main thread planned with it. */
export interface EntryRef {
  input: string;
  where: string;
  fingerprint: string;
}

/**
 * One month to process, for one district or several: each part is a district's month, and
 * the street files the parts share are read once (processMonthIntoCache).
 */
export interface MonthJob {
  month: string;
  parts: MonthJobPart[];
}

/** A district's month: an archive month's street files, or an API month's snapshot. */
export type MonthJobPart = {
  /** Its index in WorkerSetup.districts. */
  district: number;
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

/** A part's result as a worker sends it. */
export interface PartResult {
  /** The month's summary in parts (month-parts.ts), its points' buffers handed over. */
  parts: MonthParts;
  drops: DropTallyData;
  csv: string;
  approximate: string[];
}

export type WorkerMessage =
  | { type: 'bytes'; n: number }
  | { type: 'read'; where: string }
  | { type: 'done'; month: string; parts: PartResult[] }
  | { type: 'failed'; month: string; name: string; message: string };

export interface PoolOptions<R> {
  threads: number;
  onBytes?: ((n: number) => void) | undefined;
  /** Told each time a worker opens an input file for reading. */
  onRead?: ((where: string) => void) | undefined;
  /**
   * Takes a job's results (one per part, in the job's order) as they come back; what it
   * returns is what the pool keeps and returns for the job (not the summaries: every
   * month's at once would grow with the months).
   */
  take: (job: MonthJob, results: WorkerResult[]) => R;
}

/** A part's month as a worker returns it. */
export interface WorkerResult extends SettledMonth {
  /** Coordinates of kept rows whose postcode district is only approximate. */
  approximate: string[];
}

/** month-worker.ts, by its entry, which turns the compile cache on first. */
const WORKER_URL = new URL('./month-worker-entry.mjs', import.meta.url);

/**
 * Heap limits of a worker, MiB. A month's rows are short-lived garbage, and with V8's
 * defaults (sized for a whole process) each worker let garbage pile up to a few hundred MiB
 * before collecting: two workers took a full-scale run (96 months) past 800 MiB. A worker
 * holds about 60 MiB that lives (geography, locator, one month's Crime IDs and summary).
 *
 * V8 lets the old generation grow between full collections by a factor that rises with its
 * limit, so the heap follows what lives, not the limit. Measured at full scale, four cold runs
 * of each limit in turn:
 * - 192 MiB: about 36 full collections per worker; CPU 21.9 s, wall 12.2 s (medians); peak
 *   285-298 MiB, and 297-309 MiB at 192 months;
 * - 768 MiB (taken): about 23; CPU 20.1 s, wall 11.3 s; peak 296-303 MiB, and 306-319 MiB
 *   at 192 months;
 * - 1024 MiB: peak 311-325 MiB; 2048 MiB: past 450 MiB.
 *
 * The young generation's size is also set for every thread by the pipeline script's
 * --max-semi-space-size (2 x 4 MiB, the same 8 MiB). The outcome index is shared memory
 * (outcome-index.ts), outside these limits.
 */
const WORKER_YOUNG_GENERATION_MB = 8;
const WORKER_OLD_GENERATION_MB = 768;

/**
 * Process `jobs` in up to `options.threads` workers; what `options.take` made of each job's
 * results comes back in the order of `jobs`. When a month fails, no further month is
 * started, the months in progress finish, and the first failure is thrown (with its message
 * as the worker saw it).
 */
export async function processMonthsInWorkers<R>(
  jobs: readonly MonthJob[],
  setup: WorkerSetup,
  options: PoolOptions<R>,
): Promise<R[]> {
  const queue = [...jobs];
  const results = new Map<MonthJob, R>();
  let failure: Error | undefined;

  const runWorker = () =>
    new Promise<void>((resolve) => {
      const worker = new Worker(WORKER_URL, {
        workerData: { ...setup, heapReleaseLock: HEAP_RELEASE_LOCK } satisfies WorkerData,
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
        if (message.type === 'read') {
          options.onRead?.(message.where);
          return;
        }
        if (message.type === 'done') {
          // A worker sends 'done' only for the job it was given, which is `current` until next().
          const job = current!;
          const parts = message.parts.map(({ parts, drops: tally, csv, approximate }) => {
            const drops = new DropTally();
            drops.merge(tally);
            return { parts, drops, csv, approximate };
          });
          try {
            results.set(job, options.take(job, parts));
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
    const result = results.get(job);
    if (result === undefined) throw new Error(`${job.month} was not processed`);
    return result;
  });
}
