// What the master CSV was last written from: the month files (in order) whose rows follow its
// header, and the size and time of the file that made. A monthly run adds a month after the
// others, so its master CSV starts with the bytes of the last one: when the published file is
// still the one recorded (same size and time) and its months are the first months of this
// run, unchanged (same name, size and time, as downloads.ts knows a month's rows; a month the
// cross-month check rewrites every run, by its content), the run appends only the months
// after them to it as it publishes (append-in-place.ts), instead of writing every month's
// rows again (about 270 MB at 96 months).
// The record is written when the new rows are complete, of the file as it will be once they
// are published: a run that fails before publishing leaves a record of a file that never
// replaced the published one, which then does not match it, and the next run writes the
// master CSV in full.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { fileStamp, sameSizeAndTime, stampName, type SizeAndTime } from './files.ts';
import { writeFileAtomic } from './write.ts';

/** Starts the record; changed with its meaning. */
const PARTS_FORMAT = 'master-csv-parts-1';

const recordSchema = z.object({
  format: z.literal(PARTS_FORMAT),
  master: z.object({ size: z.number(), mtimeMs: z.number() }),
  parts: z.array(z.string()),
});

/**
 * A month file as the record knows it: its fileStamp; or, for a file written again by every
 * run (`rewritten`: a month that lost rows to the cross-month Crime ID check, crime-ids.ts),
 * its size and SHA-256, since its time changes each run whether its rows do or not.
 */
export async function partStamp(file: string, rewritten = false): Promise<string> {
  if (!rewritten) return fileStamp(file);
  const bytes = await readFile(file);
  return `${stampName(file)}:${bytes.length}:sha256-${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * How many of `parts` (the month files of this run, in order, by partStamp) the published
 * master CSV, whose size and time are `published` (null: none), already holds after its
 * header, by the record in `recordFile`: all of those it was written from when it is the file
 * recorded and they are the first of `parts`, else 0. The caller states the file once, for
 * this and for the append that follows (appendableStamp).
 */
export async function masterCsvPartsHeld(
  recordFile: string,
  published: SizeAndTime | null,
  parts: readonly string[],
): Promise<number> {
  const record = await recordOf(recordFile);
  if (record === null || !sameSizeAndTime(published, record.master)) return 0;
  const same =
    record.parts.length <= parts.length && record.parts.every((part, i) => part === parts[i]);
  return same ? record.parts.length : 0;
}

/** The record in `recordFile`, or null when there is none or it cannot be read. */
async function recordOf(recordFile: string): Promise<z.infer<typeof recordSchema> | null> {
  const text = await readFile(recordFile, 'utf8').catch(() => null);
  if (text === null) return null;
  let record: z.infer<typeof recordSchema>;
  try {
    record = recordSchema.parse(JSON.parse(text));
  } catch {
    return null;
  }
  return record;
}

/**
 * Record that the master CSV, once published as `master` says (its size and time then,
 * StagedStream.publishedStamp), holds `parts`.
 */
export async function recordMasterCsvParts(
  recordFile: string,
  master: SizeAndTime,
  parts: readonly string[],
): Promise<void> {
  await writeFileAtomic(recordFile, JSON.stringify({ format: PARTS_FORMAT, master, parts }));
}
