// A kept crime as a row of the master dataset (MASTER_COLUMNS): what every month cache file,
// the master CSV and the yearly downloads hold, written the same way by each.
import { CRIME_TYPES, MASTER_COLUMNS, type CrimeType } from '../src/shared/constants.ts';
import type { EnrichedCrime } from '../src/shared/schema.ts';
import { formatCsvField, formatCsvRow } from './csv.ts';
import { InputError } from './input-error.ts';

/** Coordinates as police.uk writes them: 6 decimal places (about 0.1 m). */
const COORDINATE_DECIMALS = 6;

/**
 * A kept crime as a master CSV line ending in "\n", its fields in MASTER_COLUMNS order (the
 * tests read it back by column name). Joined field by field: built as an array of fields
 * and formatted by formatCsvRow, a month's rows cost about half as much again, some 0.25 s
 * of each month worker's time at full scale.
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
    formatCsvField(crime.wardName) +
    ',' +
    formatCsvField(crime.wardCode) +
    ',' +
    formatCsvField(crime.lsoa21Code) +
    ',' +
    formatCsvField(crime.postcodeDistrict) +
    ',' +
    String(crime.postcodeDistrictEstimated) +
    ',' +
    formatCsvField(crime.pollingDistrict) +
    ',' +
    formatCsvField(crime.outcome) +
    '\n'
  );
}

export const MASTER_HEADER = formatCsvRow(MASTER_COLUMNS);

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
