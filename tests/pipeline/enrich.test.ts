import { beforeAll, describe, expect, it } from 'vitest';
import { addLsoaHint, enrich, type LsoaHints } from '../../pipeline/enrich.ts';
import { coordinateKey } from '../../src/shared/coordinates.ts';
import { createLocator, loadGeography, type Locator } from '../../pipeline/geo.ts';
import { enrichedCrimeSchema, parseOrThrow } from '../../src/shared/schema.ts';
import { sampleRows, type SampleRow } from './geo-sample.ts';

let locator: Locator;
const rows = sampleRows();

beforeAll(async () => {
  locator = createLocator(await loadGeography('data/reference'));
});

const placeOf = (row: SampleRow) => {
  const place = locator.locate(row.lon, row.lat);
  if (place === null) throw new Error(`${row.file}:${row.line} is outside Leeds`);
  return place;
};

/** A sample row whose point-in-polygon LSOA differs from the one police.uk gave it. */
const rowWithOtherLsoa = (): SampleRow => {
  const row = rows.find((r) => placeOf(r).lsoaCode !== r.lsoaCode);
  if (row === undefined) throw new Error('no sample row where police.uk and the polygons differ');
  return row;
};

/** The same crime as the API gives it: no LSOA. */
const asApiRecord = (row: SampleRow) => ({ ...row.record, lsoaCode: '', lsoaName: '' });

/** Hints from archive records, in order (see addLsoaHint). */
function hintsFrom(records: readonly SampleRow['record'][]): LsoaHints {
  const hints: LsoaHints = new Map();
  for (const record of records) addLsoaHint(hints, record);
  return hints;
}

describe('enrich(record, place, source, lsoaHints)', () => {
  it("keeps police.uk's own LSOA on archive rows, even where the polygons say otherwise", () => {
    const row = rowWithOtherLsoa();
    const place = placeOf(row);
    const enriched = enrich(row.record, place, 'archive');
    expect(enriched.lsoaCode).toBe(row.lsoaCode);
    expect(enriched.lsoaName).toBe(row.lsoaName);
    expect(enriched.lsoaCode).not.toBe(place.lsoaCode);
  });

  it("adds ward, 2021 LSOA, postcode district, polling district and police.uk's outcome as the latest known, and keeps every other field", () => {
    const [row] = rows;
    const place = placeOf(row!);
    const enriched = parseOrThrow(
      enrichedCrimeSchema,
      enrich(row!.record, place, 'archive'),
      'row',
    );
    expect(enriched).toEqual({
      ...row!.record,
      wardName: place.wardName,
      wardCode: place.wardCode,
      lsoa21Code: place.lsoaCode,
      postcodeDistrict: place.postcodeDistrict,
      postcodeDistrictEstimated: place.postcodeApproximate,
      pollingDistrict: '',
      outcome: row!.record.lastOutcome,
    });
    expect(enriched.outcome).not.toBe('');
    expect(enriched.lsoa21Code).toMatch(/^E01\d{6}$/);
    expect(enriched.wardCode).toMatch(/^E05\d{6}$/);
  });

  it('gives an API row the LSOA police.uk gave the same coordinate in the archive', () => {
    const row = rowWithOtherLsoa();
    const hints = hintsFrom(rows.map((r) => r.record));
    const enriched = enrich(asApiRecord(row), placeOf(row), 'api', hints);
    expect(enriched.lsoaCode).toBe(row.lsoaCode);
    expect(enriched.lsoaName).toBe(row.lsoaName);
  });

  it('gives an API row the point-in-polygon LSOA when the archive never had its coordinate', () => {
    const row = rowWithOtherLsoa();
    const place = placeOf(row);
    const enriched = enrich(asApiRecord(row), place, 'api', new Map());
    expect(enriched.lsoaCode).toBe(place.lsoaCode);
    expect(enriched.lsoaName).toBe(place.lsoaName);
    expect(enrich(asApiRecord(row), place, 'api').lsoaCode).toBe(place.lsoaCode);
  });

  it('falls back to the point-in-polygon LSOA on an archive row that has none', () => {
    const row = rows[0]!;
    const place = placeOf(row);
    expect(enrich(asApiRecord(row), place, 'archive').lsoaCode).toBe(place.lsoaCode);
  });

  it('gives every sample row, as an API row, the LSOA police.uk gave it', () => {
    const hints = hintsFrom(rows.map((r) => r.record));
    const differing = rows.filter(
      (row) => enrich(asApiRecord(row), placeOf(row), 'api', hints).lsoaCode !== row.lsoaCode,
    );
    expect(differing).toHaveLength(0);
  });
});

describe('addLsoaHint(hints, record)', () => {
  it('holds one hint per distinct coordinate with an LSOA', () => {
    const hints = hintsFrom(rows.map((r) => r.record));
    const coordinates = new Set(rows.map((r) => coordinateKey(r.lon, r.lat)));
    expect(hints.size).toBe(coordinates.size);
  });

  it('lets a later month overwrite an earlier one, and ignores rows without an LSOA', () => {
    const [row] = rows;
    const hints = hintsFrom([
      { ...row!.record, month: '2020-01', lsoaCode: 'E01000001', lsoaName: 'Old 001A' },
    ]);
    addLsoaHint(hints, row!.record);
    addLsoaHint(hints, { ...row!.record, lsoaCode: '', lsoaName: '' });
    expect(hints.get(coordinateKey(row!.lon, row!.lat))).toEqual({
      code: row!.lsoaCode,
      name: row!.lsoaName,
    });
  });
});
