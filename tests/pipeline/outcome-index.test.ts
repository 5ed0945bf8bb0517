import { describe, expect, it } from 'vitest';
import { OutcomeIndex, packedMonth, unpackOutcome } from '../../pipeline/outcome-index.ts';
import { sampleRows } from '../support/police-fixtures.ts';

const DAMAGE_ID = 'fb19a75b1087fb75f8b38a0cae00006873b8e1c7b4062f366a430eac2a94fed1';
const ORDER_ID = '9665d1f18fefcaf7533b80f7044cd4daee267de03fb7ff556d9a89c6147b6b18';

/** The sample's March 2025 Crime IDs, each given outcomes in several months, and what wins. */
function sampleIndex(): { index: OutcomeIndex; ids: string[] } {
  const index = new OutcomeIndex();
  const ids = sampleRows('2025-03')
    .map((row) => row['Crime ID']!)
    .filter((id) => id !== '');
  ids.forEach((id, i) => {
    index.add(
      id,
      i % 2 === 0 ? '2025-03' : '2025-04',
      i % 2 === 0 ? 'Suspect charged' : 'Local resolution',
    );
    // A later month wins; an earlier one does not.
    if (i % 3 === 0) index.add(id, '2025-05', 'Offender fined');
    if (i % 5 === 0) index.add(id, '2024-01', 'Offender given a caution');
  });
  return { index, ids };
}

function expectedLatest(i: number): { month: string; outcome: string } {
  if (i % 3 === 0) return { month: '2025-05', outcome: 'Offender fined' };
  return i % 2 === 0
    ? { month: '2025-03', outcome: 'Suspect charged' }
    : { month: '2025-04', outcome: 'Local resolution' };
}

describe('OutcomeIndex', () => {
  it('keeps the outcome of the latest month, whatever the order it is given in', () => {
    const index = new OutcomeIndex();
    index.add(DAMAGE_ID, '2025-04', 'Offender given a caution');
    index.add(DAMAGE_ID, '2025-03', 'Investigation complete; no suspect identified');
    index.add(ORDER_ID, '2024-12', 'Unable to prosecute suspect');
    expect(index.get(DAMAGE_ID)).toEqual({ month: '2025-04', outcome: 'Offender given a caution' });
    expect(index.get(ORDER_ID)).toEqual({
      month: '2024-12',
      outcome: 'Unable to prosecute suspect',
    });
    expect(index.get('unknown')).toBeUndefined();
    expect(index.size).toBe(2);
  });

  it('add(crimeId, month, outcome) returns the other outcome it replaced for the same month, and nothing otherwise', () => {
    const index = new OutcomeIndex();
    expect(index.add(DAMAGE_ID, '2025-03', 'Offender sent to prison')).toBeUndefined();
    expect(index.add(DAMAGE_ID, '2025-03', 'Offender sent to prison')).toBeUndefined();
    expect(index.add(DAMAGE_ID, '2025-03', 'Suspect charged')).toBe('Offender sent to prison');
    expect(index.get(DAMAGE_ID)).toEqual({ month: '2025-03', outcome: 'Suspect charged' });
    // Another month is the crime's next outcome (or an older one), never a conflict.
    expect(index.add(DAMAGE_ID, '2025-04', 'Offender given a caution')).toBeUndefined();
    expect(index.add(DAMAGE_ID, '2025-03', 'Local resolution')).toBeUndefined();
    expect(index.get(DAMAGE_ID)).toEqual({ month: '2025-04', outcome: 'Offender given a caution' });
  });

  it('answers for every crime of a real month, each given outcomes in several months', () => {
    const { index, ids } = sampleIndex();
    expect(ids.length).toBeGreaterThan(1000);
    expect(new Set(ids).size).toBe(ids.length);
    expect(index.size).toBe(ids.length);
    ids.forEach((id, i) => expect(index.get(id)).toEqual(expectedLatest(i)));
  });

  it('tells apart Crime IDs of any text: not hex, multi-byte, one the start of another, empty', () => {
    const index = new OutcomeIndex();
    const ids = ['crime é 1', 'crime é 10', 'crime é', '警察 1', '', 'x'.repeat(300), DAMAGE_ID];
    ids.forEach((id, i) => index.add(id, `2025-0${(i % 9) + 1}`, `Outcome ${i}`));
    expect(index.size).toBe(ids.length);
    ids.forEach((id, i) =>
      expect(index.get(id)).toEqual({ month: `2025-0${(i % 9) + 1}`, outcome: `Outcome ${i}` }),
    );
    for (const other of ['crime é 2', 'crime e 1', '警察', `${DAMAGE_ID}0`, DAMAGE_ID.slice(1)]) {
      expect(index.get(other)).toBeUndefined();
    }
  });

  it('keeps every entry as it grows far past its first size', () => {
    const index = new OutcomeIndex();
    const count = 50_000;
    const id = (i: number) => `${i.toString(16).padStart(8, '0')}${DAMAGE_ID.slice(8)}`;
    for (let i = 0; i < count; i++)
      index.add(id(i), i % 2 === 0 ? '2019-01' : '2025-12', 'Suspect charged');
    // The same IDs again, a month later for the even ones only.
    for (let i = 0; i < count; i += 2) index.add(id(i), '2019-02', 'Local resolution');
    expect(index.size).toBe(count);
    for (let i = 0; i < count; i++) {
      expect(index.get(id(i))).toEqual(
        i % 2 === 0
          ? { month: '2019-02', outcome: 'Local resolution' }
          : { month: '2025-12', outcome: 'Suspect charged' },
      );
    }
    expect(index.get(id(count))).toBeUndefined();
  });

  it('answers alike after fit() gives back its spare room, and can still grow', () => {
    const { index, ids } = sampleIndex();
    const before = index.table().keys.byteLength;
    index.fit();
    const fitted = index.table();
    expect(fitted.keys.byteLength).toBe(fitted.keyBytes);
    expect(fitted.keys.byteLength).toBeLessThan(before);
    ids.forEach((id, i) => expect(index.get(id)).toEqual(expectedLatest(i)));
    index.add('crime é 1', '2025-06', 'Awaiting court outcome');
    expect(index.get('crime é 1')).toEqual({ month: '2025-06', outcome: 'Awaiting court outcome' });
    ids.forEach((id, i) => expect(index.get(id)).toEqual(expectedLatest(i)));
  });

  it('is restored from saved() with the same answers, and takes more outcomes as before', () => {
    const { index, ids } = sampleIndex();
    const restored = OutcomeIndex.restore(structuredClone(index.saved()));
    expect(restored.size).toBe(index.size);
    ids.forEach((id, i) => expect(restored.get(id)).toEqual(expectedLatest(i)));
    // A later month wins and a same-month other outcome is a conflict, as in the original.
    expect(restored.add(ids[0]!, '2025-05', 'Local resolution')).toBe('Offender fined');
    expect(restored.add(ids[1]!, '2030-01', 'Offender fined')).toBeUndefined();
    expect(restored.get(ids[1]!)).toEqual({ month: '2030-01', outcome: 'Offender fined' });
    restored.add('new crime', '2030-02', 'A new outcome text');
    expect(restored.get('new crime')).toEqual({ month: '2030-02', outcome: 'A new outcome text' });
    expect(restored.size).toBe(index.size + 1);
  });

  it('refuses saved entries that point outside the saved keys or outcome texts', () => {
    const saved = sampleIndex().index.saved();
    const pastKeys = structuredClone(saved);
    pastKeys.entries[1] = pastKeys.keys.length + 1;
    expect(() => OutcomeIndex.restore(pastKeys)).toThrow(/out of range/);
    const noOutcome = structuredClone(saved);
    noOutcome.outcomes = [];
    expect(() => OutcomeIndex.restore(noOutcome)).toThrow(/out of range/);
    const cut = structuredClone(saved);
    cut.entries = cut.entries.subarray(0, cut.entries.length - 1);
    expect(() => OutcomeIndex.restore(cut)).toThrow(/cut short/);
  });

  it('eachEntry visits each Crime ID once, as its bytes, with its packed latest outcome', () => {
    const { index, ids } = sampleIndex();
    index.add('crime é 1', '2025-06', 'Awaiting court outcome');
    const decoder = new TextDecoder();
    const seen: string[] = [];
    const outcomes = index.table().outcomes;
    index.eachEntry((keys, start, length, packed) => {
      const id = decoder.decode(keys.subarray(start, start + length));
      seen.push(id);
      const latest = index.get(id)!;
      expect(unpackOutcome(packed, outcomes)).toEqual(latest);
      expect(packedMonth(packed)).toBe(
        Number(latest.month.slice(0, 4)) * 12 + Number(latest.month.slice(5)) - 1,
      );
    });
    expect(seen.sort()).toEqual([...ids, 'crime é 1'].sort());
  });
});

describe('OutcomeIndex.add past the outcome texts it can hold', () => {
  it('takes 4,096 different outcome texts and refuses the next, leaving the index as it was', () => {
    const index = new OutcomeIndex();
    for (let i = 0; i < 4096; i++) index.add(`crime ${i}`, '2025-03', `Outcome ${i}`);
    expect(index.get('crime 4095')).toEqual({ month: '2025-03', outcome: 'Outcome 4095' });
    expect(() => index.add('crime 4096', '2025-03', 'Outcome 4096')).toThrow(
      /more than 4096 different outcome texts .*"Outcome 4096"/,
    );
    expect(index.get('crime 4096')).toBeUndefined();
    expect(index.size).toBe(4096);
    // A text it holds is still taken.
    index.add('crime 4096', '2025-04', 'Outcome 7');
    expect(index.get('crime 4096')).toEqual({ month: '2025-04', outcome: 'Outcome 7' });
    expect(index.get('crime 0')).toEqual({ month: '2025-03', outcome: 'Outcome 0' });
  });
});

describe('OutcomeIndex.over(index.table())', () => {
  it('answers every look-up as the index does, in shared memory, without a copy', () => {
    const { index, ids } = sampleIndex();
    index.add('crime é 1', '2025-06', 'Awaiting court outcome');
    const table = index.table();
    expect(table.keys).toBeInstanceOf(SharedArrayBuffer);
    expect(table.slots).toBeInstanceOf(SharedArrayBuffer);
    const shared = OutcomeIndex.over(structuredClone(table));
    ids.forEach((id, i) => expect(shared.get(id)).toEqual(expectedLatest(i)));
    expect(shared.get('crime é 1')).toEqual({
      month: '2025-06',
      outcome: 'Awaiting court outcome',
    });
    expect(shared.get('crime é 2')).toBeUndefined();
    expect(shared.get(`${ids[0]!}0`)).toBeUndefined();
    expect(shared.get('')).toBeUndefined();
    // structuredClone shares a SharedArrayBuffer, as postMessage and workerData do.
    index.add(ids[1]!, '2026-01', 'Offender fined');
    expect(shared.get(ids[1]!)).toEqual({ month: '2026-01', outcome: 'Offender fined' });
  });

  it('shares an empty index', () => {
    expect(OutcomeIndex.over(new OutcomeIndex().table()).get('anything')).toBeUndefined();
  });

  it('cannot be changed through the shared copy', () => {
    const { index, ids } = sampleIndex();
    const shared = OutcomeIndex.over(index.table()) as OutcomeIndex;
    expect(() => shared.add(ids[0]!, '2030-01', 'Local resolution')).toThrow(/shared copy/);
    expect(index.get(ids[0]!)).toEqual(expectedLatest(0));
  });
});
