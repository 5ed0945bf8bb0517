// A kept crime as a row of the master dataset (MASTER_COLUMNS): what every month cache file,
// the master CSV and the yearly downloads hold, written the same way by each.
import { CRIME_TYPES, MASTER_COLUMNS, type CrimeType } from '../src/shared/constants.ts';
import type { CrimeRecord, EnrichedCrime } from '../src/shared/schema.ts';
import { formatCsvField, formatCsvRow } from './csv.ts';
import type { Place } from './geo.ts';
import { InputError } from './input-error.ts';

/** Coordinates as police.uk writes them: 6 decimal places (about 0.1 m). */
const COORDINATE_DECIMALS = 6;

/**
 * A kept crime as a master CSV line ending in "\n", its fields in MASTER_COLUMNS order (the
 * tests read it back by column name). Joined field by field: built as an array of fields and
 * formatted by formatCsvRow, a month's rows cost about half as much again, some 0.25 s of
 * each month worker's time at full scale. masterLineFor writes the same line for most rows
 * from the text they were read from.
 */
export function masterLine(crime: EnrichedCrime): string {
  return (
    formatCsvField(crime.crimeId) +
    ',' +
    formatCsvField(crime.month) +
    ',' +
    formatCsvField(crime.reportedBy) +
    ',' +
    formatCsvField(crime.fallsWithin) +
    ',' +
    crime.longitude.toFixed(COORDINATE_DECIMALS) +
    ',' +
    crime.latitude.toFixed(COORDINATE_DECIMALS) +
    ',' +
    formatCsvField(crime.location) +
    ',' +
    formatCsvField(crime.lsoaCode) +
    ',' +
    formatCsvField(crime.lsoaName) +
    ',' +
    formatCsvField(crime.crimeType) +
    ',' +
    formatCsvField(crime.lastOutcome) +
    ',' +
    formatCsvField(crime.context) +
    ',' +
    placeColumnsOf(crime) +
    ',' +
    formatCsvField(crime.outcome) +
    '\n'
  );
}

/**
 * The enrichment columns that come from a crime's place, as the master CSV writes them: ward
 * name, ward code, LSOA 2021, postcode district, estimated, polling district (no comma around).
 * Joined from an array, which makes one flat string (masterLineOf keeps it for the place's
 * rows): joined with `+`, the columns were a V8 cons string of eleven parts, and every line
 * made with them copied it part by part again when its batch was written, some 0.35 s of each
 * month worker at full scale against about 0.05 s for flat columns.
 */
function placeColumnsOf(crime: EnrichedCrime): string {
  return [
    formatCsvField(crime.wardName),
    formatCsvField(crime.wardCode),
    formatCsvField(crime.lsoa21Code),
    formatCsvField(crime.postcodeDistrict),
    String(crime.postcodeDistrictEstimated),
    formatCsvField(crime.pollingDistrict),
  ].join(',');
}

export const MASTER_HEADER = formatCsvRow(MASTER_COLUMNS);

/**
 * A coordinate as police.uk writes it: at most 3 digits before the point (a longitude or
 * latitude needs no more), no leading zeros, at most COORDINATE_DECIMALS decimals.
 * toFixed(COORDINATE_DECIMALS) of its value is itself with zeros added.
 */
const SHORT_DECIMAL = new RegExp(`^-?(?:0|[1-9]\\d{0,2})(?:\\.\\d{1,${COORDINATE_DECIMALS}})?$`);
/** The zeros a decimal of COORDINATE_DECIMALS - i decimals needs: PADDING[i]. */
const PADDING = Array.from({ length: COORDINATE_DECIMALS }, (_, i) => '0'.repeat(i));
/** What an integer needs: its point and every decimal. */
const INTEGER_PADDING = `.${'0'.repeat(COORDINATE_DECIMALS)}`;

/**
 * What masterLine writes for the coordinate `value` (its toFixed(COORDINATE_DECIMALS)), made
 * from `text`, the decimal `value` was read from, by adding zeros. Undefined when `text` is
 * not as SHORT_DECIMAL reads (more decimals, leading zeros, an exponent, 4 digits or more
 * before the point) or is a negative zero ("-0.0", which toFixed writes without its sign):
 * such a coordinate is written by masterLine itself.
 */
export function coordinateAsWritten(text: string, value: number): string | undefined {
  if (!SHORT_DECIMAL.test(text) || (value === 0 && text.charCodeAt(0) === 0x2d)) return undefined;
  const dot = text.indexOf('.');
  if (dot < 0) return text + INTEGER_PADDING;
  return text + PADDING[dot + COORDINATE_DECIMALS + 1 - text.length]!;
}

/**
 * The street columns of `record` as masterLine writes them (its line up to the enrichment
 * columns), made from `text`, the row it was read from (CsvRow.text: the street columns in
 * order, none quoted), rather than field by field. `record`'s text fields must be the row's
 * fields trimmed and nothing else (normaliseStreetFields'), and `longitude` and `latitude`
 * the coordinates' text. Undefined when a field was trimmed or a coordinate's text is not as
 * coordinateAsWritten needs it.
 */
export function streetColumnsFromRow(
  record: CrimeRecord,
  text: string,
  longitude: string,
  latitude: string,
): string | undefined {
  const lon = coordinateAsWritten(longitude, record.longitude);
  const lat = coordinateAsWritten(latitude, record.latitude);
  if (lon === undefined || lat === undefined) return undefined;
  // Trimming only shortens: the fields add up to the row's length only when none was trimmed.
  const head =
    record.crimeId.length +
    record.month.length +
    record.reportedBy.length +
    record.fallsWithin.length +
    4;
  const tail = head + longitude.length + 1 + latitude.length;
  const length =
    tail +
    record.location.length +
    record.lsoaCode.length +
    record.lsoaName.length +
    record.crimeType.length +
    record.lastOutcome.length +
    record.context.length +
    6;
  if (length !== text.length) return undefined;
  if (lon === longitude && lat === latitude) return text;
  return `${text.slice(0, head)}${lon},${lat}${text.slice(tail)}`;
}

/**
 * Each place's columns (placeColumnsOf), formatted for the first crime met there: every crime
 * enrich() makes from a place has the same ones. A Place is never changed once the locator
 * has made it (its fields are read-only).
 */
const placeColumnsMade = new WeakMap<Place, string>();

/**
 * masterLine(crime) for a crime that enrich() made from a record and `place` keeping the
 * record's LSOA (an archive row with one), given the record's street columns `street`
 * (streetColumnsFromRow): a few strings joined, where masterLine formats and joins 19 fields
 * (most rows of a run are written this way, and most places are met again).
 */
export function masterLineOf(street: string, place: Place, crime: EnrichedCrime): string {
  let columns = placeColumnsMade.get(place);
  if (columns === undefined) {
    columns = placeColumnsOf(crime);
    placeColumnsMade.set(place, columns);
  }
  return `${street},${columns},${formatCsvField(crime.outcome)}\n`;
}

/**
 * masterLine(crime) for a crime that enrich() made from `record` and `place`: from the
 * record's street columns `street` (Normalised.streetColumns) when it has them and enrich kept
 * its LSOA (code and name, the street columns enrich may change), by masterLineOf; else field
 * by field.
 */
export function masterLineFor(
  crime: EnrichedCrime,
  record: CrimeRecord,
  street: string | undefined,
  place: Place,
): string {
  return street !== undefined &&
    crime.lsoaCode === record.lsoaCode &&
    crime.lsoaName === record.lsoaName
    ? masterLineOf(street, place, crime)
    : masterLine(crime);
}

/**
 * A master CSV row, as read back by its column names, as the EnrichedCrime masterLine wrote
 * it (every field is there). `where` ("file:line") names a row that masterLine cannot have
 * written: the file is damaged.
 */
export function masterRowCrime(
  values: Readonly<Record<string, string>>,
  where: string,
): EnrichedCrime {
  const v = (column: (typeof MASTER_COLUMNS)[number]) => values[column] ?? '';
  const damaged = (column: string, value: string, written: string) =>
    new InputError(
      where,
      `${column} is "${value}", not ${written} as the pipeline writes it: the file is damaged; ` +
        'delete it and run the pipeline again',
    );
  const estimated = v('Postcode District Estimated');
  if (estimated !== 'true' && estimated !== 'false') {
    throw damaged('Postcode District Estimated', estimated, 'true or false');
  }
  const coordinate = (column: 'Longitude' | 'Latitude'): number => {
    const text = v(column);
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw damaged(column, text, 'a number');
    return value;
  };
  const [longitude, latitude] = [coordinate('Longitude'), coordinate('Latitude')];
  const crimeType = v('Crime type');
  if (!(CRIME_TYPES as readonly string[]).includes(crimeType)) {
    throw damaged('Crime type', crimeType, "one of police.uk's crime types");
  }
  return {
    crimeId: v('Crime ID'),
    month: v('Month'),
    reportedBy: v('Reported by'),
    fallsWithin: v('Falls within'),
    longitude,
    latitude,
    location: v('Location'),
    lsoaCode: v('LSOA code'),
    lsoa21Code: v('LSOA 2021'),
    lsoaName: v('LSOA name'),
    crimeType: crimeType as CrimeType,
    lastOutcome: v('Last outcome category'),
    context: v('Context'),
    wardName: v('Ward Name'),
    wardCode: v('Ward Code'),
    postcodeDistrict: v('Postcode District'),
    postcodeDistrictEstimated: estimated === 'true',
    pollingDistrict: v('Polling District'),
    outcome: v('Outcome'),
  };
}
