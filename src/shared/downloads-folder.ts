// A downloads folder (the yearly record files and README.txt) against the manifest that lists
// them (downloads.json). The Data page, the Dataset, datapackage.json and README.txt give each
// file's size and SHA-256 from the manifest, so a file that is not the one listed (replaced or
// edited by hand, cut short, or beside a manifest of another run) would be published under a
// checksum it does not have. Pure: the caller reads the folder (the refresh before it
// publishes, pipeline/refresh-steps.ts; the site build before it serves,
// src/lib/area-public.ts), so both refuse the same folders in the same words.
import { SLUG } from './area-paths.ts';
import type { DownloadsManifest, YearlyFile } from './open-data.ts';

/** The README beside the yearly files. */
export const DOWNLOADS_README = 'README.txt';

/** "<slug>-crimes-YYYY.csv.gz" (yearlyFileName), whatever the area's slug (SLUG). */
const YEARLY_FILE = new RegExp(`${SLUG.source.slice(0, -1)}-crimes-\\d{4}\\.csv\\.gz$`);

/** Whether `name` is a yearly file's ("<slug>-crimes-YYYY.csv.gz"). */
export function isYearlyFileName(name: string): boolean {
  return YEARLY_FILE.test(name);
}

/** README.txt's line for a yearly file: its months, rows, bytes and SHA-256. */
export function readmeFileLine(f: YearlyFile): string {
  return `  ${f.file}  months ${f.months.join(', ')}  ${f.rows} rows  ${f.bytes} bytes  ${f.sha256}`;
}

/** One entry of a downloads folder: its name, and a regular file's size and SHA-256 (else null). */
export interface DownloadsFolderEntry {
  name: string;
  file: { bytes: number; sha256: string } | null;
}

/** A name found in the folder, as a message shows it: quoted (and escaped) unless plain. */
function shown(name: string): string {
  return /^[\w.+-]+$/.test(name) ? name : JSON.stringify(name);
}

/**
 * How a downloads folder (`entries`, and README.txt's text or null) differs from `manifest`:
 * a file it lists that is not there or not a file, or whose size or SHA-256 is not the one
 * listed; anything it does not list but README.txt; and a README.txt missing, or listing the
 * files otherwise. Empty when they agree.
 */
export function downloadsUnlikeManifest(
  manifest: DownloadsManifest,
  entries: readonly DownloadsFolderEntry[],
  readme: string | null,
): string[] {
  const problems: string[] = [];
  const found = new Map(entries.map((e) => [e.name, e.file]));
  for (const { file, bytes, sha256 } of manifest.files) {
    const served = found.get(file) ?? null;
    if (served === null) {
      problems.push(`${file} is not there`);
    } else if (served.bytes !== bytes) {
      problems.push(`${file} is ${served.bytes} bytes, the manifest lists ${bytes}`);
    } else if (served.sha256 !== sha256) {
      problems.push(`${file} has SHA-256 ${served.sha256}, the manifest lists ${sha256}`);
    }
  }
  const listed = new Set([DOWNLOADS_README, ...manifest.files.map((f) => f.file)]);
  const names = entries.map((e) => e.name).sort();
  for (const name of names) {
    if (!listed.has(name)) problems.push(`${shown(name)} is not listed`);
  }
  if (readme === null) {
    problems.push(`${DOWNLOADS_README} is not there`);
  } else {
    const lines = new Set(
      readme.split('\n').filter((line) => isYearlyFileName(line.trim().split(' ')[0] ?? '')),
    );
    const expected = new Set(manifest.files.map(readmeFileLine));
    const unlike = [
      ...manifest.files.filter((f) => !lines.has(readmeFileLine(f))).map((f) => f.file),
      ...[...lines].filter((line) => !expected.has(line)).map((line) => line.trim().split(' ')[0]),
    ];
    if (unlike.length > 0) {
      problems.push(
        `${DOWNLOADS_README} does not list the files as the manifest does (${[...new Set(unlike)].join(', ')})`,
      );
    }
  }
  return problems;
}
