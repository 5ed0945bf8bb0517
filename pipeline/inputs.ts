// A run's inputs: the police.uk files found under the archive folder (and the fetched
// sources), the API snapshots, and the one source chosen for each month. Input discovery
// opens the folders and zips together; a root with no police.uk files is allowed (and noted)
// when another input or an API month snapshot supplies the months: a month police.uk serves
// only through its API can be built on its own.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { listApiMonths, type ApiMonthFile } from './api-months.ts';
import { openArchiveInputs, type ArchiveEntry, type ArchiveInput } from './archive.ts';
import { exists, isInside } from './files.ts';
import { countOpens } from './force-file-reads.ts';
import { InputError } from './input-error.ts';
import { chooseMonthSources, type MonthChoice } from './merge.ts';
import type { RunContext } from './run-context.ts';
import { selectEntries, type SelectedEntries } from './select-entries.ts';

export interface Inputs {
  archives: ArchiveInput[];
  selected: SelectedEntries;
  apiMonths: ApiMonthFile[];
  choice: MonthChoice;
  outcomes: ArchiveEntry[];
  stopSearch: ArchiveEntry[];
}

export async function loadInputs(ctx: RunContext): Promise<Inputs> {
  const roots = [ctx.options.archiveDir];
  const fetched = ctx.paths.sources.archiveDir;
  if (path.resolve(fetched) !== path.resolve(ctx.options.archiveDir) && (await exists(fetched))) {
    roots.push(fetched);
  }
  const { archives, emptyRoots } = await discoverArchiveInputs(roots);
  const reads = ctx.options.reads;
  if (reads)
    countOpens(
      archives.flatMap((a) => a.entries),
      (where) => reads.read(where),
    );
  const selected = await selectEntries(archives).catch((error: unknown) => {
    for (const archive of archives) archive.close();
    throw error;
  });
  const apiMonths = await listApiMonths(ctx.paths.sources.apiDir);
  const areaForces = ctx.area.config.forces;
  const choice = chooseMonthSources(
    selected.entries.filter((e) => e.kind === 'street'),
    apiMonths,
    areaForces,
  );
  const forces: ReadonlySet<string> = new Set(areaForces);
  const ofKind = (kind: ArchiveEntry['kind']) =>
    selected.entries.filter((e) => e.kind === kind && forces.has(e.force));
  const inputs: Inputs = {
    archives,
    selected,
    apiMonths,
    choice,
    outcomes: ofKind('outcomes'),
    stopSearch: ofKind('stop-and-search'),
  };

  const r = ctx.reporter;
  for (const root of emptyRoots) ctx.note(`${root} is empty: no police.uk files read from it`);
  for (const archive of archives) {
    r.info(
      `input: ${archive.path} (${archive.type}, ${archive.entries.length} police.uk files, newest month ${archive.latestMonth})`,
    );
  }
  const emptyMonths = archives.flatMap((a) => a.emptyMonths);
  if (emptyMonths.length > 0) {
    ctx.note(
      `${emptyMonths.length} month folder(s) hold no police.uk file and add no month (a gap, ` +
        `never zeros): ${emptyMonths.join(', ')}`,
    );
  }
  const notMonthFolders = archives.flatMap((a) => a.notMonthFolders);
  if (notMonthFolders.length > 0) {
    ctx.note(
      `${notMonthFolders.length} folder(s) named for a month that does not exist hold no ` +
        `police.uk file and were skipped (not month folders, so not gaps): ` +
        notMonthFolders.join(', '),
    );
  }
  const ignored = archives.flatMap((a) => a.ignored);
  if (ignored.length > 0) {
    ctx.note(
      `${ignored.length} file(s) that are not police.uk files were skipped, e.g. ${ignored[0]}`,
    );
  }
  for (const note of describeShadowed(selected.shadowed)) ctx.note(note);
  const missing = selected.missingFromNewer.filter(({ entry }) => forces.has(entry.force));
  for (const note of describeMissingFromNewer(missing)) ctx.note(note);
  const skippedForces = new Set(choice.skipped.map((s) => s.why));
  for (const why of skippedForces) ctx.note(`street files skipped: ${why}`);
  const outcomesAlone = monthsOfOutcomesAlone(inputs.outcomes, choice, forces);
  if (outcomesAlone.length > 0) {
    ctx.note(
      `${outcomesAlone.length} month(s) have an outcomes file but no ${areaForces[0]} street ` +
        'file, so no crimes (a gap, never zeros; their outcomes are read like any others): ' +
        outcomesAlone.map((m) => `${m.month} (${m.files.join(', ')})`).join('; '),
    );
  }
  if (choice.months.length === 0) {
    throw new InputError(
      ctx.options.archiveDir,
      `holds no ${areaForces[0]} street-level files (YYYY-MM/YYYY-MM-${areaForces[0]}-street.csv): nothing to process`,
    );
  }
  return inputs;
}

export interface DiscoveredInputs {
  archives: ArchiveInput[];
  /** Roots that exist but hold no police.uk files (reported, not silent). */
  emptyRoots: string[];
}

/** Open every root; close the result's archives when done. */
export async function discoverArchiveInputs(roots: readonly string[]): Promise<DiscoveredInputs> {
  const archives: ArchiveInput[] = [];
  const emptyRoots: string[] = [];
  try {
    for (const root of roots) {
      if (await isEmptyFolder(root)) emptyRoots.push(root);
      else archives.push(...(await openArchiveInputs(root)));
    }
  } catch (error) {
    for (const archive of archives) archive.close();
    throw error;
  }
  return { archives, emptyRoots };
}

async function isEmptyFolder(root: string): Promise<boolean> {
  const children = await readdir(root).catch(() => undefined);
  return children !== undefined && children.length === 0;
}

/** One line for the run summary per file found twice, saying which copy was used and why. */
export function describeShadowed(shadowed: SelectedEntries['shadowed']): string[] {
  return shadowed.map(({ entry, usedInstead, why }) =>
    why === 'identical'
      ? `${entry.where} is the same file as ${usedInstead.where}: read once`
      : `${entry.where} differs from ${usedInstead.where}: the copy from the newer police.uk ` +
        `snapshot (${usedInstead.snapshot}, against ${entry.snapshot}) is used, by the rule ` +
        '"newest snapshot, by the months the input holds"',
  );
}

/**
 * One line for the run summary per file taken from an input although another, as new or
 * newer, holds the month without it: the month mixes the two inputs' files.
 */
export function describeMissingFromNewer(missing: SelectedEntries['missingFromNewer']): string[] {
  return missing.map(
    ({ entry, lacking }) =>
      `${entry.where} (${entry.snapshot}) is used for ${entry.month}, though ${lacking.path} ` +
      `(${lacking.snapshot}) holds ${entry.month} without it: the month mixes ` +
      `the two inputs' files, by the rule "each file from the newest snapshot that has it" ` +
      `(if ${lacking.path} is a partial copy, remove it)`,
  );
}

/**
 * Fetched months must live apart from the committed sample: under it, a fetch would mix
 * police.uk's newer files into the sample (and the sample would hide them). Throws when the
 * fetch step's folder is inside the sample's.
 */
export function checkFetchedApart(fetchedDir: string, sampleDir: string): void {
  if (isInside(fetchedDir, sampleDir)) {
    throw new Error(
      `fetched months would be saved in ${fetchedDir}, inside the committed sample ${sampleDir}: ` +
        'give --out a folder outside data/sample',
    );
  }
}

/**
 * The months `outcomeEntries` (outcomes files of the area's forces) hold that `choice` makes
 * no month of (no territorial street file, no API snapshot) and does not already name as
 * without one (a street file of another of the area's `forces` skipped: "street files skipped:
 * no west-yorkshire street file for ..."), ascending, each with its files. Their
 * outcomes are read like any others, but nothing else says that the month has no crimes: a
 * month folder with an outcomes file alone is neither empty nor another force's street file.
 */
export function monthsOfOutcomesAlone(
  outcomeEntries: readonly ArchiveEntry[],
  choice: MonthChoice,
  forces: ReadonlySet<string>,
): { month: string; files: string[] }[] {
  const named = new Set([
    ...choice.months.map((plan) => plan.month),
    ...choice.skipped
      .filter(({ entry }) => forces.has(entry.force))
      .map(({ entry }) => entry.month),
  ]);
  const byMonth = new Map<string, string[]>();
  for (const entry of outcomeEntries) {
    if (entry.kind !== 'outcomes' || named.has(entry.month)) continue;
    const files = byMonth.get(entry.month) ?? [];
    files.push(entry.where);
    byMonth.set(entry.month, files);
  }
  return [...byMonth]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, files]) => ({ month, files }));
}
