// The offline pipeline, run as a user runs it (its CLI, in its own process, with the Node
// options of `npm run pipeline`) and measured.
import { cp, link, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { pipelinePaths } from '../pipeline/paths.ts';
import { parseOrThrow } from '../src/shared/schema.ts';
import { runMeasured, type ChildMeasurement } from './child.ts';
import { SYNTHETIC_MARKER } from './generate.ts';
import { nodeScript } from './npm-script.ts';

export interface StageTiming {
  name: string;
  ms: number;
}

export interface PipelineRun extends ChildMeasurement {
  /** Rows read from the input, and kept, as the run summary reports them. */
  read: number;
  kept: number;
  dropped: Record<string, number>;
  stages: StageTiming[];
  /** Months processed, and how many of them came from the month cache. */
  months: number;
  monthsFromCache: number;
  /** Each police.uk file the run opened, with how many times. */
  forceFiles: ForceFileRead[];
}

export interface ForceFileRead {
  file: string;
  reads: number;
}

/** The parts of the CLI's run-summary.json the benchmark reads. */
const runSummarySchema = z.object({
  steps: z.array(z.object({ name: z.string(), ms: z.number() })),
  totals: z.object({
    read: z.number(),
    kept: z.number(),
    dropped: z.record(z.string(), z.number()),
  }),
  months: z.array(z.object({ fromCache: z.boolean() })),
  forceFileReads: z.array(z.object({ file: z.string(), reads: z.number() })),
});

/**
 * `npm run pipeline -- --offline --archive-dir <archiveDir> --out <outDir> [--area <area>]`,
 * measured (default: Leeds), from its run-summary.json.
 */
export async function runPipeline(
  archiveDir: string,
  outDir: string,
  area?: string,
): Promise<PipelineRun> {
  const [run] = await runAreasPipeline(archiveDir, outDir, area === undefined ? [] : [area]);
  return run!;
}

/**
 * runPipeline for one district or several in one run (`--area A,B`, each writing into
 * <outDir>/<slug>): each district's result, in the order given, with the run's measurement.
 */
export async function runAreasPipeline(
  archiveDir: string,
  outDir: string,
  areas: readonly string[],
): Promise<PipelineRun[]> {
  const { entry, nodeOptions } = await nodeScript('pipeline');
  const measured = await runMeasured(
    entry,
    [
      '--offline',
      '--archive-dir',
      archiveDir,
      '--out',
      outDir,
      ...(areas.length > 0 ? ['--area', areas.join(',')] : []),
    ],
    nodeOptions,
  );
  const outs = areas.length > 1 ? areas.map((area) => path.join(outDir, area)) : [outDir];
  const runs: PipelineRun[] = [];
  for (const out of outs) {
    const summaryFile = pipelinePaths({ out }).runSummary;
    const summary = parseOrThrow(
      runSummarySchema,
      JSON.parse(await readFile(summaryFile, 'utf8')),
      summaryFile,
    );
    runs.push({
      ...measured,
      ...summary.totals,
      stages: summary.steps.map(({ name, ms }) => ({ name, ms })),
      months: summary.months.length,
      monthsFromCache: summary.months.filter((m) => m.fromCache).length,
      forceFiles: summary.forceFileReads,
    });
  }
  return runs;
}

/**
 * An archive folder holding the given months of `fullDir`, as hard links (same bytes, same
 * modification times, no copying), marked synthetic like its source.
 */
export async function linkMonths(
  fullDir: string,
  targetDir: string,
  months: readonly string[],
): Promise<void> {
  await rm(targetDir, { recursive: true, force: true });
  await mkdir(targetDir, { recursive: true });
  await writeFile(
    path.join(targetDir, SYNTHETIC_MARKER),
    await readFile(path.join(fullDir, SYNTHETIC_MARKER)),
  );
  for (const month of months) {
    await mkdir(path.join(targetDir, month));
    for (const file of await readdir(path.join(fullDir, month))) {
      await linkFile(path.join(fullDir, month, file), path.join(targetDir, month, file));
    }
  }
}

/** The month folders of `fromDir` linked into `targetDir`, beside the months already there. */
export async function addMonthFolders(fromDir: string, targetDir: string): Promise<void> {
  for (const month of await readdir(fromDir)) {
    await mkdir(path.join(targetDir, month), { recursive: true });
    for (const file of await readdir(path.join(fromDir, month))) {
      await linkFile(path.join(fromDir, month, file), path.join(targetDir, month, file));
    }
  }
}

/** A hard link (same bytes, same modification time); across file systems, a copy. */
async function linkFile(from: string, to: string): Promise<void> {
  await link(from, to).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EXDEV') throw error;
    await cp(from, to, { preserveTimestamps: true });
  });
}
