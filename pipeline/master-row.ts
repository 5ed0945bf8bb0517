// A kept crime as a row of the master dataset (MASTER_COLUMNS): what every month cache file,
// the master CSV and the yearly downloads hold, written the same way by each.
import { MASTER_COLUMNS } from '../src/shared/constants.ts';
import type { EnrichedCrime } from '../src/shared/schema.ts';
import { formatCsvField, formatCsvRow } from './csv.ts';

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
    (crime.postcodeDistrictEstimated ? 'true' : 'false') +
    ',' +
    formatCsvField(crime.pollingDistrict) +
    ',' +
    formatCsvField(crime.outcome) +
    '\n'
  );
}

export const MASTER_HEADER = formatCsvRow(MASTER_COLUMNS);
