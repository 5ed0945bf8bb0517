// The offline pipeline, run as a user runs it (its CLI, in its own process) and measured.
import { cp, link, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { pipelinePaths } from '../pipeline/paths.ts';
import { parseOrThrow } from '../src/shared/schema.ts';
import { runMeasured, type ChildMeasurement } from './child.ts';
import { SYNTHETIC_MARKER } from './generate.ts';

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
});

/** `npm run pipeline -- --offline --archive-dir <archiveDir> --out <outDir>`, measured. */
export async function runPipeline(archiveDir: string, outDir: string): Promise<PipelineRun> {
  const measured = await runMeasured('pipeline/cli.ts', [
    '--offline',
    '--archive-dir',
    archiveDir,
    '--out',
    outDir,
  ]);
  const summaryFile = pipelinePaths({ out: outDir }).runSummary;
  const summary = parseOrThrow(
    runSummarySchema,
    JSON.parse(await readFile(summaryFile, 'utf8')),
    summaryFile,
  );
  return {
    ...measured,
    ...summary.totals,
    stages: summary.steps.map(({ name, ms }) => ({ name, ms })),
    months: summary.months.length,
    monthsFromCache: summary.months.filter((m) => m.fromCache).length,
  };
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
      const [from, to] = [path.join(fullDir, month, file), path.join(targetDir, month, file)];
      // Hard links need one file system; across two, copy (modification time kept).
      await link(from, to).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EXDEV') throw error;
        await cp(from, to, { preserveTimestamps: true });
      });
    }
  }
}
