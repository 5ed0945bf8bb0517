// A month worker (worker_threads): processes the months the main thread sends it,
// one at a time, into the month cache (pipeline/process-month.ts), with its own locator (one
// per district) and its own handles on the input files. See pipeline/month-pool.ts for the other side.
import { parentPort, workerData } from 'node:worker_threads';
import type { ArchiveEntry, ArchiveInput } from './archive.ts';
import { reopenArchiveInput } from './archive.ts';
import { countOpens } from './force-file-reads.ts';
import { loadGeoContext, type GeoContext } from './geo-context.ts';
import { pointBuffers } from '../src/shared/map-points.ts';
import type { EntryRef, MonthJob, MonthJobPart, WorkerData, WorkerMessage } from './month-pool.ts';
import { monthParts } from './month-parts.ts';
import { batchedProgress } from './progress-batches.ts';
import { releaseFreedHeapPages } from './release-heap-pages.ts';
import { OutcomeIndex } from './outcome-index.ts';
import type { LsoaHints } from './enrich.ts';
import type { MonthPlan } from './merge.ts';
import { lsoaHintsFromCsvs, processMonthIntoCache, type MonthTask } from './process-month.ts';
import { dropTallyData } from './report.ts';

const setup = workerData as WorkerData;
const port = parentPort;
if (port === null) throw new Error('pipeline/month-worker.ts runs only as a worker thread');

/** Each district's geography and outcome index, loaded on first use. */
const districts = setup.districts.map((district) => ({
  setup: district,
  geography: undefined as Promise<GeoContext> | undefined,
  outcomes: district.outcomes === null ? undefined : OutcomeIndex.over(district.outcomes),
}));
const inputs = new Map<string, Promise<ArchiveInput>>();
/** The API months' LSOA hints, by the cached rows they come from. */
const hints = new Map<string, Promise<LsoaHints>>();

function input(inputPath: string): Promise<ArchiveInput> {
  let opened = inputs.get(inputPath);
  if (opened === undefined) {
    const type = setup.inputs.find((i) => i.path === inputPath)?.type;
    if (type === undefined) throw new Error(`${inputPath} is not one of the run's inputs`);
    opened = reopenArchiveInput(inputPath, type).then((reopened) => {
      countOpens(reopened.entries, (where) => post({ type: 'read', where }));
      return reopened;
    });
    inputs.set(inputPath, opened);
  }
  return opened;
}

/** The entry the main thread planned with, checked to be the same file it fingerprinted. */
async function entry(planned: EntryRef): Promise<ArchiveEntry> {
  const found = (await input(planned.input)).entries.find((e) => e.where === planned.where);
  if (found === undefined || found.fingerprint !== planned.fingerprint) {
    throw new Error(`${planned.where} changed while the pipeline was reading it: run it again`);
  }
  return found;
}

async function task(month: string, part: MonthJobPart): Promise<MonthTask> {
  const district = districts[part.district];
  if (district === undefined) throw new Error(`${month}: no district ${part.district}`);
  district.geography ??= loadGeoContext(district.setup.geoFiles, { note: () => {} });
  const geo = await district.geography;
  if (geo.loadedFingerprint !== district.setup.geoFingerprint) {
    throw new Error(
      'the reference geography or the postcodes.io answers changed while the pipeline was ' +
        'running: run it again',
    );
  }
  const { snapshot } = part;
  const plan: MonthPlan =
    part.source === 'archive'
      ? {
          month,
          snapshot,
          source: 'archive',
          entries: await Promise.all(part.entries.map(entry)),
          notUsed: [],
        }
      : {
          month,
          snapshot,
          source: 'api',
          file: part.file,
          reportedBy: part.reportedBy,
          notUsed: [],
        };
  let monthHints: Promise<LsoaHints> | undefined;
  if (part.source === 'api') {
    const from = part.hintsFrom.join('\n');
    monthHints = hints.get(from) ?? lsoaHintsFromCsvs(part.hintsFrom);
    hints.set(from, monthHints);
  }
  return {
    plan,
    provenance: part.provenance,
    key: part.key,
    deps: {
      locator: geo.locator,
      postcodeAnswers: geo.postcodeAnswers,
      district: district.setup.district,
      outcomes: district.outcomes,
      hints: await monthHints,
      monthsCacheDir: district.setup.monthsCacheDir,
    },
  };
}

async function run(job: MonthJob): Promise<void> {
  const tasks: MonthTask[] = [];
  for (const part of job.parts) tasks.push(await task(job.month, part));
  const progress = batchedProgress((n) => post({ type: 'bytes', n }));
  const results = await processMonthIntoCache(tasks, { onBytes: progress.add }).finally(
    progress.flush,
  );
  // Each summary goes back in parts, its points' buffers handed over rather than copied: as
  // objects, every month's points would be rebuilt on the main thread's heap (month-parts.ts).
  const parts = results.map((result, i) => ({
    parts: monthParts(result.summary, job.parts[i]!.streets),
    drops: dropTallyData(result.drops),
    csv: result.csv,
    approximate: result.approximate,
  }));
  post(
    { type: 'done', month: job.month, parts },
    parts.flatMap((part) => pointBuffers(part.parts.points)),
  );
}

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

async function stop(): Promise<void> {
  for (const opened of inputs.values()) (await opened.catch(() => undefined))?.close();
  // The pages this thread's heap freed would outlive it by seconds (release-heap-pages.ts):
  // freed now, with what the months needed dropped first.
  for (const district of districts) district.geography = undefined;
  inputs.clear();
  hints.clear();
  try {
    // False only if another worker died holding the lock: the pages then go some seconds later.
    releaseFreedHeapPages(setup.heapReleaseLock);
  } finally {
    port?.close();
  }
}

port.on('message', (job: MonthJob | 'stop') => {
  if (job === 'stop') {
    void stop();
    return;
  }
  run(job).catch((error: unknown) => {
    const failure = error instanceof Error ? error : new Error(String(error));
    post({ type: 'failed', month: job.month, name: failure.name, message: failure.message });
  });
});
