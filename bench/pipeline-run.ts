// The offline pipeline, run as a user runs it (its CLI, in its own process) and measured.
import { cp, link, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipelinePaths } from '../pipeline/paths.ts';
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
  /** The run summary as written by the CLI. */
  summary: unknown;
}

/** Read the per-step timings out of a run summary. */
export function stageTimings(summary: unknown): StageTiming[] {
  const steps = (summary as { steps?: unknown }).steps;
  if (!Array.isArray(steps)) return [];
  return steps.flatMap((step: unknown) => {
    const s = step as { name?: unknown; ms?: unknown; durationMs?: unknown };
    const ms = typeof s.ms === 'number' ? s.ms : s.durationMs;
    return typeof s.name === 'string' && typeof ms === 'number' ? [{ name: s.name, ms }] : [];
  });
}

/** `npm run pipeline -- --offline --archive-dir <archiveDir> --out <outDir>`, measured. */
export async function runPipeline(
  archiveDir: string,
  outDir: string,
  onOutput?: (chunk: string) => void,
): Promise<PipelineRun> {
  const measured = await runMeasured(
    'pipeline/cli.ts',
    ['--offline', '--archive-dir', archiveDir, '--out', outDir],
    onOutput ? { onOutput } : {},
  );
  const summaryFile = pipelinePaths({ out: outDir }).runSummary;
  const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as {
    read?: number;
    kept?: number;
    dropped?: Record<string, number>;
    totals?: { read?: number; kept?: number; dropped?: Record<string, number> };
    months?: { fromCache?: boolean }[];
  };
  const totals = summary.totals ?? summary;
  return {
    ...measured,
    read: totals.read ?? 0,
    kept: totals.kept ?? 0,
    dropped: totals.dropped ?? {},
    stages: stageTimings(summary),
    months: summary.months?.length ?? 0,
    monthsFromCache: summary.months?.filter((m) => m.fromCache === true).length ?? 0,
    summary,
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
