import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_COLUMNS, STREET_COLUMNS } from '../../src/shared/constants.ts';
import type { CrimeRecord, EnrichedCrime, SourceKind } from '../../src/shared/schema.ts';
import { openArchiveInputs, type ArchiveInput } from '../../pipeline/archive.ts';
import { listApiMonths } from '../../pipeline/api-months.ts';
import { formatCsvRow, readCsv } from '../../pipeline/csv.ts';
import { enrich, type LsoaHints } from '../../pipeline/enrich.ts';
import { createLocator, loadGeography, type Locator, type Place } from '../../pipeline/geo.ts';
import { coordinateKey } from '../../src/shared/coordinates.ts';
import { chooseMonthSources, type MonthPlan } from '../../pipeline/merge.ts';
import { InputError } from '../../pipeline/input-error.ts';
import { OutcomeIndex } from '../../pipeline/outcome-index.ts';
import { processMonth } from '../../pipeline/process-month.ts';

const SLICE = 'tests/fixtures/pipeline/slice/archive';
const PROVENANCE = { snapshot: 'archive:2025-03', fetchedAt: '2025-05-01T00:00:00.000Z' };

let locator: Locator;
let tmp: string;
const opened: ArchiveInput[] = [];
beforeAll(async () => {
  locator = createLocator(await loadGeography('data/reference'));
  tmp = await mkdtemp(path.join(tmpdir(), 'process-month-test-'));
});
afterAll(async () => {
  for (const input of opened) input.close();
  await rm(tmp, { recursive: true, force: true });
});

function enricher(source: SourceKind, hints?: LsoaHints) {
  return (record: CrimeRecord): { crime: EnrichedCrime; place: Place } | null => {
    const place = locator.locate(record.longitude, record.latitude);
    return place === null ? null : { crime: enrich(record, place, source, hints), place };
  };
}

async function plansOf(root: string): Promise<MonthPlan[]> {
  const inputs = await openArchiveInputs(root);
  opened.push(...inputs);
  return chooseMonthSources(inputs.flatMap((i) => i.entries)).months;
}

async function run(plan: MonthPlan, hints?: LsoaHints, outcomes?: OutcomeIndex) {
  const chunks: string[] = [];
  const result = await processMonth(
    plan,
    PROVENANCE,
    {
      enrich: enricher(plan.source, hints),
      district: { name: 'Leeds', forceDistricts: null, lsoaDistricts: ['Leeds'] },
      outcomes,
    },
    {
      write: async (chunk) => void chunks.push(chunk),
    },
  );
  const rows = [];
  for await (const row of readCsv(Readable.from([chunks.join('')]), 'out', MASTER_COLUMNS)) {
    rows.push(row.values);
  }
  return { ...result, rows };
}

describe('processMonth', () => {
  it('keeps the Leeds rows of West Yorkshire and BTP files and counts every other row by reason, with file:line', async () => {
    const march = (await plansOf(SLICE)).find((p) => p.month === '2025-03')!;
    const { summary, drops, rows } = await run(march);
    // tests/fixtures/pipeline/README.md: 27 real rows + 5 added rows, and 2 BTP rows.
    expect(summary.read).toBe(34);
    expect(summary.kept).toBe(28);
    expect(summary.dropped).toEqual({
      'outside-district': 3,
      'no-coordinates': 1,
      'malformed-coordinates': 0,
      'malformed-month': 1,
      'malformed-crime-type': 0,
      duplicate: 1,
    });
    const wy = `${SLICE}/2025-03/2025-03-west-yorkshire-street.csv`;
    const btp = `${SLICE}/2025-03/2025-03-btp-street.csv`;
    expect(drops.examples['outside-district']?.map((e) => e.where)).toEqual([
      `${wy}:29`,
      `${wy}:30`,
      `${btp}:3`,
    ]);
    expect(drops.examples['duplicate']?.[0]?.where).toBe(`${wy}:31`);
    expect(drops.examples['no-coordinates']?.[0]?.where).toBe(`${wy}:32`);
    expect(drops.examples['malformed-month']?.[0]).toEqual({
      where: `${wy}:33`,
      detail: 'Month "Mar-25" is not YYYY-MM',
    });
    expect(rows).toHaveLength(28);
    expect(rows.at(-1)).toMatchObject({
      'Reported by': 'British Transport Police',
      'Ward Name': 'Hunslet & Riverside',
    });
    // Both anti-social behaviour rows at Saxon Grove are kept: blank IDs are never duplicates.
    expect(rows.filter((r) => r['Location'] === 'On or near Saxon Grove')).toHaveLength(2);
  });

  it('counts a repeated Crime ID exactly like its first row as a duplicate and no disagreement', async () => {
    const march = (await plansOf(SLICE)).find((p) => p.month === '2025-03')!;
    const { drops } = await run(march);
    // Line 31 is an exact copy of line 12 (tests/fixtures/pipeline/README.md).
    expect(drops.counts.duplicate).toBe(1);
    expect(drops.disagreements.total).toBe(0);
  });

  it('counts a repeated Crime ID whose row differs from the first as a disagreement, naming the columns that differ, and keeps the first row', async () => {
    const wy = `${SLICE}/2025-03/2025-03-west-yorkshire-street.csv`;
    const lines = (await readFile(wy, 'utf8')).trimEnd().split('\n');
    // The slice has no quoted fields: a comma always separates two.
    const robbery = lines[11]!.split(',');
    const theft = lines[12]!.split(',');
    // The real Other theft row of line 13 under the real Robbery's Crime ID (line 12).
    const repeat = [robbery[0], ...theft.slice(1)].join(',');
    const root = path.join(tmp, 'differing-repeat');
    await mkdir(path.join(root, '2025-03'), { recursive: true });
    const file = path.join(root, '2025-03/2025-03-west-yorkshire-street.csv');
    await writeFile(file, `${[...lines, repeat].join('\n')}\n`);
    const [plan] = await plansOf(root);
    const { summary, drops, rows } = await run(plan!);

    expect(summary.dropped.duplicate).toBe(2);
    expect(drops.disagreements.counts).toEqual({
      'duplicate-differing': 1,
      'outcome-before-crime': 0,
      'cross-month-differing': 0,
    });
    // Every column but the Crime ID, the repeat's own.
    const differing = STREET_COLUMNS.filter((_, i) => i > 0 && robbery[i] !== theft[i]);
    expect(differing).toEqual([
      'Longitude',
      'Latitude',
      'Location',
      'LSOA code',
      'LSOA name',
      'Crime type',
      'Last outcome category',
    ]);
    expect(drops.disagreements.examples['duplicate-differing']).toEqual([
      {
        where: `${file}:${lines.length + 1}`,
        detail:
          `Crime ID ${robbery[0]} was already read this month, on a row with another ` +
          `${differing.join(', ')}: the first row read stands (police.uk gives no way to tell ` +
          'which is right; the same rule as across months)',
      },
    ]);
    const kept = rows.filter((r) => r['Crime ID'] === robbery[0]);
    expect(kept).toEqual([
      expect.objectContaining({ Location: 'On or near Parking Area', 'Crime type': 'Robbery' }),
    ]);
  });

  it("writes a later outcome from the outcomes files in Outcome, keeping police.uk's Last outcome category, and counts it", async () => {
    const march = (await plansOf(SLICE)).find((p) => p.month === '2025-03')!;
    const before = await run(march);
    const [first] = before.rows;
    const id = first?.['Crime ID'] ?? '';
    expect(first?.['Last outcome category']).toBe('Unable to prosecute suspect');
    const outcomes = new OutcomeIndex();
    outcomes.add(id, '2025-05', 'Offender given a caution');
    const after = await run(march, undefined, outcomes);

    const changed = after.rows.find((r) => r['Crime ID'] === id);
    expect(changed?.['Last outcome category']).toBe('Unable to prosecute suspect');
    expect(changed?.['Outcome']).toBe('Offender given a caution');
    // Every other crime has no outcome row: its Outcome is police.uk's Last outcome category.
    const others = after.rows.filter((r) => r['Crime ID'] !== id);
    expect(others).toHaveLength(before.rows.length - 1);
    for (const row of others) expect(row['Outcome']).toBe(row['Last outcome category']);
    expect(before.rows.every((r) => r['Outcome'] === r['Last outcome category'])).toBe(true);

    // The ward's outcome figures count the latest outcome.
    const ward = changed?.['Ward Code'] ?? '';
    const outcomesBefore = before.summary.wardOutcome[ward] ?? {};
    const outcomesAfter = after.summary.wardOutcome[ward] ?? {};
    expect(outcomesAfter['Offender given a caution']).toBe(
      (outcomesBefore['Offender given a caution'] ?? 0) + 1,
    );
    expect(outcomesAfter['Unable to prosecute suspect'] ?? 0).toBe(
      (outcomesBefore['Unable to prosecute suspect'] ?? 0) - 1,
    );
  });

  it("counts a kept crime whose latest outcome is dated before its month as a disagreement, keeping the street file's outcome", async () => {
    const march = (await plansOf(SLICE)).find((p) => p.month === '2025-03')!;
    const before = await run(march);
    const [first, second] = before.rows;
    const id = first?.['Crime ID'] ?? '';
    const outcomes = new OutcomeIndex();
    outcomes.add(id, '2025-01', 'Offender given a caution');
    // Dated in the crime's own month: applied, and no disagreement.
    outcomes.add(second?.['Crime ID'] ?? '', '2025-03', 'Offender given a caution');
    const { rows, drops } = await run(march, undefined, outcomes);

    const earlier = rows.find((r) => r['Crime ID'] === id);
    expect(earlier?.['Outcome']).toBe('Unable to prosecute suspect');
    expect(earlier?.['Last outcome category']).toBe('Unable to prosecute suspect');
    expect(rows.find((r) => r['Crime ID'] === second?.['Crime ID'])?.['Outcome']).toBe(
      'Offender given a caution',
    );
    expect(drops.disagreements.counts).toEqual({
      'duplicate-differing': 0,
      'outcome-before-crime': 1,
      'cross-month-differing': 0,
    });
    expect(drops.disagreements.examples['outcome-before-crime']).toEqual([
      {
        // The slice's first row (tests/fixtures/pipeline/README.md).
        where: `${SLICE}/2025-03/2025-03-west-yorkshire-street.csv:2`,
        detail:
          `Crime ID ${id} is listed for 2025-03, and its latest outcome in the outcomes files, ` +
          '"Offender given a caution", is dated 2025-01, before it: the street file\'s Last ' +
          'outcome category "Unable to prosecute suspect" stands',
      },
    ]);
    // Nothing changes for a run without the earlier outcome.
    expect(before.drops.disagreements.total).toBe(0);
  });

  it('counts the kept rows by force as the files name them', async () => {
    const march = (await plansOf(SLICE)).find((p) => p.month === '2025-03')!;
    const { summary, rows } = await run(march);
    const expected = new Map<string, number>();
    for (const row of rows) {
      const key = JSON.stringify([row['Reported by'], row['Falls within']]);
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(
      summary.forces.map((f) => [JSON.stringify([f.reportedBy, f.fallsWithin]), f.count]),
    ).toEqual([...expected].sort(([a], [b]) => a.localeCompare(b)));
    // The slice has British Transport Police rows beside West Yorkshire's.
    expect(summary.forces.map((f) => f.reportedBy)).toContain('British Transport Police');
  });

  it("counts the territorial force's kept rows apart, written before another force's", async () => {
    const march = (await plansOf(SLICE)).find((p) => p.month === '2025-03')!;
    const { summary, rows } = await run(march);
    // tests/fixtures/pipeline/README.md: 27 West Yorkshire rows kept, then BTP's Leeds row.
    expect([summary.kept, summary.territorialKept]).toEqual([28, 27]);
    const force = (r: Record<string, string>) => r['Reported by'];
    expect(new Set(rows.slice(0, 27).map(force))).toEqual(new Set(['West Yorkshire Police']));
    expect(rows.slice(27).map(force)).toEqual(['British Transport Police']);
  });

  it('marks and counts the kept rows whose postcode district is only an estimate', async () => {
    const march = (await plansOf('data/sample/archive')).find((p) => p.month === '2025-03')!;
    const { summary, rows } = await run(march);
    const estimated = rows.map((row) =>
      locator.locate(Number(row['Longitude']), Number(row['Latitude']))?.postcodeApproximate
        ? 'true'
        : 'false',
    );
    const approximate = estimated.filter((flag) => flag === 'true').length;
    expect(approximate).toBeGreaterThan(0);
    expect(approximate).toBeLessThan(rows.length);
    expect(rows.map((row) => row['Postcode District Estimated'])).toEqual(estimated);
    expect(summary.postcodeDistrictApproximate).toBe(approximate);
  });

  it('counts a row dated in another month than its file as malformed-month', async () => {
    const root = path.join(tmp, 'wrong-month');
    await mkdir(path.join(root, '2025-03'), { recursive: true });
    await writeFile(
      path.join(root, '2025-03/2025-03-west-yorkshire-street.csv'),
      `${STREET_COLUMNS.join(',')}\n` +
        ',2025-02,West Yorkshire Police,West Yorkshire Police,-1.391358,53.938031,On or near Supermarket,E01011698,Leeds 001A,Anti-social behaviour,,\n' +
        ',2025-03,West Yorkshire Police,West Yorkshire Police,-1.391358,53.938031,On or near Supermarket,E01011698,Leeds 001A,Anti-social behaviour,,\n',
    );
    const [plan] = await plansOf(root);
    const { summary, drops } = await run(plan!);
    expect(summary.kept).toBe(1);
    expect(drops.examples['malformed-month']?.[0]?.detail).toBe(
      'Month "2025-02" in a file for 2025-03',
    );
  });

  it('fails on a month whose street file has a header and no rows, naming the file', async () => {
    const root = path.join(tmp, 'empty-month');
    await mkdir(path.join(root, '2025-04'), { recursive: true });
    const file = path.join(root, '2025-04/2025-04-west-yorkshire-street.csv');
    await writeFile(file, `${STREET_COLUMNS.join(',')}\n`);
    const [plan] = await plansOf(root);
    await expect(run(plan!)).rejects.toThrow(`${file}: holds no crimes for 2025-04`);
  });

  describe("fails on a month whose West Yorkshire file holds no usable row, however many British Transport Police's does", () => {
    const REAL = `${SLICE}/2025-03/2025-03-west-yorkshire-street.csv`;
    const BTP = `${SLICE}/2025-03/2025-03-btp-street.csv`;

    /** The slice's 2025-03 with its real BTP file and `westYorkshire` for its West Yorkshire file. */
    async function month(name: string, westYorkshire: string) {
      const root = path.join(tmp, name);
      await mkdir(path.join(root, '2025-03'), { recursive: true });
      const file = path.join(root, '2025-03/2025-03-west-yorkshire-street.csv');
      const btp = path.join(root, '2025-03/2025-03-btp-street.csv');
      await writeFile(file, westYorkshire);
      await copyFile(BTP, btp);
      const [plan] = await plansOf(root);
      expect(plan!.source === 'archive' && plan!.entries.map((e) => e.where)).toEqual([file, btp]);
      return { plan: plan!, file, btp };
    }

    it('a West Yorkshire file with a header and no rows (truncated)', async () => {
      const { plan, file, btp } = await month('btp-only-empty', `${STREET_COLUMNS.join(',')}\n`);
      // The BTP file's Leeds station row alone would be kept as the month.
      await expect(run(plan)).rejects.toThrow(
        `${file}: holds no crimes for 2025-03 (the 2 rows of another force's file, ${btp}, ` +
          'make no month without it). police.uk never publishes an empty month',
      );
    });

    it('a West Yorkshire file whose every row is dated another month, naming its drops only', async () => {
      const [header, ...rows] = (await readFile(REAL, 'utf8')).trimEnd().split('\n');
      const MONTH = STREET_COLUMNS.indexOf('Month');
      const moved = rows.map((row) => {
        const fields = row.split(',');
        fields[MONTH] = '2025-02';
        return fields.join(',');
      });
      const { plan, file, btp } = await month(
        'btp-only-other-month',
        `${[header, ...moved].join('\n')}\n`,
      );
      // 32 rows: the slice's 2025-03 West Yorkshire rows (tests/fixtures/pipeline/README.md),
      // one of them without coordinates, which is dropped for that before its month is checked.
      const message = await run(plan).then(
        () => 'the month was processed',
        (e: unknown) => (e instanceof InputError ? e.message : String(e)),
      );
      expect(message).toContain(
        `${file}: holds no usable crimes for 2025-03: all 32 rows read were dropped ` +
          `(1 no-coordinates, e.g. ${file}:32: Longitude "", Latitude ""; 31 malformed-month, ` +
          `e.g. ${file}:2: Month "2025-02" in a file for 2025-03) (the 2 rows of another ` +
          `force's file, ${btp}, make no month without it)`,
      );
    });

    it('but keeps a month with one usable West Yorkshire row beside the BTP rows', async () => {
      const [header, first, ...rows] = (await readFile(REAL, 'utf8')).trimEnd().split('\n');
      const moved = rows.map((row) => row.replace(',2025-03,', ',2025-02,'));
      const { plan } = await month(
        'one-west-yorkshire',
        `${[header, first, ...moved].join('\n')}\n`,
      );
      const { summary } = await run(plan);
      // The first West Yorkshire row (Kings Meadow Mews) and the BTP Leeds station row.
      expect(summary.read).toBe(34);
      expect(summary.kept).toBe(2);
    });
  });

  describe('fails on a month whose every row is unusable, naming the month, the file and each reason with its count and an example', () => {
    // The real 2024-03 rows of the slice (13, all kept as they are), each made unusable.
    const REAL = `${SLICE}/2024-03/2024-03-west-yorkshire-street.csv`;
    const COLUMN = Object.fromEntries(STREET_COLUMNS.map((name, i) => [name, i]));
    /** Bradford city centre, as the slice's own outside-district row. */
    const BRADFORD: [string, string] = ['-1.7526', '53.7936'];

    /** The message processMonth fails with. */
    async function failure(plan: MonthPlan): Promise<string> {
      const error = await run(plan).then(
        () => new Error('the month was processed'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InputError);
      return (error as InputError).message;
    }

    /** A 2024-03 street file of the real rows, each changed by `change` (field by column). */
    async function unusableMonth(name: string, change: (fields: string[], i: number) => void) {
      const [header, ...rows] = (await readFile(REAL, 'utf8')).trimEnd().split('\n');
      const root = path.join(tmp, name);
      await mkdir(path.join(root, '2024-03'), { recursive: true });
      const file = path.join(root, '2024-03/2024-03-west-yorkshire-street.csv');
      const changed = rows.map((row, i) => {
        // The slice has no quoted fields: a comma always separates two.
        const fields = row.split(',');
        change(fields, i);
        return fields.join(',');
      });
      await writeFile(file, `${[header, ...changed].join('\n')}\n`);
      const [plan] = await plansOf(root);
      return { plan: plan!, file, rows: rows.length };
    }

    it('every row dated another month (malformed-month)', async () => {
      const { plan, file } = await unusableMonth('all-other-month', (fields) => {
        fields[COLUMN['Month']!] = '2024-01';
      });
      const message = await failure(plan);
      expect(message).toContain(
        `${file}: holds no usable crimes for 2024-03: all 13 rows read were dropped ` +
          `(13 malformed-month, e.g. ${file}:2: Month "2024-01" in a file for 2024-03)`,
      );
      expect(message).toMatch(/download it again/);
    });

    it('every row outside the district (outside-district)', async () => {
      const { plan, file } = await unusableMonth('all-outside', (fields) => {
        [fields[COLUMN['Longitude']!], fields[COLUMN['Latitude']!]] = BRADFORD;
      });
      const message = await failure(plan);
      expect(message).toContain(
        `${file}: holds no usable crimes for 2024-03: all 13 rows read were dropped ` +
          `(13 outside-district, e.g. ${file}:2: -1.7526, 53.7936 (`,
      );
      expect(message).toContain('is outside the Leeds district');
    });

    it('every row without coordinates (no-coordinates)', async () => {
      const { plan, file } = await unusableMonth('all-no-coordinates', (fields) => {
        fields[COLUMN['Longitude']!] = '';
        fields[COLUMN['Latitude']!] = '';
      });
      const message = await failure(plan);
      expect(message).toContain(
        `${file}: holds no usable crimes for 2024-03: all 13 rows read were dropped ` +
          `(13 no-coordinates, e.g. ${file}:2: `,
      );
    });

    it('rows dropped for several reasons, each counted with its first example', async () => {
      const { plan, file } = await unusableMonth('all-dropped-mixed', (fields, i) => {
        if (i % 3 === 0) fields[COLUMN['Month']!] = '2024-01';
        else if (i % 3 === 1) fields[COLUMN['Latitude']!] = '';
        else [fields[COLUMN['Longitude']!], fields[COLUMN['Latitude']!]] = BRADFORD;
      });
      const message = await failure(plan);
      expect(message).toContain(
        `all 13 rows read were dropped (4 outside-district, e.g. ${file}:4: -1.7526, 53.7936 (`,
      );
      expect(message).toContain(`; 4 no-coordinates, e.g. ${file}:3: `);
      expect(message).toContain(
        `; 5 malformed-month, e.g. ${file}:2: Month "2024-01" in a file for 2024-03)`,
      );
    });

    it('but keeps a month with a single usable row', async () => {
      const { plan } = await unusableMonth('one-kept', (fields, i) => {
        if (i > 0) fields[COLUMN['Month']!] = '2024-01';
      });
      const { summary } = await run(plan);
      expect(summary.kept).toBe(1);
      expect(summary.dropped['malformed-month']).toBe(12);
    });
  });

  it('fails on a street file with a column twice, naming the file and the column, instead of reading one of them', async () => {
    // The real 2025-03 rows of the slice with a second Longitude column (Bradford's) after
    // Context: which longitude is the row's cannot be told.
    const real = `${SLICE}/2025-03/2025-03-west-yorkshire-street.csv`;
    const [header, ...rows] = (await readFile(real, 'utf8')).trimEnd().split('\n');
    const root = path.join(tmp, 'column-twice');
    await mkdir(path.join(root, '2025-03'), { recursive: true });
    const file = path.join(root, '2025-03/2025-03-west-yorkshire-street.csv');
    await writeFile(
      file,
      `${[`${header},Longitude`, ...rows.map((row) => `${row},-1.752600`)].join('\n')}\n`,
    );
    const [plan] = await plansOf(root);
    await expect(run(plan!)).rejects.toThrow(
      `${file}: the header has column(s) "Longitude" more than once`,
    );
  });

  it('fails on an empty (0-byte) street file, naming it', async () => {
    const root = path.join(tmp, 'empty-file');
    await mkdir(path.join(root, '2025-04'), { recursive: true });
    const file = path.join(root, '2025-04/2025-04-west-yorkshire-street.csv');
    await writeFile(file, '');
    const [plan] = await plansOf(root);
    await expect(run(plan!)).rejects.toThrow(`${file}: is empty (no header row)`);
  });

  it('reads an API month: Leeds crimes kept with the LSOA police.uk gave the coordinate, others dropped', async () => {
    const dir = path.join(tmp, 'api');
    await mkdir(dir, { recursive: true });
    const leicester = (
      await import('../fixtures/police-api/crime.json', { with: { type: 'json' } })
    ).default;
    // The fixture crime moved to a real Leeds snap point of the 2025-03 sample (Saxon Grove).
    const leeds = {
      ...leicester,
      month: '2025-04',
      location: { ...leicester.location, latitude: '53.845919', longitude: '-1.554415' },
    };
    await writeFile(
      path.join(dir, '2025-04.json'),
      JSON.stringify([{ ...leicester, month: '2025-04', persistent_id: 'a'.repeat(64) }, leeds]),
    );
    const hints: LsoaHints = new Map([
      [coordinateKey(-1.554415, 53.845919), { code: 'E01011560', name: 'Leeds 018D' }],
    ]);
    const [plan] = chooseMonthSources([], await listApiMonths(dir)).months;
    const { summary, rows } = await run(plan!, hints);
    expect(summary.source).toBe('api');
    expect(summary.dropped['outside-district']).toBe(1);
    expect(rows).toEqual([
      expect.objectContaining({
        'Crime ID': leicester.persistent_id,
        Month: '2025-04',
        Location: 'On or near Marquis Street',
        'LSOA code': 'E01011560',
        'LSOA name': 'Leeds 018D',
        'Crime type': 'Violence and sexual offences',
        'Last outcome category': 'Status update unavailable',
        'Ward Name': 'Alwoodley',
      }),
    ]);
  });

  it('copies of the real 2024-03 file give the same rows whichever folder holds them', async () => {
    const root = path.join(tmp, 'copy');
    await mkdir(path.join(root, '2024-03'), { recursive: true });
    await copyFile(
      `${SLICE}/2024-03/2024-03-west-yorkshire-street.csv`,
      path.join(root, '2024-03/2024-03-west-yorkshire-street.csv'),
    );
    const [copy] = await plansOf(root);
    const original = (await plansOf(SLICE)).find((p) => p.month === '2024-03')!;
    expect((await run(copy!)).rows).toEqual((await run(original)).rows);
  });

  it('reads street files whose columns come in another order, or with one more, as the same rows', async () => {
    const original = (await plansOf(SLICE)).find((p) => p.month === '2025-03')!;
    const expected = await run(original);
    const orders = {
      reversed: [...STREET_COLUMNS].reverse(),
      wider: [...STREET_COLUMNS, 'Notes'],
      swapped: STREET_COLUMNS.map((column) =>
        column === 'Reported by'
          ? 'Falls within'
          : column === 'Falls within'
            ? 'Reported by'
            : column,
      ),
    };
    for (const [name, columns] of Object.entries(orders)) {
      const root = path.join(tmp, `columns-${name}`);
      await mkdir(path.join(root, '2025-03'), { recursive: true });
      for (const file of await readdir(`${SLICE}/2025-03`)) {
        const lines = [formatCsvRow(columns)];
        const from = `${SLICE}/2025-03/${file}`;
        for await (const { values } of readCsv(createReadStream(from), from, STREET_COLUMNS)) {
          lines.push(formatCsvRow(columns.map((column) => values[column] ?? 'x')));
        }
        await writeFile(path.join(root, '2025-03', file), lines.join(''));
      }
      const [plan] = await plansOf(root);
      const got = await run(plan!);
      expect(got.rows, name).toEqual(expected.rows);
      expect(got.summary, name).toEqual(expected.summary);
    }
  });
});
