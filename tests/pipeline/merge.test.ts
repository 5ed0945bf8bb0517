import { describe, expect, it } from 'vitest';
import type { ApiMonthFile } from '../../pipeline/api-months.ts';
import type { ArchiveEntry } from '../../pipeline/archive.ts';
import { chooseMonthSources, createDeduper } from '../../pipeline/merge.ts';

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
  it('isDuplicate(id) is true from the second time an id is seen', () => {
    const { isDuplicate } = createDeduper();
    const id = '9897fc02526c7bcf47e179dee300f292b2635c36415c81773f2e2acec5774227';
    expect(isDuplicate(id)).toBe(false);
    expect(isDuplicate(id)).toBe(true);
    expect(isDuplicate(id)).toBe(true);
  });

  it('never treats blank Crime IDs (anti-social behaviour) as duplicates', () => {
    const { isDuplicate } = createDeduper();
    expect([isDuplicate(''), isDuplicate(''), isDuplicate('')]).toEqual([false, false, false]);
  });
});
