// API month snapshots: the crimes-street responses for one month over the Leeds district,
// saved by the fetch step as <cache>/api/YYYY-MM.json (a JSON array of crimes-street objects).
// Used only for months the archive does not have yet. One month is a few MB, read whole.
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { MONTH_PATTERN } from '../src/shared/months.ts';
import { InputError } from './input-error.ts';
import { apiCrimeSchema, type ApiCrime } from './normalise.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export interface ApiMonthFile {
  month: string;
  path: string;
  /** Provenance label, e.g. "api:2025-04". */
  snapshot: string;
  /** When the snapshot was saved (its mtime), ISO 8601. */
  fetchedAt: string;
  size: number;
  fingerprint: string;
}

const API_MONTH_FILE = /^(\d{4}-\d{2})\.json$/;
/**
 * What to do about a snapshot that cannot be read: the fetch step keeps a saved month while
 * police.uk's API snapshot is current, so only a month whose file is gone is asked for again.
 */
const fetchAgain = (file: string): string =>
  `delete ${file} and run the pipeline online: the month is then fetched again`;

/** The API month snapshots in `dir`, ascending; none when the folder does not exist. */
export async function listApiMonths(dir: string): Promise<ApiMonthFile[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const files: ApiMonthFile[] = [];
  for (const name of names.sort()) {
    const month = API_MONTH_FILE.exec(name)?.[1];
    if (month === undefined || !MONTH_PATTERN.test(month)) continue;
    const filePath = path.join(dir, name);
    const info = await stat(filePath);
    files.push({
      month,
      path: filePath,
      snapshot: `api:${month}`,
      fetchedAt: info.mtime.toISOString(),
      size: info.size,
      fingerprint: `size:${info.size},mtime:${Math.trunc(info.mtimeMs)}`,
    });
  }
  return files;
}

/** The crimes of one API month snapshot, with their position in the array (0-based). */
export async function* readApiMonth(
  file: Pick<ApiMonthFile, 'path'>,
): AsyncGenerator<{ index: number; crime: ApiCrime }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file.path, 'utf8'));
  } catch (cause) {
    throw new InputError(
      file.path,
      `is not readable JSON (${errorMessage(cause)}); ${fetchAgain(file.path)}`,
      { cause },
    );
  }
  if (!Array.isArray(parsed)) {
    throw new InputError(
      file.path,
      `is not a JSON array of crimes-street objects; ${fetchAgain(file.path)}`,
    );
  }
  for (const [index, element] of parsed.entries()) {
    const crime = apiCrimeSchema.safeParse(element);
    if (!crime.success) {
      throw new InputError(
        `${file.path} [${index}]`,
        `is not a crimes-street object; ${fetchAgain(file.path)}`,
      );
    }
    yield { index, crime: crime.data };
  }
}
