import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTCOME_COLUMNS } from '../../src/shared/constants.ts';
import { openArchiveInputs, type ArchiveInput } from '../../pipeline/archive.ts';
import { enrich } from '../../pipeline/enrich.ts';
import { createLocator, loadGeography, type Locator } from '../../pipeline/geo.ts';
import { normaliseArchiveRow } from '../../pipeline/normalise.ts';
import {
  applyLatestOutcome,
  readOutcomes,
  readOutcomesOnce,
  type OutcomeReadStats,
} from '../../pipeline/outcomes.ts';
import { OutcomeIndex } from '../../pipeline/outcome-index.ts';
import { InputError } from '../../pipeline/input-error.ts';
import { runPipeline, StepError, type CliOptions } from '../../pipeline/cli.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { outputFiles } from '../support/output-files.ts';

/** An outcomes file against the slice's March 2025, a rule a row (tests/fixtures/pipeline/README.md). */
const FIXTURE = 'tests/fixtures/pipeline/outcomes/archive';
const FIXTURE_FILE = `${FIXTURE}/2025-03/2025-03-west-yorkshire-outcomes.csv`;
/** The slice the outcomes fixture is made against (tests/fixtures/pipeline/README.md). */
const SLICE = 'tests/fixtures/pipeline/slice/archive';

// Real crimes of the slice's 2025-03 street file (lines 12, 14, 15, 17, 19, 21 and 23), as
// the outcomes fixture lists them.
const ROBBERY_ID = '2600c16eaf362db26c8eea398b4f974dace13d0d67c18c6ba20712475d16b538';
const WEAPONS_ID = '6a14910fe4d0cd252fdb91e7c498a2311cdbbd3495e818d68d6b6858b567cdae';
const BURGLARY_ID = '09d0cb9833c095d597aa3f4e68d192b458ea5d417e64b33749470198796ac9b5';
const VIOLENCE_ID = '3904398a0da931ff13adccda21253719a936f0ff4e6b41a8d864668d8d23081c';
const PUBLIC_ORDER_ID = '922ff7d5c7451226d75d141698ac56d60c36d8413230486f0eb91c858ab11866';
const WELLSTONE_ID = 'f35bf42735e88968ec89f5358f6ad2d0188c7143ccc3416ddbf78700d6d94089';
const THEFT_ID = 'efd25e722f2efb63d97a0524f431b7e291c21840526fcfea7f13b843a5807f18';

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

describe('readOutcomes(entries, index, { keep }) on an outcomes file with bad rows', () => {
  let fixture: ArchiveInput[];
  let stats: OutcomeReadStats;
  const index = new OutcomeIndex();
  beforeAll(async () => {
    fixture = await openArchiveInputs(FIXTURE);
    stats = await readOutcomes(fixture[0]!.entries, index, {
      keep: (lon, lat) => locator.locate(lon, lat) !== null,
    });
  });
  afterAll(() => {
    for (const input of fixture) input.close();
  });

  it('counts every row once: indexed, outside the district, or unusable', () => {
    expect(stats.read).toBe(12);
    expect(stats.indexed).toBe(7);
    expect(stats.elsewhere).toBe(1);
    expect(stats.unusable.total).toBe(4);
    expect(stats.indexed + stats.elsewhere + stats.unusable.total).toBe(stats.read);
    // The 7 rows give the latest outcome of 5 crimes (two give two rows each).
    expect(index.size).toBe(5);
  });

  it('counts rows without a Crime ID, month or outcome type, or dated in another month than their file, by reason with file:line', () => {
    expect(stats.unusable.counts).toEqual({
      'no-crime-id': 1,
      'malformed-month': 1,
      'other-month': 1,
      'no-outcome-type': 1,
    });
    expect(stats.unusable.examples).toEqual({
      'no-crime-id': [
        {
          where: `${FIXTURE_FILE}:4`,
          detail: 'Crime ID is blank (Month "2025-03", Outcome type "Offender fined")',
        },
      ],
      'malformed-month': [
        {
          where: `${FIXTURE_FILE}:5`,
          detail: `Month "March" is not YYYY-MM (Crime ID ${WEAPONS_ID})`,
        },
      ],
      'other-month': [
        {
          where: `${FIXTURE_FILE}:6`,
          detail: `Month "2026-09" in the outcomes file for 2025-03 (Crime ID ${BURGLARY_ID})`,
        },
      ],
      'no-outcome-type': [
        { where: `${FIXTURE_FILE}:7`, detail: `Outcome type is blank (Crime ID ${VIOLENCE_ID})` },
      ],
    });
  });

  it('gives the crimes of unusable rows no outcome from them', () => {
    expect(index.get(WEAPONS_ID)).toBeUndefined();
    expect(index.get(BURGLARY_ID)).toBeUndefined();
    expect(index.get(VIOLENCE_ID)).toBeUndefined();
  });

  it('indexes rows whose coordinates are blank or unreadable, since an outcome joins its crime by Crime ID, and counts them by reason', () => {
    expect(index.get(PUBLIC_ORDER_ID)).toEqual({ month: '2025-03', outcome: 'Local resolution' });
    expect(index.get(WELLSTONE_ID)).toEqual({
      month: '2025-03',
      outcome: 'Offender given a caution',
    });
    expect(stats.unlocated.counts).toEqual({ 'no-coordinates': 1, 'malformed-coordinates': 1 });
    expect(stats.unlocated.examples['malformed-coordinates']).toEqual([
      {
        where: `${FIXTURE_FILE}:8`,
        detail: 'Longitude "abc", Latitude "xyz" is not a longitude/latitude pair',
      },
    ]);
    expect(stats.unlocated.examples['no-coordinates']?.[0]?.where).toBe(`${FIXTURE_FILE}:9`);
  });

  it('reports a crime given two different outcomes in one month, naming both, and uses the later row', () => {
    expect(index.get(ROBBERY_ID)).toEqual({ month: '2025-03', outcome: 'Suspect charged' });
    expect(stats.conflicts.total).toBe(1);
    expect(stats.conflicts.examples['conflicting-outcome']).toEqual([
      {
        where: `${FIXTURE_FILE}:3`,
        detail:
          `Crime ID ${ROBBERY_ID} has "Suspect charged" here and "Offender sent to prison" on ` +
          "an earlier row for 2025-03: the later row's is used",
      },
    ]);
  });

  it('takes the same outcome given twice in one month for no conflict', () => {
    expect(index.get(THEFT_ID)).toEqual({ month: '2025-03', outcome: 'Offender given a caution' });
    expect(stats.conflicts.examples['conflicting-outcome']).toHaveLength(1);
  });
});

describe('readOutcomes + applyLatestOutcome', () => {
  it("gives a real crime its latest outcome in outcome and keeps police.uk's Last outcome category", async () => {
    const index = new OutcomeIndex();
    const stats = await readOutcomes(inputs[0]!.entries, index);
    expect([stats.read, stats.indexed, stats.unusable.total, stats.elsewhere]).toEqual([
      5, 4, 1, 0,
    ]);
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

  it('ignores an outcome dated before the crime, telling onEarlier, and leaves a record without a Crime ID as it was', () => {
    const index = new OutcomeIndex();
    index.add(DAMAGE_ID, '2025-01', 'Offender given a caution');
    const crime = enriched(DAMAGE_ROW);
    const told: unknown[] = [];
    const onEarlier = (record: unknown, latest: unknown) => void told.push([record, latest]);
    expect(applyLatestOutcome(crime, index, onEarlier)).toBe(crime);
    expect(crime.outcome).toBe('Under investigation');
    expect(told).toEqual([[crime, { month: '2025-01', outcome: 'Offender given a caution' }]]);
    // From the crime's month on, the outcome is applied and onEarlier is not told.
    index.add(DAMAGE_ID, '2025-02', 'Offender fined');
    expect(applyLatestOutcome(crime, index, onEarlier).outcome).toBe('Offender fined');
    expect(told).toHaveLength(1);
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

  it('fails on an outcomes file with more outcome texts than an index holds, naming the row', async () => {
    const file = path.join(tmp, '2025-03', '2025-03-west-yorkshire-outcomes.csv');
    const original = await readFile(file, 'utf8');
    // A column of free text where the outcome should be: each row's outcome another text.
    const rows = Array.from({ length: 4097 }, (_, i) =>
      outcomeLine(
        (i + 1).toString(16).padStart(64, '0'),
        '2025-03',
        '-1.388135',
        '53.938661',
        `Note ${i}`,
      ),
    );
    await writeFile(file, [OUTCOME_COLUMNS.join(','), ...rows].join('\n') + '\n');
    try {
      // Line 4098: the header, then the 4,097th text.
      await expect(readOutcomes(inputs[0]!.entries, new OutcomeIndex())).rejects.toThrow(
        /2025-03-west-yorkshire-outcomes\.csv:4098: cannot be indexed: more than 4096 different outcome texts .*"Note 4096"/,
      );
    } finally {
      await writeFile(file, original);
    }
  });

  it("does not blame the file for a failure of the index that is not the rows' fault", async () => {
    // An index that cannot take outcomes (a month worker's shared copy): a bug, not the input.
    const shared = OutcomeIndex.over(new OutcomeIndex().table()) as OutcomeIndex;
    const read = readOutcomes(inputs[0]!.entries, shared);
    await expect(read).rejects.toThrow('This outcome index is a shared copy: it cannot change');
    await expect(read).rejects.not.toBeInstanceOf(InputError);
    await expect(read).rejects.not.toThrow(/outcomes\.csv:\d+|police\.uk outcomes file/);
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

describe('readOutcomes(entries, index, { territorialForce }) on an outcomes file holding no outcome', () => {
  const WHAT_TO_DO =
    'police.uk never publishes an empty outcomes month for West Yorkshire, the ' +
    "district's territorial force, so the file is probably truncated or damaged, and the " +
    "month's outcomes would be lost: download it again (every police.uk archive of the next " +
    'three years holds the month too)';
  let root: string;
  let opened: ArchiveInput[] = [];
  /** The fixture's header, and its lines 4 to 7: a row of each reason a row cannot be used. */
  let header: string;
  let unusableRows: string[];

  beforeAll(async () => {
    root = path.join(tmp, 'no-outcomes');
    const lines = (await readFile(FIXTURE_FILE, 'utf8')).trimEnd().split('\n');
    header = lines[0]!;
    unusableRows = lines.slice(3, 7);
  });
  afterAll(() => {
    for (const input of opened) input.close();
    opened = [];
  });

  /** The outcomes files of a folder holding `files` (name under the folder -> lines). */
  async function entriesOf(name: string, files: Record<string, string[]>) {
    const dir = path.join(root, name);
    for (const [file, lines] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), `${lines.join('\n')}\n`);
    }
    const inputs = await openArchiveInputs(dir);
    opened.push(...inputs);
    return { dir, entries: inputs.flatMap((input) => input.entries) };
  }

  it("fails on the territorial force's file holding only its header, naming it and what to do", async () => {
    const { dir, entries } = await entriesOf('header-only', {
      '2024-03/2024-03-west-yorkshire-outcomes.csv': [header],
    });
    const read = readOutcomes(entries, new OutcomeIndex(), { territorialForce: 'west-yorkshire' });
    await expect(read).rejects.toBeInstanceOf(InputError);
    await expect(read).rejects.toThrow(
      `${dir}/2024-03/2024-03-west-yorkshire-outcomes.csv: holds no outcomes for 2024-03: it ` +
        `holds only its header. ${WHAT_TO_DO}`,
    );
  });

  it("fails on the territorial force's file whose every row cannot be used, with each reason's count and first example", async () => {
    const { dir, entries } = await entriesOf('unusable', {
      '2025-03/2025-03-west-yorkshire-outcomes.csv': [header, ...unusableRows],
    });
    const file = `${dir}/2025-03/2025-03-west-yorkshire-outcomes.csv`;
    await expect(
      readOutcomes(entries, new OutcomeIndex(), { territorialForce: 'west-yorkshire' }),
    ).rejects.toThrow(
      `${file}: holds no outcomes for 2025-03: all 4 rows read cannot be used (1 no-crime-id, ` +
        `e.g. ${file}:2: Crime ID is blank (Month "2025-03", Outcome type "Offender fined"); ` +
        `1 malformed-month, e.g. ${file}:3: Month "March" is not YYYY-MM (Crime ID ` +
        `${WEAPONS_ID}); 1 other-month, e.g. ${file}:4: Month "2026-09" in the outcomes file ` +
        `for 2025-03 (Crime ID ${BURGLARY_ID}); 1 no-outcome-type, e.g. ${file}:5: Outcome ` +
        `type is blank (Crime ID ${VIOLENCE_ID})). ${WHAT_TO_DO}`,
    );
  });

  it("fails naming the empty file among the territorial force's others, in a read shared with another district", async () => {
    const { dir, entries } = await entriesOf('shared', {
      '2024-03/2024-03-west-yorkshire-outcomes.csv': [header],
      '2025-03/2025-03-west-yorkshire-outcomes.csv': (await readFile(FIXTURE_FILE, 'utf8'))
        .trimEnd()
        .split('\n'),
      '2025-03/2025-03-btp-outcomes.csv': [header],
    });
    const btp = entries.filter((e) => e.force === 'btp');
    const read = readOutcomesOnce([
      // A district of another force reading BTP's file alone, and Leeds reading all three.
      { entries: btp, index: new OutcomeIndex(), territorialForce: 'south-yorkshire' },
      { entries, index: new OutcomeIndex(), territorialForce: 'west-yorkshire' },
    ]);
    await expect(read).rejects.toThrow(
      `${dir}/2024-03/2024-03-west-yorkshire-outcomes.csv: holds no outcomes for 2024-03: it ` +
        'holds only its header.',
    );
  });

  it("takes British Transport Police's file holding only its header, or no usable row, as no outcomes that month", async () => {
    const { entries } = await entriesOf('btp', {
      '2024-03/2024-03-btp-outcomes.csv': [header],
      '2025-03/2025-03-btp-outcomes.csv': [header, ...unusableRows],
    });
    const stats = await readOutcomes(entries, new OutcomeIndex(), {
      territorialForce: 'west-yorkshire',
    });
    expect([stats.read, stats.indexed, stats.unusable.total]).toEqual([4, 0, 4]);
  });

  it("takes the territorial force's file with one row that can be used among those that cannot", async () => {
    const { entries } = await entriesOf('one-usable', {
      // The unusable rows and the fixture's last row (line 13), a usable outcome.
      '2025-03/2025-03-west-yorkshire-outcomes.csv': [
        header,
        ...unusableRows,
        (await readFile(FIXTURE_FILE, 'utf8')).trimEnd().split('\n')[12]!,
      ],
    });
    const stats = await readOutcomes(entries, new OutcomeIndex(), {
      territorialForce: 'west-yorkshire',
    });
    expect([stats.read, stats.indexed, stats.unusable.total]).toEqual([5, 1, 4]);
  });
});

describe('readOutcomes(entries, index) on an outcomes file with rows that cannot be used', () => {
  const HEADER = OUTCOME_COLUMNS.join(',');
  let root: string;
  let opened: ArchiveInput[] = [];
  beforeAll(() => {
    root = path.join(tmp, 'unusable-share');
  });
  afterAll(() => {
    for (const input of opened) input.close();
    opened = [];
  });

  /** `n` rows of `month` that can be used, each its own crime (Crime IDs from `first`). */
  function usableRows(month: string, n: number, first = 0): string[] {
    return Array.from({ length: n }, (_, i) =>
      outcomeLine(
        (first + i).toString(16).padStart(64, '0'),
        month,
        '-1.388135',
        '53.938661',
        'Offender fined',
      ),
    );
  }

  /** `n` rows of a file of `month` that cannot be used, the reasons in turn. */
  function unusableRows(month: string, n: number): string[] {
    const id = (i: number) => `f${i.toString(16).padStart(63, '0')}`;
    const kinds = [
      () => outcomeLine('', month, '-1.388135', '53.938661', 'Offender fined'),
      (i: number) => outcomeLine(id(i), '03/2025', '-1.388135', '53.938661', 'Offender fined'),
      (i: number) => outcomeLine(id(i), '2019-01', '-1.388135', '53.938661', 'Offender fined'),
      (i: number) => outcomeLine(id(i), month, '-1.388135', '53.938661', ''),
    ];
    return Array.from({ length: n }, (_, i) => kinds[i % kinds.length]!(i));
  }

  /** The outcomes files of a folder holding `files` (name under the folder -> lines). */
  async function entriesOf(name: string, files: Record<string, string[]>) {
    const dir = path.join(root, name);
    for (const [file, lines] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), `${[HEADER, ...lines].join('\n')}\n`);
    }
    const inputs = await openArchiveInputs(dir);
    opened.push(...inputs);
    return { dir, entries: inputs.flatMap((input) => input.entries) };
  }

  it('fails on a file with more than 5 such rows and more than 0.1% of its rows, with each reason counted and named', async () => {
    const { dir, entries } = await entriesOf('beyond', {
      '2025-03/2025-03-west-yorkshire-outcomes.csv': [
        ...usableRows('2025-03', 100),
        ...unusableRows('2025-03', 6),
      ],
    });
    const file = `${dir}/2025-03/2025-03-west-yorkshire-outcomes.csv`;
    const read = readOutcomes(entries, new OutcomeIndex(), { territorialForce: 'west-yorkshire' });
    await expect(read).rejects.toBeInstanceOf(InputError);
    await expect(read).rejects.toThrow(
      `${file}: has 6 of 106 rows read that cannot be used (5.7%; at most 5 or 0.10% of its ` +
        `rows, whichever is more: 2 no-crime-id, e.g. ${file}:102: Crime ID is blank (Month ` +
        `"2025-03", Outcome type "Offender fined"); 2 malformed-month, e.g. ${file}:103: Month ` +
        `"03/2025" is not YYYY-MM (Crime ID f${'0'.repeat(62)}1); 1 other-month, e.g. ` +
        `${file}:104: Month "2019-01" in the outcomes file for 2025-03 (Crime ID ` +
        `f${'0'.repeat(62)}2); 1 no-outcome-type, e.g. ${file}:105: Outcome type is blank ` +
        `(Crime ID f${'0'.repeat(62)}3)), so the outcomes they give for 2025-03 would be lost.`,
    );
  });

  it.each([
    ['5 such rows among 100', 100, 5],
    ['5 such rows and no other', 0, 5],
    ['0.1% of its rows exactly', 5994, 6],
    ['under 0.1% of its rows', 9990, 9],
  ])('takes a file with %s, counting them', async (_, usable, unusable) => {
    const { entries } = await entriesOf(`within-${usable}-${unusable}`, {
      '2025-03/2025-03-btp-outcomes.csv': [
        ...usableRows('2025-03', usable),
        ...unusableRows('2025-03', unusable),
      ],
    });
    const stats = await readOutcomes(entries, new OutcomeIndex(), {
      territorialForce: 'west-yorkshire',
    });
    expect([stats.read, stats.indexed, stats.unusable.total]).toEqual([
      usable + unusable,
      usable,
      unusable,
    ]);
  });

  it("fails on another force's file (British Transport Police's) as on the territorial force's", async () => {
    const { dir, entries } = await entriesOf('btp', {
      '2025-03/2025-03-west-yorkshire-outcomes.csv': usableRows('2025-03', 50),
      '2025-04/2025-04-btp-outcomes.csv': [
        ...usableRows('2025-04', 20, 50),
        ...unusableRows('2025-04', 8),
      ],
    });
    await expect(
      readOutcomes(entries, new OutcomeIndex(), { territorialForce: 'west-yorkshire' }),
    ).rejects.toThrow(
      new RegExp(
        `^${dir}/2025-04/2025-04-btp-outcomes\\.csv: has 8 of 28 rows read that cannot be used`,
      ),
    );
  });

  it('fails in a read shared by two districts, naming the file', async () => {
    const { dir, entries } = await entriesOf('shared', {
      '2025-03/2025-03-west-yorkshire-outcomes.csv': [
        ...unusableRows('2025-03', 40),
        ...usableRows('2025-03', 2000),
      ],
    });
    const read = readOutcomesOnce([
      { entries, index: new OutcomeIndex(), territorialForce: 'west-yorkshire' },
      { entries, index: new OutcomeIndex(), keep: () => false },
    ]);
    await expect(read).rejects.toThrow(
      `${dir}/2025-03/2025-03-west-yorkshire-outcomes.csv: has 40 of 2,040 rows read that ` +
        'cannot be used (2.0%;',
    );
  });
});

describe('runPipeline with a damaged outcomes file', () => {
  /** The slice with the outcomes fixture, run into its own --out: a good run, cached. */
  async function goodRun(name: string): Promise<{ archive: string; out: string }> {
    const archive = path.join(tmp, name, 'archive');
    const out = path.join(tmp, name, 'out');
    await cp(SLICE, archive, { recursive: true });
    await cp(FIXTURE, archive, { recursive: true });
    await runPipeline(cliOptions(archive, out), { reporter: createMemoryReporter() });
    return { archive, out };
  }

  function cliOptions(archiveDir: string, out: string): CliOptions {
    return { help: false, list: false, offline: true, archiveDir, out };
  }

  /** An outcomes file of `month` and `force` holding only the fixture's header. */
  async function headerOnly(archive: string, month: string, force: string): Promise<string> {
    const header = (await readFile(FIXTURE_FILE, 'utf8')).split('\n')[0]!;
    const file = path.join(archive, month, `${month}-${force}-outcomes.csv`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${header}\n`);
    return file;
  }

  it.each([
    // Before the file the saved outcome index holds: the index is built from nothing.
    ['read with every outcomes file', '2024-03'],
    // After it: only the added file is read, into the saved index.
    ['added after the files of the saved outcome index', '2025-04'],
  ])(
    'stops the run on a file of the territorial force holding no outcome, naming it (%s), the previous outputs untouched',
    async (_, month) => {
      const { archive, out } = await goodRun(`empty-${month}`);
      const before = await outputFiles(out);
      const file = await headerOnly(archive, month, 'west-yorkshire');
      const error = await runPipeline(cliOptions(archive, out), {
        reporter: createMemoryReporter(),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StepError);
      expect((error as Error).message).toMatch(/^step \d+ \(months\) failed: /);
      expect((error as Error).message).toContain(
        `${file}: holds no outcomes for ${month}: it holds only its header. police.uk never ` +
          'publishes an empty outcomes month for West Yorkshire',
      );
      expect(await outputFiles(out)).toEqual(before);
    },
    60_000,
  );

  it.each([
    ['read with every outcomes file', '2024-03'],
    ['added after the files of the saved outcome index', '2025-04'],
  ])(
    'stops the run on a file with rows that cannot be used beyond the share allowed (%s), the previous outputs untouched, and again on the next run',
    async (_, month) => {
      const { archive, out } = await goodRun(`unusable-${month}`);
      const before = await outputFiles(out);
      const file = path.join(archive, month, `${month}-west-yorkshire-outcomes.csv`);
      await mkdir(path.dirname(file), { recursive: true });
      const rows = Array.from({ length: 26 }, (_, i) =>
        outcomeLine(
          (i + 1).toString(16).padStart(64, 'c'),
          // Six rows dated as police.uk never writes a month.
          i < 6 ? month.split('-').reverse().join('/') : month,
          '-1.388135',
          '53.938661',
          'Offender fined',
        ),
      );
      await writeFile(file, `${[OUTCOME_COLUMNS.join(','), ...rows].join('\n')}\n`);
      for (let run = 0; run < 2; run++) {
        const error = await runPipeline(cliOptions(archive, out), {
          reporter: createMemoryReporter(),
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StepError);
        expect((error as Error).message).toContain(
          `${file}: has 6 of 26 rows read that cannot be used (23.1%; at most 5 or 0.10% of ` +
            'its rows, whichever is more: 6 malformed-month',
        );
        expect(await outputFiles(out)).toEqual(before);
      }
    },
    90_000,
  );

  it("runs on with British Transport Police's empty outcomes file, the territorial force's file taken from the saved index", async () => {
    const { archive, out } = await goodRun('empty-btp');
    await headerOnly(archive, '2025-04', 'btp');
    await runPipeline(cliOptions(archive, out), { reporter: createMemoryReporter() });
    const summary = JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8')) as {
      forceFileReads: { file: string }[];
      outcomes: { files: number; read: number; indexed: number };
    };
    // The West Yorkshire file came from the saved index, not read again: BTP's alone was read.
    expect(
      summary.forceFileReads
        .map((r) => path.basename(r.file))
        .filter((name) => name.endsWith('-outcomes.csv')),
    ).toEqual(['2025-04-btp-outcomes.csv']);
    // The fixture's 12 rows (7 indexed: tests/fixtures/pipeline/README.md) and none of BTP's.
    expect(summary.outcomes).toMatchObject({ files: 2, read: 12, indexed: 7 });
  }, 60_000);
});
