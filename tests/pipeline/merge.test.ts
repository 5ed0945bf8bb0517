import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ApiMonthFile } from '../../pipeline/api-months.ts';
import type { ArchiveEntry } from '../../pipeline/archive.ts';
import { chooseMonthSources, createDeduper } from '../../pipeline/merge.ts';
import { normaliseStreetFields } from '../../pipeline/normalise.ts';

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

/** The fields of line `line` of a street file (the files here have no quoted fields). */
async function lineFields(file: string, line: number): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n')[line - 1]!.split(',');
}

/** A street row's fields normalised, given their text (as CsvRow.text) when `withText`. */
function normalisedRow(fields: readonly string[], withText: boolean) {
  const normalised = normaliseStreetFields(fields, withText ? fields.join(',') : undefined);
  if (!normalised.ok) throw new Error(normalised.detail);
  return normalised;
}

describe.each([
  ['with the street columns of their text', true],
  ['as records alone', false],
])('createDeduper, rows given %s', (_, withText) => {
  /** A line of a street file as normalised. */
  async function row(file: string, line: number) {
    return normalisedRow(await lineFields(file, line), withText);
  }
  /** repeatOf for a normalised row. */
  function repeatOfRow(
    repeatOf: ReturnType<typeof createDeduper>['repeatOf'],
    { record, streetColumns }: ReturnType<typeof normalisedRow>,
  ) {
    return repeatOf(record, streetColumns);
  }

  const SLICE = 'tests/fixtures/pipeline/slice/archive/2025-03/2025-03-west-yorkshire-street.csv';
  // A real repeat: South Yorkshire listed this shoplifting twice in February 2024, at two places.
  const SHEFFIELD =
    'data/areas/sheffield/sample/archive/2024-02/2024-02-south-yorkshire-street.csv';

  it('gives its rows street columns exactly when asked to', async () => {
    expect((await row(SLICE, 12)).streetColumns !== undefined).toBe(withText);
  });

  it('repeatOf(row) is undefined for the first row with a Crime ID, and no columns for an exact repeat', async () => {
    const { repeatOf } = createDeduper();
    // Line 31 of the slice is an exact copy of line 12 (tests/fixtures/pipeline/README.md).
    const first = await row(SLICE, 12);
    expect(repeatOfRow(repeatOf, first)).toBeUndefined();
    expect(repeatOfRow(repeatOf, await row(SLICE, 13))).toBeUndefined();
    expect(repeatOfRow(repeatOf, await row(SLICE, 31))).toEqual([]);
    expect(repeatOfRow(repeatOf, first)).toEqual([]);
  });

  it('repeatOf(row) names the columns in which a repeat differs from the first row', async () => {
    const { repeatOf } = createDeduper();
    expect(repeatOfRow(repeatOf, await row(SHEFFIELD, 12001))).toBeUndefined();
    expect(repeatOfRow(repeatOf, await row(SHEFFIELD, 13158))).toEqual([
      'Longitude',
      'Latitude',
      'Location',
      'LSOA code',
      'LSOA name',
      'Last outcome category',
    ]);
  });

  it('compares every column but the Crime ID and month, each on its own, as read and as records', async () => {
    const fields = await lineFields(SLICE, 12);
    const first = normalisedRow(fields, withText);
    const changes: [number, string, string][] = [
      [2, 'British Transport Police', 'Reported by'],
      [3, 'British Transport Police', 'Falls within'],
      [4, (first.record.longitude + 1e-6).toFixed(6), 'Longitude'],
      [5, (first.record.latitude - 1e-6).toFixed(6), 'Latitude'],
      [6, 'On or near Supermarket', 'Location'],
      [7, 'E01011718', 'LSOA code'],
      [8, 'Leeds 029D', 'LSOA name'],
      [9, 'Other theft', 'Crime type'],
      [10, 'Suspect charged', 'Last outcome category'],
      [11, 'Reported at the station', 'Context'],
    ];
    for (const [i, value, column] of changes) {
      const changed = fields.with(i, value);
      // The repeat read from its text, and as a record alone (an API crime, a quoted row).
      for (const repeat of [normalisedRow(changed, true), normalisedRow(changed, false)]) {
        const { repeatOf } = createDeduper();
        repeatOfRow(repeatOf, first);
        expect(repeatOfRow(repeatOf, repeat)).toEqual([column]);
      }
    }
  });

  it('takes a repeat written otherwise with the same values for an exact repeat', async () => {
    // A first row whose longitude ends in zeros, which a repeat may leave out.
    const fields = (await lineFields(SLICE, 12)).with(4, '-1.455700');
    const first = normalisedRow(fields, withText);
    const otherwise = [
      // Zeros added to the coordinates, or taken away.
      fields.with(4, '-1.4557000').with(5, `${fields[5]}00`),
      fields.with(4, '-1.4557'),
      fields.with(4, '-1.45570'),
      // Spaces around fields, which are trimmed.
      fields.with(6, ` ${fields[6]}`).with(11, `${fields[11]} `),
      fields.with(1, ` ${fields[1]}`),
    ];
    // Zeros taken away give the same street columns: the same text, an exact repeat at once.
    expect(normalisedRow(otherwise[1]!, true).streetColumns).toBe(
      normalisedRow(fields, true).streetColumns,
    );
    for (const repeat of otherwise) {
      for (const text of [true, false]) {
        const { repeatOf } = createDeduper();
        repeatOfRow(repeatOf, first);
        expect(repeatOfRow(repeatOf, normalisedRow(repeat, text))).toEqual([]);
      }
    }
  });

  it('never treats blank Crime IDs (anti-social behaviour) as repeats', async () => {
    const { repeatOf } = createDeduper();
    // Line 10 of the slice is an anti-social behaviour row.
    const asb = await row(SLICE, 10);
    expect(asb.record.crimeId).toBe('');
    expect([
      repeatOfRow(repeatOf, asb),
      repeatOfRow(repeatOf, asb),
      repeatOfRow(repeatOf, asb),
    ]).toEqual([undefined, undefined, undefined]);
  });

  it('tells repeats from first rows among thousands of Crime IDs', async () => {
    const { repeatOf } = createDeduper();
    const base = await lineFields(SLICE, 12);
    const id = (n: number) => n.toString(16).padStart(64, '0');
    const numbered = (n: number, location: string) =>
      normalisedRow(base.with(0, id(n)).with(6, location), withText);
    for (let n = 0; n < 3000; n++)
      expect(repeatOfRow(repeatOf, numbered(n, `${n}`))).toBeUndefined();
    for (let n = 0; n < 3000; n++) expect(repeatOfRow(repeatOf, numbered(n, `${n}`))).toEqual([]);
    expect(repeatOfRow(repeatOf, numbered(5, '6'))).toEqual(['Location']);
  });
});
