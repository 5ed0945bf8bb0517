// Synthetic outcomes files for the bench's input. police.uk's archives hold one a month: the
// outcomes given that month, each to a crime of that month or one before it, so each monthly
// refresh brings a file that revises crimes of earlier months. The bench's input has street
// files only (its figures are those of the issue that set its targets); the incremental
// section makes these beside a copy of it for its case with outcomes files.
//
// Month M's file gives an outcome to about 9% of the crimes of each of the months M-11 to M
// (some 10,000 rows, as a real West Yorkshire file), dated M, with the crime's own place
// columns. Seeded by month: the same bytes on every run and machine.
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sidecarPrefix } from '../pipeline/crime-id-sidecar.ts';
import { readCsv } from '../pipeline/csv.ts';
import { OUTCOME_COLUMNS, STREET_COLUMNS } from '../src/shared/constants.ts';
import { formatCsvRow } from '../src/shared/csv-format.ts';
import { createRandom } from './prng.ts';

/**
 * The incremental section's case with these files, reported beside the judged cases, not
 * judged (the targets' input has no outcomes files): the new month in the same folder.
 */
export const OUTCOMES_SCENARIO = 'same folder, with outcomes files';

/** The force whose street files the generator writes (generate.ts), and whose outcomes these are. */
const FORCE = 'west-yorkshire';
/** Months back an outcomes file reaches, its own included. */
const MONTHS_REACHED = 12;
/** Share of a reached month's crimes given an outcome in one file. */
const SHARE = 0.09;
/** Outcome texts police.uk uses. */
const OUTCOMES = [
  'Investigation complete; no suspect identified',
  'Unable to prosecute suspect',
  'Offender given a caution',
  'Local resolution',
  'Suspect charged as part of another case',
  'Court result unavailable',
  'Offender fined',
  'Awaiting court outcome',
] as const;

/** The columns of a street row an outcome row repeats. */
const PLACE_COLUMNS = OUTCOME_COLUMNS.filter((c) => c !== 'Month' && c !== 'Outcome type');

/** The street file of `month` in an archive folder laid out as police.uk's. */
export function streetFile(archiveDir: string, month: string): string {
  return path.join(archiveDir, month, `${month}-${FORCE}-street.csv`);
}

/** Where the outcomes file of `month` goes under `dir`, laid out as police.uk's. */
export function outcomesFile(dir: string, month: string): string {
  return path.join(dir, month, `${month}-${FORCE}-outcomes.csv`);
}

/**
 * The crimes of a street file (rows with a Crime ID in police.uk's form: sidecarPrefix), as
 * the columns their outcome rows repeat.
 */
async function crimesOf(file: string): Promise<string[][]> {
  const crimes: string[][] = [];
  for await (const { values } of readCsv(createReadStream(file), file, STREET_COLUMNS)) {
    if (sidecarPrefix(values['Crime ID'] ?? '') >= 0) {
      crimes.push(PLACE_COLUMNS.map((column) => values[column] ?? ''));
    }
  }
  return crimes;
}

/**
 * Write an outcomes file for each of `months` (ascending, consecutive) into `outDir`, from the
 * street files of `archiveDir`. Returns the rows written in each month's file, in order.
 */
export async function writeOutcomesFiles(
  archiveDir: string,
  months: readonly string[],
  outDir: string,
): Promise<number[]> {
  const reached: string[][][] = [];
  const written: number[] = [];
  for (const month of months) {
    reached.push(await crimesOf(streetFile(archiveDir, month)));
    if (reached.length > MONTHS_REACHED) reached.shift();
    const random = createRandom(`outcomes:${month}`);
    const lines = [formatCsvRow(OUTCOME_COLUMNS)];
    let rows = 0;
    for (const crimes of reached) {
      for (const crime of crimes) {
        if (random.float() >= SHARE) continue;
        const outcome = OUTCOMES[random.int(OUTCOMES.length)]!;
        const [crimeId, ...place] = crime;
        lines.push(formatCsvRow([crimeId!, month, ...place, outcome]));
        rows += 1;
      }
    }
    const file = outcomesFile(outDir, month);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, lines.join(''));
    written.push(rows);
  }
  return written;
}
