// A kept crime as a row of the master dataset (MASTER_COLUMNS): what every month cache file,
// the master CSV and the yearly downloads hold, written the same way by each.
import { MASTER_COLUMNS } from '../src/shared/constants.ts';
import type { EnrichedCrime } from '../src/shared/schema.ts';
import { formatCsvRow } from './csv.ts';

/** Coordinates as police.uk writes them: 6 decimal places (about 0.1 m). */
const COORDINATE_DECIMALS = 6;

/** A kept crime as a master CSV row, in MASTER_COLUMNS order. */
export function masterRow(crime: EnrichedCrime): string[] {
  const row = [
    crime.crimeId,
    crime.month,
    crime.reportedBy,
    crime.fallsWithin,
    crime.longitude.toFixed(COORDINATE_DECIMALS),
    crime.latitude.toFixed(COORDINATE_DECIMALS),
    crime.location,
    crime.lsoaCode,
    crime.lsoaName,
    crime.crimeType,
    crime.lastOutcome,
    crime.context,
    crime.wardName,
    crime.wardCode,
    crime.lsoa21Code,
    crime.postcodeDistrict,
    crime.pollingDistrict,
    crime.outcome,
  ];
  if (row.length !== MASTER_COLUMNS.length)
    throw new Error('masterRow does not match MASTER_COLUMNS');
  return row;
}

export const MASTER_HEADER = formatCsvRow(MASTER_COLUMNS);
