// Input discovery: the folders and zips the months come from (the --archive-dir input and the
// fetch step's downloads), opened together. A root with no police.uk files is allowed when
// another input or an API month snapshot supplies the months: a month police.uk serves only
// through its API can be built on its own.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { openArchiveInputs, type ArchiveInput, type SelectedEntries } from './archive.ts';

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
 * Fetched months must live apart from the committed sample: under it, a fetch would mix
 * police.uk's newer files into the sample (and the sample would hide them). Throws when the
 * fetch step's folder is inside the sample's.
 */
export function checkFetchedApart(fetchedDir: string, sampleDir: string): void {
  const relative = path.relative(path.resolve(sampleDir), path.resolve(fetchedDir));
  if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) {
    throw new Error(
      `fetched months would be saved in ${fetchedDir}, inside the committed sample ${sampleDir}: ` +
        'give --out a folder outside data/sample',
    );
  }
}
