import { describe, expect, it } from 'vitest';
import type { MonthProvenance } from '../../src/shared/schema.ts';
import {
  changeLogSchema,
  EMPTY_CHANGE_LOG,
  type ChangeEntry,
} from '../../src/shared/change-log.ts';
import {
  changeEntry,
  commitMessage,
  isNewerSource,
  recordChange,
} from '../../pipeline/provenance.ts';
import { monthList } from '../../src/shared/months.ts';
import {
  committedSiteData,
  copy,
  fromSnapshot,
  monthIndex,
  removeCrimes,
  totalOf,
  withoutMonth,
} from '../support/site-data.ts';

const full = committedSiteData();
const beforeMarch = withoutMonth(full, '2025-03');
const march = totalOf(full, '2025-03');
const feb = totalOf(full, '2025-02');
const marchSource = full.provenance[monthIndex(full, '2025-03')] as MonthProvenance;
const febSource = full.provenance[monthIndex(full, '2025-02')] as MonthProvenance;

describe('changeEntry(previous, next)', () => {
  it('lists a new month with its rows and source', () => {
    const entry = changeEntry(beforeMarch, full);
    expect(entry).toEqual({
      refreshedAt: full.generatedAt,
      dataTo: '2025-03',
      added: [{ month: '2025-03', rows: march, source: 'archive', snapshot: marchSource.snapshot }],
      revised: [],
      outcomesUpdated: [],
    });
    expect(changeLogSchema.shape.entries.element.parse(entry)).toEqual(entry);
  });

  it('returns null when only timestamps differ', () => {
    const again = copy(full);
    again.generatedAt = '2025-07-01T00:00:00.000Z';
    for (const p of again.provenance) p.fetchedAt = '2025-07-01T00:00:00.000Z';
    expect(changeEntry(full, again)).toBeNull();
  });

  it('lists a revised month with its totals before and after and the types that moved', () => {
    const next = fromSnapshot(removeCrimes(full, '2025-02', 40), '2025-02', '2025-04.zip');
    const entry = changeEntry(full, next);
    expect(entry?.added).toEqual([]);
    expect(entry?.revised).toHaveLength(1);
    const revised = entry?.revised[0];
    expect(revised?.month).toBe('2025-02');
    expect(revised?.before).toEqual({ source: 'archive', snapshot: febSource.snapshot, rows: feb });
    expect(revised?.after).toEqual({ source: 'archive', snapshot: '2025-04.zip', rows: feb - 40 });
    const moved = (revised?.byType ?? []).reduce((sum, t) => sum + t.after - t.before, 0);
    expect(moved).toBe(-40);
    expect(revised?.byType.every((t) => t.before !== t.after)).toBe(true);
  });

  it('lists months whose outcomes changed while their counts did not', () => {
    const next = copy(full);
    const i = monthIndex(next, '2024-03');
    const outcomes = next.outcomes[0]?.[i] ?? [];
    const from = outcomes.findIndex((n) => n > 0);
    const to = next.outcomeCategories.indexOf('Awaiting court outcome');
    outcomes[from] = (outcomes[from] ?? 0) - 1;
    outcomes[to] = (outcomes[to] ?? 0) + 1;
    const entry = changeEntry(full, next);
    expect(entry).toMatchObject({ added: [], revised: [], outcomesUpdated: ['2024-03'] });
  });

  it('lists a month published before and not any more (an approved removal) as removed', () => {
    const entry = changeEntry(full, withoutMonth(full, '2024-03')) as ChangeEntry;
    expect(entry).toMatchObject({ added: [], revised: [], removed: ['2024-03'] });
    expect(changeLogSchema.shape.entries.element.parse(entry)).toEqual(entry);
    const message = commitMessage(entry);
    expect(message.split('\n')[0]).toBe('Data to 2025-03: remove 2024-03');
    expect(message).toContain('Removed 2024-03: published before, not any more.');
  });

  it("lists residents that changed with the reference data, the district's and each ward's", () => {
    const next = copy(full);
    const [first, second] = next.wards;
    const firstBefore = first!.population;
    first!.population = Math.round(firstBefore / 2);
    next.districtPopulation -= firstBefore - first!.population;
    const entry = changeEntry(full, next) as ChangeEntry;
    expect(entry).toMatchObject({ added: [], revised: [], outcomesUpdated: [] });
    expect(entry.residents).toEqual({
      district: { before: full.districtPopulation, after: next.districtPopulation },
      wards: [
        { code: first!.code, name: first!.name, before: firstBefore, after: first!.population },
      ],
    });
    expect(changeLogSchema.shape.entries.element.parse(entry)).toEqual(entry);
    const message = commitMessage(entry);
    expect(message.split('\n')[0]).toBe('Data to 2025-03: update residents and rates');
    expect(message).toContain(
      'Residents changed with the reference data, and every rate with them: the district ' +
        `${full.districtPopulation} -> ${next.districtPopulation}; ${first!.name} ` +
        `(${first!.code}) ${firstBefore} -> ${first!.population}.`,
    );
    // Residents moved between two wards leave the district's as it was.
    const moved = copy(full);
    moved.wards[0]!.population -= 100;
    moved.wards[1]!.population += 100;
    expect((changeEntry(full, moved) as ChangeEntry).residents).toEqual({
      wards: [
        expect.objectContaining({ code: first!.code, after: firstBefore - 100 }),
        expect.objectContaining({ code: second!.code, after: second!.population + 100 }),
      ],
    });
    // Unchanged residents leave the entry without them.
    expect(changeEntry(beforeMarch, full)).not.toHaveProperty('residents');
  });

  it("lists a ward's residents in the centre that changed, whose rates without the centre moved with them", () => {
    const next = copy(full);
    // The ward with most residents in the centre (Little London and Woodhouse).
    const ward = next.wards.reduce((a, b) =>
      b.cityCentreResidents > a.cityCentreResidents ? b : a,
    );
    const centreBefore = ward.cityCentreResidents;
    expect(centreBefore).toBeGreaterThan(500);
    ward.cityCentreResidents = centreBefore - 500;
    const entry = changeEntry(full, next) as ChangeEntry;
    expect(entry).toMatchObject({ added: [], revised: [], outcomesUpdated: [] });
    expect(entry.residents).toEqual({
      wards: [
        {
          code: ward.code,
          name: ward.name,
          before: ward.population,
          after: ward.population,
          centre: { before: centreBefore, after: centreBefore - 500 },
        },
      ],
    });
    expect(changeLogSchema.shape.entries.element.parse(entry)).toEqual(entry);
    const message = commitMessage(entry);
    expect(message.split('\n')[0]).toBe('Data to 2025-03: update residents and rates');
    expect(message).toContain(
      `${ward.name} (${ward.code}) ${ward.population} -> ${ward.population}, ` +
        `in the centre ${centreBefore} -> ${centreBefore - 500}`,
    );
  });

  it('lists wards a new boundary replaced, with their residents, when their codes change', () => {
    const next = copy(full);
    const [gone, moved] = next.wards;
    const goneBefore = { ...gone! };
    // The first ward's boundary is redrawn: a new code, and residents taken from the second.
    gone!.code = 'E05099999';
    gone!.name = `${goneBefore.name} New`;
    gone!.population += 300;
    moved!.population -= 300;
    // Each month's counts by ward code differ too (a revision), though no total moved.
    const entry = changeEntry(full, next) as ChangeEntry;
    expect(entry.revised.every((r) => r.byType.length === 0)).toBe(true);
    expect(entry.residents).toEqual({
      wards: [
        expect.objectContaining({
          code: moved!.code,
          before: moved!.population + 300,
          after: moved!.population,
        }),
      ],
      wardsAdded: [{ code: 'E05099999', name: gone!.name, residents: gone!.population }],
      wardsRemoved: [
        { code: goneBefore.code, name: goneBefore.name, residents: goneBefore.population },
      ],
    });
    expect(changeLogSchema.shape.entries.element.parse(entry)).toEqual(entry);
    const message = commitMessage(entry);
    expect(message).toContain(`new ward ${gone!.name} (E05099999) ${gone!.population}`);
    expect(message).toContain(
      `ward gone ${goneBefore.name} (${goneBefore.code}) ${goneBefore.population}`,
    );
  });

  it('lists every month as added on the first build', () => {
    expect(changeEntry(null, full)?.added.map((a) => a.month)).toEqual(full.months);
  });
});

describe('isNewerSource(before, after)', () => {
  const at = (source: 'archive' | 'api', snapshot: string, fetchedAt: string) => ({
    source,
    snapshot,
    fetchedAt,
  });
  it('orders archives by the month they are named after', () => {
    expect(
      isNewerSource(at('archive', '2025-03.zip', 'b'), at('archive', '2025-04.zip', 'a')),
    ).toBe(true);
    expect(
      isNewerSource(at('archive', '2025-04.zip', 'a'), at('archive', '2025-03.zip', 'b')),
    ).toBe(false);
    expect(
      isNewerSource(at('archive', '2025-04.zip', 'a'), at('archive', '2025-04.zip', 'b')),
    ).toBe(false);
  });
  it('takes an archive that replaces an API month as newer when fetched later', () => {
    const api = at('api', 'api:2025-04', '2025-05-02T00:00:00.000Z');
    expect(isNewerSource(api, at('archive', '2025-05.zip', '2025-06-02T00:00:00.000Z'))).toBe(true);
  });
});

describe('commitMessage(entry)', () => {
  it('names the month added in the subject and its rows and source in the body', () => {
    const message = commitMessage(changeEntry(beforeMarch, full) as ChangeEntry);
    expect(message.split('\n')[0]).toBe('Data to 2025-03: add 2025-03');
    expect(message).toContain(
      `Added 2025-03: ${march} crimes from archive ${marchSource.snapshot}.`,
    );
  });

  it('names added and revised months, with the revision differences', () => {
    const next = fromSnapshot(removeCrimes(full, '2025-02', 40), '2025-02', '2025-04.zip');
    const message = commitMessage(changeEntry(beforeMarch, next) as ChangeEntry);
    expect(message.split('\n')[0]).toBe('Data to 2025-03: add 2025-03; revise 2025-02');
    expect(message).toContain(
      `Revised 2025-02: ${feb} -> ${feb - 40} crimes (-40), archive ${febSource.snapshot} -> archive 2025-04.zip;`,
    );
  });

  it("keeps each of the gate's notes to one inert line, as data quoted in one cannot forge a line", () => {
    const entry = changeEntry(beforeMarch, full) as ChangeEntry;
    const note = 'ward "Head\nSigned-off-by: someone\x1b[2K" is quiet';
    const lines = commitMessage(entry, [note]).split('\n');
    expect(lines).toContain('Note: ward "Head\\nSigned-off-by: someone\\x1b[2K" is quiet.');
    expect(lines.filter((l) => l.startsWith('Signed-off-by'))).toEqual([]);
  });

  it('shows a long run of months as a range', () => {
    const months = Array.from({ length: 36 }, (_, i) => {
      const m = 3 + i; // 2022-04 .. 2025-03
      return `${2022 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
    });
    const entry: ChangeEntry = {
      refreshedAt: full.generatedAt,
      dataTo: '2025-03',
      added: months.map((month) => ({
        month,
        rows: 9000,
        source: 'archive',
        snapshot: '2025-03.zip',
      })),
      revised: [],
      outcomesUpdated: [],
    };
    expect(commitMessage(entry).split('\n')[0]).toBe(
      'Data to 2025-03: add 2022-04 to 2025-03 (36 months)',
    );
  });
});

describe('monthList(months)', () => {
  it('lists up to three months one by one', () => {
    expect(monthList(['2024-03', '2025-02', '2025-03'])).toBe('2024-03, 2025-02, 2025-03');
  });

  it('shows runs of months as ranges and keeps the gaps between them', () => {
    const months = ['2024-04', '2024-05', '2024-06', '2024-07', '2024-12', '2025-01', '2025-04'];
    expect(monthList(months)).toBe('2024-04 to 2024-07, 2024-12, 2025-01, 2025-04 (7 months)');
  });

  it('runs a range across the turn of a year', () => {
    expect(monthList(['2024-11', '2024-12', '2025-01', '2025-02'])).toBe(
      '2024-11 to 2025-02 (4 months)',
    );
  });
});

describe('recordChange(log, entry)', () => {
  it('puts the newest refresh first', () => {
    const april = { ...beforeMarch, generatedAt: '2025-04-02T06:00:00.000Z' };
    const first = changeEntry(null, april) as ChangeEntry;
    const second = changeEntry(april, full) as ChangeEntry;
    const log = recordChange(recordChange(EMPTY_CHANGE_LOG, first), second);
    expect(log.entries.map((e) => e.dataTo)).toEqual(['2025-03', '2025-02']);
  });

  it('keeps both entries of two refreshes in a row that only recalculated derived figures', () => {
    // Neither downloaded anything new, so both published data of the same generatedAt, and
    // neither added, revised or removed a month: their entries are alike, yet each published.
    const derived = (approximate: number) => ({
      ...full,
      postcodeDistricts: { ...full.postcodeDistricts, approximate },
    });
    const first = changeEntry(full, derived(1)) as ChangeEntry;
    const second = changeEntry(derived(1), derived(2)) as ChangeEntry;
    expect(second).toEqual(first);
    const log = recordChange(recordChange(EMPTY_CHANGE_LOG, first), second);
    expect(log.entries).toEqual([second, first]);
  });

  it("keeps an earlier refresh's entry when a later refresh published data of the same generatedAt", () => {
    // generatedAt is the newest month's fetchedAt: a refresh that downloads nothing new (the
    // pipeline or its reference data changed since) has the same one as the refresh before it.
    const added = changeEntry(beforeMarch, full) as ChangeEntry;
    const revised = changeEntry(full, removeCrimes(full, '2025-02', 5)) as ChangeEntry;
    expect(revised.refreshedAt).toBe(added.refreshedAt);
    const log = recordChange(recordChange(EMPTY_CHANGE_LOG, added), revised);
    expect(log.entries).toEqual([revised, added]);
  });
});
