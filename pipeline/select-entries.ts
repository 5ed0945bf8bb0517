// Which copy of each police.uk file a run uses, when several inputs (folders, zips, older
// and newer archives) hold the same month: identical copies are one file, the newest
// snapshot wins, and two different copies of the same snapshot (or of one input, a zip that
// holds a name twice) stop the run. A file that an input holding the month lacks comes from
// the input that has it, and is listed.
import type { ArchiveEntry, ArchiveInput } from './archive.ts';
import { contentOf, describeContent, sameContent } from './file-content.ts';
import { InputError } from './input-error.ts';

export interface SelectedEntries {
  /** One entry per (month, force, kind), sorted by month, kind, force. */
  entries: ArchiveEntry[];
  /** Entries found again in another input and not used, with the entry used instead and why. */
  shadowed: { entry: ArchiveEntry; usedInstead: ArchiveEntry; why: ShadowReason }[];
  /**
   * Entries used although an input as new as theirs or newer (`lacking`, its path and
   * snapshot) holds the same month without that file: a re-issue that left the file out, or
   * a partial copy. The month then mixes files of two inputs.
   */
  missingFromNewer: { entry: ArchiveEntry; lacking: { path: string; snapshot: string } }[];
}

/**
 * Why a copy of a file was not used: it is byte for byte the copy used, or it comes from an
 * input whose newest month is older (police.uk republishes earlier months, with updated
 * outcomes, in each later archive).
 */
export type ShadowReason = 'identical' | 'older-snapshot';

/**
 * One entry per (month, force, kind). When several inputs hold the same file:
 * - identical copies (same bytes) are one file;
 * - different copies: the one from the input with the newest snapshot wins. The snapshot is
 *   the newest month the input holds (its content), never its name: a zip called 2025-06.zip
 *   holding months to 2025-03 is the 2025-03 snapshot.
 * - different copies from inputs with the same newest snapshot cannot be settled (a partial
 *   folder beside its full zip, or two edits of one archive): an InputError names both.
 */
export async function selectEntries(inputs: readonly ArchiveInput[]): Promise<SelectedEntries> {
  const ranked = [...inputs].sort(
    (a, b) => b.latestMonth.localeCompare(a.latestMonth) || a.path.localeCompare(b.path),
  );
  const copies = new Map<string, ArchiveEntry[]>();
  /** The inputs holding any file of a month, in rank order. */
  const holders = new Map<string, ArchiveInput[]>();
  for (const input of ranked) {
    for (const entry of input.entries) {
      const key = `${entry.month}|${entry.kind}|${entry.force}`;
      copies.set(key, [...(copies.get(key) ?? []), entry]);
      const held = holders.get(entry.month);
      if (held === undefined) holders.set(entry.month, [input]);
      else if (held.at(-1) !== input) held.push(input);
    }
  }
  const entries: ArchiveEntry[] = [];
  const shadowed: SelectedEntries['shadowed'] = [];
  const missingFromNewer: SelectedEntries['missingFromNewer'] = [];
  for (const found of copies.values()) {
    const [used, ...others] = found as [ArchiveEntry, ...ArchiveEntry[]];
    entries.push(used);
    // The used copy is from the first input (by rank) that has the file: any input holding
    // the month ranked before it lacks the file.
    for (const input of holders.get(used.month) ?? []) {
      if (input.path === used.input) break;
      missingFromNewer.push({
        entry: used,
        lacking: { path: input.path, snapshot: input.snapshot },
      });
    }
    if (others.length === 0) continue;
    // Read once each, and only for files found in more than one input.
    const usedContent = await contentOf(await used.open());
    for (const entry of others) {
      const content = await contentOf(await entry.open());
      if (sameContent(content, usedContent)) {
        shadowed.push({ entry, usedInstead: used, why: 'identical' });
      } else if (entry.input === used.input) {
        const copies = [usedContent, content].map(describeContent).join('; ');
        throw new InputError(
          entry.where,
          `is in ${used.input} more than once, not always with the same bytes (${copies}), ` +
            "and nothing tells which is the month's. Take the month from another police.uk " +
            'archive (those of the next three years hold it too), or leave this input out.',
        );
      } else if (entry.snapshot === used.snapshot) {
        throw new InputError(
          entry.where,
          `differs from ${used.where}, and both inputs hold months up to ` +
            `${used.snapshot.replace('archive:', '')}, so neither is the newer police.uk snapshot. ` +
            'One of them is incomplete or edited: remove it, or give --archive-dir the one to use.',
        );
      } else {
        shadowed.push({ entry, usedInstead: used, why: 'older-snapshot' });
      }
    }
  }
  entries.sort(
    (a, b) =>
      a.month.localeCompare(b.month) ||
      a.kind.localeCompare(b.kind) ||
      a.force.localeCompare(b.force),
  );
  return { entries, shadowed, missingFromNewer };
}
