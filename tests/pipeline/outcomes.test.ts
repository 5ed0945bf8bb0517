import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTCOME_COLUMNS } from '../../src/shared/constants.ts';
import { openArchiveInputs, type ArchiveInput } from '../../pipeline/archive.ts';
import { enrich } from '../../pipeline/enrich.ts';
import { createLocator, loadGeography, type Locator } from '../../pipeline/geo.ts';
import { normaliseArchiveRow } from '../../pipeline/normalise.ts';
import { OutcomeIndex, applyLatestOutcome, readOutcomes } from '../../pipeline/outcomes.ts';

// Real crimes of the 2025-02 sample file (lines 3 and 4).
const DAMAGE_ID = 'fb19a75b1087fb75f8b38a0cae00006873b8e1c7b4062f366a430eac2a94fed1';
const ORDER_ID = '9665d1f18fefcaf7533b80f7044cd4daee267de03fb7ff556d9a89c6147b6b18';
const DAMAGE_ROW = {
  'Crime ID': DAMAGE_ID,
  Month: '2025-02',
  'Reported by': 'West Yorkshire Police',
  'Falls within': 'West Yorkshire Police',
  Longitude: '-1.388135',
  Latitude: '53.938661',
  Location: 'On or near Ainsty Drive',
  'LSOA code': 'E01011698',
  'LSOA name': 'Leeds 001A',
  'Crime type': 'Criminal damage and arson',
  'Last outcome category': 'Under investigation',
  Context: '',
};

function outcomeLine(id: string, month: string, lon: string, lat: string, outcome: string) {
  return `${id},${month},West Yorkshire Police,West Yorkshire Police,${lon},${lat},On or near Ainsty Drive,E01011698,Leeds 001A,${outcome}`;
}

/** A street row as the pipeline enriches it, before the outcomes files are applied. */
function enriched(row: Record<string, string>) {
  const normalised = normaliseArchiveRow(row);
  if (!normalised.ok) throw new Error(normalised.detail);
  const { record } = normalised;
  const place = locator.locate(record.longitude, record.latitude);
  if (place === null) throw new Error(`${record.location} is outside Leeds`);
  return enrich(record, place, 'archive');
}

let tmp: string;
let inputs: ArchiveInput[];
let locator: Locator;
beforeAll(async () => {
  locator = createLocator(await loadGeography('data/reference'));
  tmp = await mkdtemp(path.join(tmpdir(), 'outcomes-test-'));
  // Outcomes files as police.uk lays them out: the outcome month is the file's month.
  const files: Record<string, string[]> = {
    '2025-03': [
      outcomeLine(
        DAMAGE_ID,
        '2025-03',
        '-1.388135',
        '53.938661',
        'Investigation complete; no suspect identified',
      ),
      outcomeLine(ORDER_ID, '2025-03', '-1.389476', '53.938623', 'Unable to prosecute suspect'),
      // A crime in Bradford city centre: not a Leeds crime.
      outcomeLine('b'.repeat(64), '2025-03', '-1.752600', '53.793600', 'Local resolution'),
    ],
    '2025-04': [
      outcomeLine(DAMAGE_ID, '2025-04', '-1.388135', '53.938661', 'Offender given a caution'),
      outcomeLine('', '2025-04', '-1.388135', '53.938661', 'Offender fined'),
    ],
  };
  for (const [month, lines] of Object.entries(files)) {
    await mkdir(path.join(tmp, month));
    await writeFile(
      path.join(tmp, month, `${month}-west-yorkshire-outcomes.csv`),
      [OUTCOME_COLUMNS.join(','), ...lines].join('\n') + '\n',
    );
  }
  inputs = await openArchiveInputs(tmp);
});
afterAll(async () => {
  for (const input of inputs) input.close();
  await rm(tmp, { recursive: true, force: true });
});

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
});

describe('readOutcomes + applyLatestOutcome', () => {
  it("gives a real crime its latest outcome in outcome and keeps police.uk's Last outcome category", async () => {
    const index = new OutcomeIndex();
    const stats = await readOutcomes(inputs[0]!.entries, index);
    expect(stats).toEqual({ read: 5, used: 4, unusable: 1, elsewhere: 0 });
    const crime = applyLatestOutcome(enriched(DAMAGE_ROW), index);
    expect(crime.outcome).toBe('Offender given a caution');
    expect(crime.lastOutcome).toBe('Under investigation');
  });

  it("gives a crime without outcome rows police.uk's Last outcome category in both fields", async () => {
    const index = new OutcomeIndex();
    await readOutcomes(inputs[0]!.entries, index);
    const crime = enriched({ ...DAMAGE_ROW, 'Crime ID': 'c'.repeat(64) });
    expect(applyLatestOutcome(crime, index)).toBe(crime);
    expect(crime.lastOutcome).toBe('Under investigation');
    expect(crime.outcome).toBe('Under investigation');
  });

  it('ignores an outcome dated before the crime, and leaves a record without a Crime ID as it was', () => {
    const index = new OutcomeIndex();
    index.add(DAMAGE_ID, '2025-01', 'Offender given a caution');
    const crime = enriched(DAMAGE_ROW);
    expect(applyLatestOutcome(crime, index).outcome).toBe('Under investigation');
    const noId = enriched({ ...DAMAGE_ROW, 'Crime ID': '' });
    index.add('', '2025-04', 'Offender fined');
    expect(applyLatestOutcome(noId, index)).toBe(noId);
  });

  it('skips rows that keep(lon, lat) rejects', async () => {
    const index = new OutcomeIndex();
    const inLeeds = (lon: number) => lon > -1.7;
    const stats = await readOutcomes(inputs[0]!.entries, index, { keep: inLeeds });
    expect(stats.elsewhere).toBe(1);
    expect(index.get('b'.repeat(64))).toBeUndefined();
  });

  it('fails on an outcomes file without the outcome column, naming it', async () => {
    const file = path.join(tmp, '2025-03', '2025-03-west-yorkshire-outcomes.csv');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('Outcome type', 'Outcome'));
    try {
      await expect(readOutcomes(inputs[0]!.entries, new OutcomeIndex())).rejects.toThrow(
        /2025-03-west-yorkshire-outcomes\.csv: the header lacks column\(s\) "Outcome type"/,
      );
    } finally {
      await writeFile(file, original);
    }
  });
});
