// Archive CSV rows and API crimes -> one CrimeRecord. Pure. A row that cannot become a record
// is returned with its DropReason and a detail naming the bad value, never thrown.
import { z } from 'zod';
import {
  API_CATEGORY_TO_CRIME_TYPE,
  CRIME_TYPES,
  STREET_COLUMNS,
  type CrimeType,
} from '../src/shared/constants.ts';
import { MONTH_PATTERN } from '../src/shared/months.ts';
import type { CrimeRecord, DropReason } from '../src/shared/schema.ts';
import { streetColumnsFromRow } from './master-row.ts';
import { needsRepair, repairText, type RowRepair } from './text-repair.ts';

export type Normalised =
  | {
      ok: true;
      record: CrimeRecord;
      /**
       * The record's street columns as the master CSV writes them, taken from the row's text
       * when it was given and fits (streetColumnsFromRow); else undefined.
       */
      streetColumns?: string | undefined;
      /** How the row's text was repaired (text-repair.ts); undefined when it needed none. */
      repairs?: readonly RowRepair[] | undefined;
    }
  | { ok: false; reason: DropReason; detail: string };

/** A decimal number as police.uk writes coordinates ("-1.391358"); no exponents, hex or blanks. */
const DECIMAL = /^-?\d+(\.\d+)?$/;

const CRIME_TYPE_SET: ReadonlySet<string> = new Set(CRIME_TYPES);

/** A police.uk street-level CSV row, keyed by STREET_COLUMNS. Missing columns read as "". */
export type ArchiveRow = Readonly<Record<string, string | undefined>>;

/** Where each street column is in a row of STREET_COLUMNS order. */
const AT = Object.fromEntries(STREET_COLUMNS.map((name, i) => [name, i])) as Readonly<
  Record<(typeof STREET_COLUMNS)[number], number>
>;

/** normaliseStreetFields for a row keyed by column name. */
export function normaliseArchiveRow(row: ArchiveRow, text?: string): Normalised {
  return normaliseStreetFields(
    STREET_COLUMNS.map((name) => row[name]),
    text,
  );
}

/**
 * A street row, its fields in STREET_COLUMNS order (missing ones read as ""), as a record.
 * `text`: the row's text when it is those fields joined by commas, none quoted (CsvRow.text of
 * a file whose header is STREET_COLUMNS), for the record's streetColumns.
 */
export function normaliseStreetFields(
  fields: readonly (string | undefined)[],
  text?: string,
): Normalised {
  // One test of a plain row's text finds the rare row that needs a repair.
  const suspect =
    text === undefined ? fields.some((f) => f !== undefined && needsRepair(f)) : needsRepair(text);
  if (!suspect) return streetRecord(fields, text);
  const repairs: RowRepair[] = [];
  const repaired = fields.map((f, i) =>
    f === undefined ? f : repairText(STREET_COLUMNS[i] ?? `column ${i + 1}`, f, repairs),
  );
  // The row's text is not the repaired fields': the master CSV writes them anew.
  const result = streetRecord(repaired, undefined);
  return result.ok && repairs.length > 0 ? { ...result, repairs } : result;
}

function streetRecord(fields: readonly (string | undefined)[], text?: string): Normalised {
  // Trimmed and nothing else: streetColumnsFromRow tells a trimmed field by its length, and
  // the duplicate check reads a row back from its street columns (recordOfStreetColumns).
  const field = (i: number) => (fields[i] ?? '').trim();
  const month = parseMonthField(field(AT['Month']));
  if (!month.ok) return month;
  const crimeType = field(AT['Crime type']);
  if (!CRIME_TYPE_SET.has(crimeType)) {
    return drop('malformed-crime-type', `Crime type "${crimeType}" is not a police.uk crime type`);
  }
  const longitude = field(AT['Longitude']);
  const latitude = field(AT['Latitude']);
  const point = checkCoordinates(longitude, latitude);
  if (!point.ok) return point;
  const record: CrimeRecord = {
    crimeId: field(AT['Crime ID']),
    month: month.month,
    reportedBy: field(AT['Reported by']),
    fallsWithin: field(AT['Falls within']),
    longitude: point.longitude,
    latitude: point.latitude,
    location: field(AT['Location']),
    lsoaCode: field(AT['LSOA code']),
    lsoaName: field(AT['LSOA name']),
    crimeType: crimeType as CrimeType,
    lastOutcome: field(AT['Last outcome category']),
    context: field(AT['Context']),
  };
  const streetColumns =
    text === undefined ? undefined : streetColumnsFromRow(record, text, longitude, latitude);
  return { ok: true, record, streetColumns };
}

/**
 * One element of the police.uk API `crimes-street` response. Every field falls back to null
 * when absent or of the wrong type, so one odd crime is dropped with a reason by
 * normaliseApiCrime instead of failing the whole response.
 */
export const apiCrimeSchema = z.object({
  category: z.string().nullish().catch(null),
  persistent_id: z.string().nullish().catch(null),
  month: z.string().nullish().catch(null),
  location: z
    .object({
      latitude: z.string().nullish().catch(null),
      longitude: z.string().nullish().catch(null),
      street: z
        .object({ id: z.number().nullish().catch(null), name: z.string().nullish().catch(null) })
        .nullish()
        .catch(null),
    })
    .nullish()
    .catch(null),
  context: z.string().nullish().catch(null),
  outcome_status: z
    .object({
      category: z.string().nullish().catch(null),
      date: z.string().nullish().catch(null),
    })
    .nullish()
    .catch(null),
  id: z.number().nullish().catch(null),
  location_type: z.string().nullish().catch(null),
  location_subtype: z.string().nullish().catch(null),
});
/** The crimes-street shape as parsed by apiCrimeSchema (fields may be null). */
export type ApiCrime = z.input<typeof apiCrimeSchema>;

/**
 * `force`: whom the crime is reported by, the area's territorial force as police.uk names it
 * (src/shared/police-forces.ts): the API is queried over its district, and its crimes carry no force.
 */
export function normaliseApiCrime(crime: ApiCrime, force: string): Normalised {
  const repairs: RowRepair[] = [];
  const text = (name: string, value: string | null | undefined) =>
    repairText(name, value ?? '', repairs).trim();
  const month = parseMonthField(text('month', crime.month));
  if (!month.ok) return month;
  const category = text('category', crime.category);
  const crimeType = Object.hasOwn(API_CATEGORY_TO_CRIME_TYPE, category)
    ? API_CATEGORY_TO_CRIME_TYPE[category]
    : undefined;
  if (crimeType === undefined) {
    return drop('malformed-crime-type', `category "${category}" is not a police.uk crime category`);
  }
  const point = checkCoordinates(
    (crime.location?.longitude ?? '').trim(),
    (crime.location?.latitude ?? '').trim(),
  );
  if (!point.ok) return point;
  return {
    ok: true,
    record: {
      // The API has no Crime ID for anti-social behaviour either: persistent_id is "".
      crimeId: text('persistent_id', crime.persistent_id),
      month: month.month,
      reportedBy: force,
      fallsWithin: force,
      longitude: point.longitude,
      latitude: point.latitude,
      location: text('location.street.name', crime.location?.street?.name),
      // Filled by enrichment: the API gives no LSOA.
      lsoaCode: '',
      lsoaName: '',
      crimeType,
      lastOutcome: text('outcome_status.category', crime.outcome_status?.category),
      context: text('context', crime.context),
    },
    ...(repairs.length > 0 ? { repairs } : {}),
  };
}

function drop<R extends DropReason>(
  reason: R,
  detail: string,
): { ok: false; reason: R; detail: string } {
  return { ok: false, reason, detail };
}

function parseMonthField(month: string) {
  return MONTH_PATTERN.test(month)
    ? ({ ok: true, month } as const)
    : drop('malformed-month', `Month "${month}" is not YYYY-MM`);
}

/**
 * Where every point police.uk publishes lies, generously: England, Wales and Northern Ireland,
 * whose forces publish there, and Scotland, where British Transport Police's reach (Shetland
 * at 60.9 N). A point outside is no place of theirs: its coordinates swapped (53.93, -1.38),
 * or a blank written as 0 (0, 0).
 */
export const POLICE_UK_BOUNDS = { west: -11, east: 3, south: 49, north: 61.5 } as const;

/**
 * Parse a coordinate pair; blank -> no-coordinates, anything else unusable (not a decimal
 * pair, or a point outside POLICE_UK_BOUNDS) -> malformed-coordinates.
 */
export function checkCoordinates(longitudeText: string, latitudeText: string) {
  if (longitudeText === '' || latitudeText === '') {
    return drop('no-coordinates', `Longitude "${longitudeText}", Latitude "${latitudeText}"`);
  }
  const longitude = Number(longitudeText);
  const latitude = Number(latitudeText);
  if (
    !DECIMAL.test(longitudeText) ||
    !DECIMAL.test(latitudeText) ||
    Math.abs(longitude) > 180 ||
    Math.abs(latitude) > 90
  ) {
    return drop(
      'malformed-coordinates',
      `Longitude "${longitudeText}", Latitude "${latitudeText}" is not a longitude/latitude pair`,
    );
  }
  const { west, east, south, north } = POLICE_UK_BOUNDS;
  if (longitude < west || longitude > east || latitude < south || latitude > north) {
    return drop(
      'malformed-coordinates',
      `Longitude "${longitudeText}", Latitude "${latitudeText}" is not in the UK, where every ` +
        'point police.uk publishes lies (the two swapped, or a blank written as 0?)',
    );
  }
  return { ok: true, longitude, latitude } as const;
}
