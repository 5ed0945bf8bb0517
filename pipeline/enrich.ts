// Adds local geography to a crime record. The LSOA comes from police.uk wherever police.uk
// gave one, so our figures match theirs; our own point-in-polygon LSOA fills the gaps.
import type { CrimeRecord, EnrichedCrime, SourceKind } from '../src/shared/schema.ts';
import { coordinateKey } from '../src/shared/coordinates.ts';
import type { Place } from './geo.ts';

export interface LsoaHint {
  code: string;
  name: string;
}

/** coordinateKey(lon, lat) -> the LSOA police.uk gave that coordinate in an archive file. */
export type LsoaHints = Map<string, LsoaHint>;

/**
 * Record the LSOA police.uk gave an archive row's coordinate. Feed months in ascending order:
 * a later month overwrites an earlier one, so the newest LSOA vintage wins (police.uk moved
 * from 2011 to 2021 LSOA codes).
 */
export function addLsoaHint(
  hints: LsoaHints,
  record: Pick<CrimeRecord, 'longitude' | 'latitude' | 'lsoaCode' | 'lsoaName'>,
): void {
  if (record.lsoaCode === '') return;
  hints.set(coordinateKey(record.longitude, record.latitude), {
    code: record.lsoaCode,
    name: record.lsoaName,
  });
}

/**
 * The record with its place. LSOA: an archive row keeps police.uk's own code and name; an
 * API row (the API gives no LSOA) takes the LSOA police.uk gave the same coordinate in an
 * archive file, else the point-in-polygon LSOA of `place`. Either kind falls back to
 * `place` when police.uk left the LSOA empty. Outcome: police.uk's last outcome category,
 * until a later one from the outcomes files replaces it (applyLatestOutcome in outcomes.ts).
 */
export function enrich(
  record: CrimeRecord,
  place: Place,
  source: SourceKind,
  lsoaHints?: ReadonlyMap<string, LsoaHint>,
): EnrichedCrime {
  const own = record.lsoaCode === '' ? undefined : { code: record.lsoaCode, name: record.lsoaName };
  const hint =
    source === 'api' ? lsoaHints?.get(coordinateKey(record.longitude, record.latitude)) : undefined;
  const lsoa = (source === 'archive' ? own : hint) ?? {
    code: place.lsoaCode,
    name: place.lsoaName,
  };
  return {
    ...record,
    lsoaCode: lsoa.code,
    lsoaName: lsoa.name,
    wardName: place.wardName,
    wardCode: place.wardCode,
    lsoa21Code: place.lsoaCode,
    postcodeDistrict: place.postcodeDistrict,
    postcodeDistrictEstimated: place.postcodeApproximate,
    pollingDistrict: place.pollingDistrict,
    outcome: record.lastOutcome,
  };
}
