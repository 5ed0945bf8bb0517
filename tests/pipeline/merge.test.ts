import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { STREET_COLUMNS } from '../../src/shared/constants.ts';
import type { CrimeRecord } from '../../src/shared/schema.ts';
import type { ApiMonthFile } from '../../pipeline/api-months.ts';
import type { ArchiveEntry } from '../../pipeline/archive.ts';
import { chooseMonthSources, createDeduper } from '../../pipeline/merge.ts';
import { normaliseArchiveRow } from '../../pipeline/normalise.ts';

function street(month: string, force: string): ArchiveEntry {
  return {
    month,
    force,
    kind: 'street',
    where: `archive/${month}/${month}-${force}-street.csv`,
    input: 'archive',
    snapshot: 'archive:2025-03',
    size: 1,
    fingerprint: 'f',
    modifiedAt: new Date(0),
    open: () => Promise.reject(new Error('not read in this test')),
  };
}

function api(month: string): ApiMonthFile {
  return {
    month,
    path: `cache/api/${month}.json`,
    snapshot: `api:${month}`,
    fetchedAt: '2025-05-01T00:00:00.000Z',
    size: 1,
    fingerprint: 'f',
  };
}

describe('chooseMonthSources', () => {
  it('takes a month from the archive when it has it, from the API otherwise, and says what was not used', () => {
    const { months } = chooseMonthSources(
      [street('2025-02', 'west-yorkshire'), street('2025-03', 'west-yorkshire')],
      [api('2025-03'), api('2025-04')],
    );
    expect(months.map((m) => [m.month, m.source, m.snapshot, m.notUsed])).toEqual([
      ['2025-02', 'archive', 'archive:2025-03', []],
      ['2025-03', 'archive', 'archive:2025-03', ['api']],
      ['2025-04', 'api', 'api:2025-04', []],
    ]);
  });

  it('reads British Transport Police with West Yorkshire, West Yorkshire first, and skips other forces', () => {
    const { months, skipped } = chooseMonthSources([
      street('2025-03', 'btp'),
      street('2025-03', 'north-yorkshire'),
      street('2025-03', 'west-yorkshire'),
    ]);
    const [march] = months;
    expect(march?.source === 'archive' && march.entries.map((e) => e.force)).toEqual([
      'west-yorkshire',
      'btp',
    ]);
    expect(skipped.map((s) => s.entry.force)).toEqual(['north-yorkshire']);
  });

  it('does not make a month of a BTP file alone', () => {
    const { months, skipped } = chooseMonthSources([street('2025-03', 'btp')]);
    expect(months).toEqual([]);
    expect(skipped[0]?.why).toMatch(/no west-yorkshire street file for 2025-03/);
  });
});

describe('chooseMonthSources(entries, apiMonths, forces)', () => {
  it("gives an API month the name of the area's territorial force, whom its crimes are reported by", () => {
    const leeds = chooseMonthSources([], [api('2025-04')]).months[0];
    const sheffield = chooseMonthSources([], [api('2025-04')], ['south-yorkshire', 'btp'])
      .months[0];
    expect(leeds?.source === 'api' && leeds.reportedBy).toBe('West Yorkshire Police');
    expect(sheffield?.source === 'api' && sheffield.reportedBy).toBe('South Yorkshire Police');
  });

  it('refuses an API month of a force whose police.uk name is not known, naming the force', () => {
    expect(() => chooseMonthSources([], [api('2025-04')], ['gwent', 'btp'])).toThrow(
      /No police.uk force name for "gwent"/,
    );
    expect(
      chooseMonthSources([street('2025-03', 'gwent')], [], ['gwent', 'btp']).months,
    ).toHaveLength(1);
  });
});

describe('createDeduper', () => {
  /** A line of a street file as normalised (the files here have no quoted fields). */
  async function record(file: string, line: number): Promise<CrimeRecord> {
    const fields = (await readFile(file, 'utf8')).split('\n')[line - 1]!.split(',');
    const normalised = normaliseArchiveRow(
      Object.fromEntries(STREET_COLUMNS.map((name, i) => [name, fields[i] ?? ''])),
    );
    if (!normalised.ok) throw new Error(normalised.detail);
    return normalised.record;
  }

  const SLICE = 'tests/fixtures/pipeline/slice/archive/2025-03/2025-03-west-yorkshire-street.csv';
  // A real repeat: South Yorkshire listed this shoplifting twice in February 2024, at two places.
  const SHEFFIELD =
    'data/areas/sheffield/sample/archive/2024-02/2024-02-south-yorkshire-street.csv';

  it('repeatOf(row) is undefined for the first row with a Crime ID, and no columns for an exact repeat', async () => {
    const { repeatOf } = createDeduper();
    // Line 31 of the slice is an exact copy of line 12 (tests/fixtures/pipeline/README.md).
    const first = await record(SLICE, 12);
    expect(repeatOf(first)).toBeUndefined();
    expect(repeatOf(await record(SLICE, 13))).toBeUndefined();
    expect(repeatOf(await record(SLICE, 31))).toEqual([]);
    expect(repeatOf(first)).toEqual([]);
  });

  it('repeatOf(row) names the columns in which a repeat differs from the first row', async () => {
    const { repeatOf } = createDeduper();
    expect(repeatOf(await record(SHEFFIELD, 12001))).toBeUndefined();
    expect(repeatOf(await record(SHEFFIELD, 13158))).toEqual([
      'Longitude',
      'Latitude',
      'Location',
      'LSOA code',
      'LSOA name',
      'Last outcome category',
    ]);
  });

  it('compares every column but the Crime ID and month, each on its own', async () => {
    const first = await record(SLICE, 12);
    const changes: [keyof CrimeRecord, string | number, string][] = [
      ['reportedBy', 'British Transport Police', 'Reported by'],
      ['fallsWithin', 'British Transport Police', 'Falls within'],
      ['longitude', first.longitude + 1e-6, 'Longitude'],
      ['latitude', first.latitude - 1e-6, 'Latitude'],
      ['location', 'On or near Supermarket', 'Location'],
      ['lsoaCode', 'E01011718', 'LSOA code'],
      ['lsoaName', 'Leeds 029D', 'LSOA name'],
      ['crimeType', 'Other theft', 'Crime type'],
      ['lastOutcome', 'Suspect charged', 'Last outcome category'],
      ['context', 'Reported at the station', 'Context'],
    ];
    for (const [field, value, column] of changes) {
      const { repeatOf } = createDeduper();
      repeatOf(first);
      expect(repeatOf({ ...first, [field]: value })).toEqual([column]);
    }
  });

  it('never treats blank Crime IDs (anti-social behaviour) as repeats', async () => {
    const { repeatOf } = createDeduper();
    // Line 10 of the slice is an anti-social behaviour row.
    const asb = await record(SLICE, 10);
    expect(asb.crimeId).toBe('');
    expect([repeatOf(asb), repeatOf(asb), repeatOf(asb)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('tells repeats from first rows past its first block of crimes', async () => {
    const { repeatOf } = createDeduper();
    const base = await record(SLICE, 12);
    const id = (n: number) => n.toString(16).padStart(64, '0');
    for (let n = 0; n < 3000; n++)
      expect(repeatOf({ ...base, crimeId: id(n), location: `${n}` })).toBeUndefined();
    for (let n = 0; n < 3000; n++) {
      expect(repeatOf({ ...base, crimeId: id(n), location: `${n}` })).toEqual([]);
    }
    expect(repeatOf({ ...base, crimeId: id(5), location: '6' })).toEqual(['Location']);
  });
});
