// The run summary as written to run-summary.json.
import { qualityTotals } from './aggregate.ts';
import { CONFLICTING_OUTCOME } from './outcomes.ts';
import { planFiles } from './process-month.ts';
import { DropTally, type DropExample } from './report.ts';
import type { RunContext, RunRecord } from './run-context.ts';

/** The run summary as written to run-summary.json. */
export function runSummaryJson(ctx: RunContext): unknown {
  const months = ctx.record.months ?? [];
  const examples = new DropTally();
  for (const m of months) examples.merge(m.drops);
  return {
    archiveDir: ctx.options.archiveDir,
    offline: ctx.options.offline,
    steps: ctx.record.steps,
    months: months.map((m) => ({
      month: m.plan.month,
      source: m.plan.source,
      snapshot: m.summary.snapshot,
      fetchedAt: m.summary.fetchedAt,
      alsoAvailableFrom: m.plan.notUsed,
      read: m.summary.read,
      kept: m.summary.kept,
      dropped: m.summary.dropped,
      /**
       * Each file of the month (as this run reads it) with its rows with a Crime ID and those
       * dropped as a repeat of one read before in the month: the gate's repeated-rows check.
       */
      crimeIdsByFile: planFiles(m.plan).map((file, i) => ({
        file,
        rows: m.summary.crimeIdsByFile[i]?.rows ?? 0,
        repeated: m.summary.crimeIdsByFile[i]?.repeated ?? 0,
      })),
      coverage: m.summary.coverage,
      /**
       * The month's kept rows whose text was repaired at intake, by reason (a row counted under
       * each it had): the gate's repaired-rows check.
       */
      repaired: m.drops.repaired.counts,
      repairedExamples: m.drops.repaired.examples,
      fromCache: m.cached,
    })),
    totals: qualityTotals(months.map((m) => m.summary)),
    dropExamples: examples.examples satisfies Partial<Record<string, DropExample[]>>,
    /** The rows dropped as outside the district, by where they are (see outside.ts). */
    outsideDistrict: examples.outside,
    /**
     * The street rows on which the inputs disagreed and a rule settled it, by the rule
     * (report.ts DISAGREEMENTS), with examples; each row is also counted as what it became.
     */
    disagreements: examples.disagreements.counts,
    disagreementExamples: examples.disagreements.examples,
    /**
     * The kept street rows whose text was repaired at intake, by reason (text-repair.ts
     * TEXT_REPAIRS: a row is counted under each it had), with examples.
     */
    repaired: examples.repaired.counts,
    repairedExamples: examples.repaired.examples,
    stopSearch: ctx.record.stopSearch && {
      read: ctx.record.stopSearch.read,
      kept: ctx.record.stopSearch.kept,
      dropped: ctx.record.stopSearch.dropped.counts,
      dropExamples: ctx.record.stopSearch.dropped.examples,
      /** The kept rows whose text was repaired at intake, by reason, with examples. */
      repaired: ctx.record.stopSearch.repaired.counts,
      repairedExamples: ctx.record.stopSearch.repaired.examples,
      /**
       * The kept rows by the month of their file, and those repaired by reason, with examples:
       * the gate's repaired-rows check of each month's stop and search.
       */
      repairedByMonth: ctx.record.stopSearch.byMonth.saved(),
    },
    outcomes: ctx.record.outcomes && outcomesJson(ctx.record.outcomes),
    notes: ctx.record.notes,
    /**
     * Each police.uk file the run opened, with how many times: in a run for several
     * districts, for all of them (a force file they share is read once).
     */
    forceFileReads: ctx.options.reads?.list() ?? [],
    /**
     * Each police.uk file the run downloaded (online), with how many times: in a run for
     * several districts, for all of them (a file they share is downloaded once).
     */
    forceFileDownloads: ctx.options.downloads?.list() ?? [],
  };
}

/**
 * The outcomes files' rows, apart from the street rows' drops (which the site's quality
 * figures count): those indexed (each outcome by its Crime ID), those located outside the
 * district (not needed), those that cannot be used and those indexed without coordinates by
 * reason, and the conflicting outcomes, each with examples (file:line); then `join`: the
 * indexed Crime IDs by what they join among the crimes the run keeps (outcome-join.ts).
 * `readThisRun` false: counted by the run that read them.
 */
function outcomesJson({ files, counts, readThisRun }: NonNullable<RunRecord['outcomes']>): unknown {
  if (counts === null) return { files, readThisRun };
  const { rows, join } = counts;
  return {
    files,
    readThisRun,
    read: rows.read,
    indexed: rows.indexed,
    outsideDistrict: rows.elsewhere,
    unusable: rows.unusable.counts,
    unusableExamples: rows.unusable.examples,
    indexedWithoutCoordinates: rows.unlocated.counts,
    indexedWithoutCoordinatesExamples: rows.unlocated.examples,
    repaired: rows.repaired.counts,
    repairedExamples: rows.repaired.examples,
    /**
     * The rows indexed by the month of their file, and those repaired by reason, with
     * examples: the gate's repaired-rows check of each month's outcomes.
     */
    repairedByMonth: rows.byMonth.saved(),
    conflicts: rows.conflicts.total,
    conflictExamples: rows.conflicts.examples[CONFLICTING_OUTCOME] ?? [],
    join: { ...join },
  };
}
