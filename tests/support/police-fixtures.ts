// Test inputs in police.uk's real formats, built from the sample months in data/sample/archive:
// a 36-month archive zip, and crimes-street API JSON. Months and forces the sample lacks are
// filled with small synthetic files whose every row says "TEST DATA", so they can never be
// mistaken for police.uk data.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { API_CATEGORY_TO_CRIME_TYPE, STREET_COLUMNS } from '../../src/shared/constants.ts';
import { buildZip, type ZipInput } from './zip-writer.ts';

export const SAMPLE_DIR = path.join('data', 'sample', 'archive');
export const REAL_STREET_MONTHS = ['2024-03', '2025-02', '2025-03'] as const;
/** A few forces, so the archive holds far more than West Yorkshire, as the real one does. */
export const ARCHIVE_FORCES = [
  'avon-and-somerset',
  'btp',
  'cleveland',
  'west-midlands',
  'west-yorkshire',
] as const;
const KINDS = ['street', 'outcomes', 'stop-and-search'] as const;
/** Synthetic rows per file: enough bulk that West Yorkshire's month is a small part of the archive. */
const SYNTHETIC_ROWS = 250;

export function monthsEndingAt(month: string, count: number): string[] {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i -= 1) {
    const index = year * 12 + mon - 1 - i;
    months.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return months;
}

export function sampleStreetFile(month: string): Buffer {
  return readFileSync(path.join(SAMPLE_DIR, month, `${month}-west-yorkshire-street.csv`));
}

/** The sample's real stop-and-search file: West Yorkshire's, August 2021. */
export const SAMPLE_STOP_SEARCH = path.join(
  SAMPLE_DIR,
  '2021-08',
  '2021-08-west-yorkshire-stop-and-search.csv',
);

/**
 * The sample's stop-and-search file with each search dated in `month` (the 15th, at its own
 * time of day), as a file of that month holds: a search dated in another month than its file is
 * dropped (stop-search.ts).
 */
export function sampleStopSearchIn(month: string): string {
  return readFileSync(SAMPLE_STOP_SEARCH, 'utf8').replace(
    /^([^,\n]*),\d{4}-\d{2}-\d{2}T/gm,
    `$1,${month}-15T`,
  );
}

/**
 * The lines of a sample month's West Yorkshire street file that hold a crime (a Crime ID in
 * police.uk's form), in order and as the file writes them (each CRLF's carriage return kept).
 */
export function sampleCrimeLines(month: string): string[] {
  return sampleStreetFile(month)
    .toString('utf8')
    .split('\n')
    .filter((line) => /^[0-9a-f]{64},/.test(line));
}

/** A street file line listed in `month` instead: its Month field (the second) replaced. */
export function relistedIn(line: string, month: string): string {
  const fields = line.split(',');
  fields[1] = month;
  return fields.join(',');
}

/** Deterministic, poorly compressible hex, so synthetic files have realistic compressed sizes. */
function pseudoHex(seed: number, length: number): string {
  let state = seed >>> 0 || 1;
  let out = '';
  while (out.length < length) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out += state.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

export function syntheticFile(
  month: string,
  force: string,
  kind: string,
  rows = SYNTHETIC_ROWS,
): Buffer {
  const seed = [...`${month}${force}${kind}`].reduce(
    (h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619),
    2166136261,
  );
  const lines = [STREET_COLUMNS.join(',')];
  for (let i = 0; i < rows; i += 1) {
    lines.push(
      `${pseudoHex(seed + i, 64)},${month},TEST DATA,TEST DATA,-1.5${i % 10},53.8${i % 10},TEST DATA (synthetic ${force} ${kind}),,,Other crime,,`,
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

export interface ArchiveOptions {
  /** Leave out entries for which this returns true (e.g. an empty month). */
  omit?: (name: string) => boolean;
  zip64?: boolean;
}

/** The entries of police.uk archive `<archiveMonth>.zip`: 36 months, real where the sample has them. */
export function archiveEntries(archiveMonth: string, options: ArchiveOptions = {}): ZipInput[] {
  const entries: ZipInput[] = [];
  for (const month of monthsEndingAt(archiveMonth, 36)) {
    for (const force of ARCHIVE_FORCES) {
      for (const kind of KINDS) {
        const name = `${month}/${month}-${force}-${kind}.csv`;
        if (options.omit?.(name)) continue;
        const real =
          force === 'west-yorkshire' &&
          kind === 'street' &&
          (REAL_STREET_MONTHS as readonly string[]).includes(month);
        entries.push({
          name,
          data: real ? sampleStreetFile(month) : syntheticFile(month, force, kind),
        });
      }
    }
  }
  return entries;
}

const archiveCache = new Map<string, Promise<Buffer>>();

export function buildArchive(archiveMonth: string, options: ArchiveOptions = {}): Promise<Buffer> {
  const key = `${archiveMonth}|${options.zip64 ?? false}`;
  if (options.omit) return buildZip(archiveEntries(archiveMonth, options), options);
  let zip = archiveCache.get(key);
  if (!zip) {
    zip = buildZip(archiveEntries(archiveMonth, options), options);
    archiveCache.set(key, zip);
  }
  return zip;
}

/** Archive CSV rows of a sample month, keyed by column name. */
export function sampleRows(month: string): Record<string, string>[] {
  return parse(sampleStreetFile(month), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}

const CATEGORY_BY_TYPE = new Map<string, string>(
  Object.entries(API_CATEGORY_TO_CRIME_TYPE).map(([slug, type]) => [type, slug]),
);

/** A sample row in the crimes-street shape police.uk's API answers with. */
export function toApiCrime(row: Record<string, string>, id: number): Record<string, unknown> {
  const outcome = row['Last outcome category'] ?? '';
  return {
    category: CATEGORY_BY_TYPE.get(row['Crime type'] ?? '') ?? 'other-crime',
    location_type: 'Force',
    location: {
      latitude: row.Latitude,
      street: { id: 1_000_000 + (id % 50_000), name: row.Location },
      longitude: row.Longitude,
    },
    context: row.Context ?? '',
    outcome_status: outcome === '' ? null : { category: outcome, date: row.Month },
    persistent_id: row['Crime ID'] ?? '',
    id,
    location_subtype: '',
    month: row.Month,
  };
}

/** The [longitude, latitude] of a crime in the API's shape (toApiCrime). */
export function pointOf(crime: Record<string, unknown>): [number, number] {
  const { longitude, latitude } = crime['location'] as { longitude: string; latitude: string };
  return [Number(longitude), Number(latitude)];
}
