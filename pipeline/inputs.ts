// A run's inputs: the police.uk files found under the archive folder (and the fetched
// sources), the API snapshots, and the one source chosen for each month.
import path from 'node:path';
import { FORCES } from '../src/shared/constants.ts';
import { listApiMonths, type ApiMonthFile } from './api-months.ts';
import {
  openArchiveInputs,
  selectEntries,
  type ArchiveEntry,
  type ArchiveInput,
  type SelectedEntries,
} from './archive.ts';
import { exists } from './geo-context.ts';
import { InputError } from './input-error.ts';
import { chooseMonthSources, type MonthChoice } from './merge.ts';
import type { RunContext } from './run-context.ts';

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
  const archives: ArchiveInput[] = [];
  try {
    for (const root of roots) archives.push(...(await openArchiveInputs(root)));
  } catch (error) {
    for (const archive of archives) archive.close();
    throw error;
  }
  const selected = selectEntries(archives);
  const apiMonths = await listApiMonths(ctx.paths.sources.apiDir);
  const choice = chooseMonthSources(
    selected.entries.filter((e) => e.kind === 'street'),
    apiMonths,
  );
  const forces: ReadonlySet<string> = new Set(FORCES);
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
  for (const archive of archives) {
    r.info(
      `input: ${archive.path} (${archive.type}, ${archive.entries.length} police.uk files, newest month ${archive.latestMonth})`,
    );
  }
  const ignored = archives.flatMap((a) => a.ignored);
  if (ignored.length > 0) {
    ctx.note(
      `${ignored.length} file(s) that are not police.uk files were skipped, e.g. ${ignored[0]}`,
    );
  }
  for (const { entry, usedInstead } of selected.shadowed) {
    ctx.note(`${entry.where} is also in ${usedInstead.input}; the newer input's copy is used`);
  }
  const skippedForces = new Set(choice.skipped.map((s) => s.why));
  for (const why of skippedForces) ctx.note(`street files skipped: ${why}`);
  if (choice.months.length === 0) {
    throw new InputError(
      ctx.options.archiveDir,
      'holds no West Yorkshire street-level files (YYYY-MM/YYYY-MM-west-yorkshire-street.csv): nothing to process',
    );
  }
  return inputs;
}
