// Inputs that cannot hide each other: a month found in two inputs is read once when the copies
// are the same, taken from the newer police.uk snapshot (by the months each input holds) when
// they differ, and refused when neither is newer. Empty month folders and bytes that are not
// UTF-8 are reported, never passed over in silence.
import { createReadStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchiveInputs } from '../../pipeline/archive.ts';
import { selectEntries } from '../../pipeline/select-entries.ts';
import { runPipeline, type CliOptions } from '../../pipeline/cli.ts';
import { readCsv } from '../../pipeline/csv.ts';
import { InputError } from '../../pipeline/input-error.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { STREET_COLUMNS } from '../../src/shared/constants.ts';
import { buildZip } from '../support/zip-writer.ts';
import { zipFolder } from './zip-folder.ts';

const SAMPLE = path.join('data', 'sample', 'archive');
const MARCH = '2025-03/2025-03-west-yorkshire-street.csv';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'inputs-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function folderWith(name: string, files: Record<string, string | Buffer>): Promise<string> {
  const root = path.join(tmp, name);
  for (const [file, data] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), data);
  }
  return root;
}

/** The sample's March street file without its last `rows` rows: a partial copy. */
async function partialMarch(rows: number): Promise<string> {
  const lines = (await readFile(path.join(SAMPLE, MARCH), 'utf8')).trimEnd().split('\n');
  return `${lines.slice(0, -rows).join('\n')}\n`;
}

async function selectFrom(root: string) {
  const inputs = await openArchiveInputs(root);
  try {
    return { inputs, selected: await selectEntries(inputs) };
  } finally {
    for (const input of inputs) input.close();
  }
}

function options(archiveDir: string, out: string): CliOptions {
  return { help: false, list: false, offline: true, archiveDir, out };
}

describe('selectEntries() when a month is found twice', () => {
  it('reads a folder and its identical zip once, and says so', async () => {
    const root = path.join(tmp, 'same');
    await cp(SAMPLE, path.join(root, 'folder'), { recursive: true });
    await zipFolder(SAMPLE, path.join(root, 'archive.zip'));
    const { selected } = await selectFrom(root);
    expect(
      selected.entries.filter((e) => e.month === '2025-03' && e.kind === 'street'),
    ).toHaveLength(1);
    expect(selected.shadowed.length).toBeGreaterThan(0);
    expect(selected.shadowed.every((s) => s.why === 'identical')).toBe(true);
    expect(selected.missingFromNewer).toEqual([]);
  });

  it('refuses a partial folder beside its full zip (the same snapshot), naming both', async () => {
    const root = path.join(tmp, 'partial');
    await folderWith('partial/folder', { [MARCH]: await partialMarch(500) });
    await zipFolder(
      await folderWith('partial-src', { [MARCH]: await readFile(path.join(SAMPLE, MARCH)) }),
      path.join(root, '2025-03.zip'),
    );
    const error = (await selectFrom(root).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      /2025-03-west-yorkshire-street\.csv: differs from .*2025-03-west-yorkshire-street\.csv, and both inputs hold months up to 2025-03, so neither is the newer police\.uk snapshot/,
    );
  });

  /** A zip of the sample's March street file, with a second entry of that name holding `data`. */
  async function zipWithMarchTwice(name: string, data: Buffer): Promise<string> {
    const root = path.join(tmp, name);
    await mkdir(root, { recursive: true });
    const march = await readFile(path.join(SAMPLE, MARCH));
    await writeFile(
      path.join(root, '2025-03.zip'),
      await buildZip([
        { name: MARCH, data: march },
        { name: MARCH, data },
      ]),
    );
    return root;
  }

  it('reads a zip holding a file twice with the same bytes once', async () => {
    const root = await zipWithMarchTwice('twice-same', await readFile(path.join(SAMPLE, MARCH)));
    const { selected } = await selectFrom(root);
    expect(selected.entries).toHaveLength(1);
    expect(selected.shadowed.map((s) => s.why)).toEqual(['identical']);
  });

  it('refuses a zip holding a file twice with other bytes, naming the zip and the file', async () => {
    const root = await zipWithMarchTwice('twice-other', Buffer.from(await partialMarch(3)));
    const error = (await selectFrom(root).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InputError);
    const zip = path.join(root, '2025-03.zip');
    const march = await readFile(path.join(SAMPLE, MARCH));
    const other = Buffer.from(await partialMarch(3));
    const copy = (bytes: Buffer) =>
      `${bytes.length} bytes, CRC-32 ${crc32(bytes).toString(16).padStart(8, '0')}`;
    expect(error.message).toBe(
      `${zip}:${MARCH}: is in ${zip} more than once, not always with the same bytes ` +
        `(${copy(march)}; ${copy(other)}), and nothing tells which is the month's. Take the ` +
        'month from another police.uk archive (those of the next three years hold it too), or ' +
        'leave this input out.',
    );
  });

  it('takes the copy from the zip holding newer months, whatever the zips are called', async () => {
    const root = path.join(tmp, 'two-zips');
    await mkdir(root, { recursive: true });
    // Named as if newer, but holding months only to 2025-03.
    await zipFolder(
      await folderWith('two-zips-old', { [MARCH]: await partialMarch(10) }),
      path.join(root, 'z-2099-12.zip'),
    );
    await zipFolder(
      await folderWith('two-zips-new', {
        [MARCH]: await readFile(path.join(SAMPLE, MARCH)),
        '2025-04/2025-04-west-yorkshire-outcomes.csv':
          'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n',
      }),
      path.join(root, 'a-2025-04.zip'),
    );
    const { selected } = await selectFrom(root);
    const march = selected.entries.find((e) => e.month === '2025-03' && e.kind === 'street');
    expect(march?.input).toBe(path.join(root, 'a-2025-04.zip'));
    expect(selected.shadowed.map((s) => [path.basename(s.entry.input), s.why])).toEqual([
      ['z-2099-12.zip', 'older-snapshot'],
    ]);
    expect(selected.missingFromNewer).toEqual([]);
  });
});

describe('selectEntries() when a newer input holds a month without one of its files', () => {
  const SLICE = path.join('tests', 'fixtures', 'pipeline', 'slice', 'archive');
  const OUTCOMES = path.join('tests', 'fixtures', 'pipeline', 'outcomes', 'archive');
  const BTP = '2025-03/2025-03-btp-street.csv';
  const OUTCOMES_FILE = '2025-03/2025-03-west-yorkshire-outcomes.csv';

  /** An older input with March's street, BTP and outcomes files; a newer one with its street file only. */
  async function mixedRoot(name: string): Promise<string> {
    const root = path.join(tmp, name);
    await folderWith(`${name}/older`, {
      [MARCH]: await readFile(path.join(SAMPLE, MARCH)),
      [BTP]: await readFile(path.join(SLICE, BTP)),
      [OUTCOMES_FILE]: await readFile(path.join(OUTCOMES, OUTCOMES_FILE)),
    });
    const april = (await readFile(path.join(SAMPLE, MARCH), 'utf8')).replaceAll(
      ',2025-03,',
      ',2025-04,',
    );
    await folderWith(`${name}/newer`, {
      [MARCH]: await partialMarch(10),
      '2025-04/2025-04-west-yorkshire-street.csv': april,
    });
    return root;
  }

  it('lists each file taken from the older input, naming the newer input that holds the month without it', async () => {
    const root = await mixedRoot('mixed');
    const { selected } = await selectFrom(root);
    const used = (kind: string, force: string) =>
      selected.entries.find((e) => e.month === '2025-03' && e.kind === kind && e.force === force);
    expect(used('street', 'west-yorkshire')?.input).toBe(path.join(root, 'newer'));
    expect(used('street', 'btp')?.input).toBe(path.join(root, 'older'));
    expect(
      selected.missingFromNewer.map(({ entry, lacking }) => [
        `${entry.kind} ${entry.force}`,
        path.basename(entry.input),
        path.basename(lacking.path),
        lacking.snapshot,
      ]),
    ).toEqual([
      ['street btp', 'older', 'newer', 'archive:2025-04'],
      ['outcomes west-yorkshire', 'older', 'newer', 'archive:2025-04'],
    ]);
  });

  it('says so in the run summary, each file once, naming both inputs and the rule', async () => {
    const root = await mixedRoot('mixed-run');
    const out = path.join(tmp, 'mixed-run-out');
    const record = await runPipeline(options(root, out), {
      reporter: createMemoryReporter(),
      threads: 1,
    });
    const mixed = record.notes.filter((note) => note.includes('the month mixes'));
    const newer = path.join(root, 'newer');
    expect(mixed).toEqual(
      [BTP, OUTCOMES_FILE].map(
        (file) =>
          `${path.join(root, 'older', file)} (archive:2025-03) is used for 2025-03, though ` +
          `${newer} (archive:2025-04) holds 2025-03 without it: the month mixes the two ` +
          `inputs' files, by the rule "each file from the newest snapshot that has it" (if ` +
          `${newer} is a partial copy, remove it)`,
      ),
    );
    // The month is still built from both: the BTP file's rows are read.
    const march = record.months?.find((m) => m.plan.month === '2025-03');
    expect(march?.plan.source === 'archive' && march.plan.entries.map((e) => e.force)).toEqual([
      'west-yorkshire',
      'btp',
    ]);
  }, 120_000);
});

describe('runPipeline with the sample and fetched months', () => {
  it('takes a month that differs from the newer fetched snapshot and states the rule in the run summary', async () => {
    const out = path.join(tmp, 'fetched-out');
    const fetched = path.join(out, 'cache', 'archive');
    await mkdir(path.join(fetched, '2025-03'), { recursive: true });
    await writeFile(path.join(fetched, MARCH), await partialMarch(100));
    await mkdir(path.join(fetched, '2025-04'), { recursive: true });
    // The copy is relabelled as April so the fetched folder holds a newer month.
    const april = (await readFile(path.join(SAMPLE, MARCH), 'utf8')).replaceAll(
      ',2025-03,',
      ',2025-04,',
    );
    await writeFile(path.join(fetched, '2025-04', '2025-04-west-yorkshire-street.csv'), april);
    const record = await runPipeline(options(SAMPLE, out), {
      reporter: createMemoryReporter(),
      threads: 1,
    });
    const march = record.months?.find((m) => m.plan.month === '2025-03');
    expect(march?.plan.source === 'archive' && march.plan.entries[0]?.input).toBe(fetched);
    const summary = JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8')) as {
      notes: string[];
    };
    expect(summary.notes).toContainEqual(
      expect.stringMatching(
        /data\/sample\/archive\/2025-03\/2025-03-west-yorkshire-street\.csv differs from .*cache\/archive\/2025-03\/2025-03-west-yorkshire-street\.csv: the copy from the newer police\.uk snapshot \(archive:2025-04, against archive:2025-03\) is used/,
      ),
    );
  });

  it('reports an empty month folder in the run summary, and a folder for no real month apart', async () => {
    const input = path.join(tmp, 'with-empty');
    await cp(SAMPLE, input, { recursive: true });
    await mkdir(path.join(input, '2025-01'));
    await mkdir(path.join(input, '2025-13'));
    await mkdir(path.join(input, '2025-00'));
    await writeFile(path.join(input, '2025-00', 'README.txt'), 'not police data');
    const out = path.join(tmp, 'with-empty-out');
    const record = await runPipeline(options(input, out), {
      reporter: createMemoryReporter(),
      threads: 1,
    });
    expect(record.notes).toContainEqual(
      `1 month folder(s) hold no police.uk file and add no month (a gap, never zeros): ${path.resolve(input, '2025-01')}`,
    );
    expect(record.notes).toContainEqual(
      `2 folder(s) named for a month that does not exist hold no police.uk file and were ` +
        `skipped (not month folders, so not gaps): ${path.resolve(input, '2025-00')}, ` +
        `${path.resolve(input, '2025-13')}`,
    );
    expect(record.months?.map((m) => m.plan.month)).toEqual(['2024-03', '2025-02', '2025-03']);
  });
});

describe('runPipeline with a month folder that holds an outcomes file alone', () => {
  const OUTCOMES = path.join('tests', 'fixtures', 'pipeline', 'outcomes', 'archive');
  const SLICE = path.join('tests', 'fixtures', 'pipeline', 'slice', 'archive');
  const MARCH_OUTCOMES = '2025-03/2025-03-west-yorkshire-outcomes.csv';

  it('says the month has no crimes (a gap) and still reads its outcomes, between months and after the newest', async () => {
    const input = path.join(tmp, 'outcomes-alone');
    await cp(SAMPLE, input, { recursive: true });
    const march = await readFile(path.join(OUTCOMES, MARCH_OUTCOMES), 'utf8');
    // January, between the sample's months, and April, after its newest; May with British
    // Transport Police's street file too, which its own note names as without West Yorkshire's.
    for (const month of ['2025-01', '2025-04', '2025-05']) {
      await folderWith(`outcomes-alone/${month}`, {
        [`${month}-west-yorkshire-outcomes.csv`]: march.replaceAll(',2025-03,', `,${month},`),
      });
    }
    const btp = await readFile(path.join(SLICE, '2025-03/2025-03-btp-street.csv'), 'utf8');
    await writeFile(
      path.join(input, '2025-05', '2025-05-btp-street.csv'),
      btp.replaceAll(',2025-03,', ',2025-05,'),
    );
    const out = path.join(tmp, 'outcomes-alone-out');
    const record = await runPipeline(options(input, out), {
      reporter: createMemoryReporter(),
      threads: 1,
    });
    const file = (month: string) =>
      path.resolve(input, month, `${month}-west-yorkshire-outcomes.csv`);
    expect(record.notes).toContainEqual(
      '2 month(s) have an outcomes file but no west-yorkshire street file, so no crimes (a gap, ' +
        'never zeros; their outcomes are read like any others): ' +
        `2025-01 (${file('2025-01')}); 2025-04 (${file('2025-04')})`,
    );
    expect(record.notes).toContainEqual(
      'street files skipped: no west-yorkshire street file for 2025-05 in the same input set',
    );
    expect(record.months?.map((m) => m.plan.month)).toEqual(['2024-03', '2025-02', '2025-03']);
    expect(record.outcomes?.files).toBe(3);
    // Every row of the three files read (a header line each, none blank).
    const rows = march.trimEnd().split('\n').length - 1;
    expect(record.outcomes?.counts?.rows.read).toBe(3 * rows);
    // A month with its street file and an outcomes file is a month like any other: no note.
    await writeFile(path.join(input, MARCH_OUTCOMES), march);
    const again = await runPipeline(options(input, path.join(tmp, 'outcomes-alone-out-2')), {
      reporter: createMemoryReporter(),
      threads: 1,
    });
    expect(again.notes.filter((n) => n.includes('outcomes file but no'))).toEqual([
      expect.stringMatching(
        /^2 month\(s\) have an outcomes file but no west-yorkshire street file/,
      ),
    ]);
    expect(again.outcomes?.files).toBe(4);
  });
});

describe('runPipeline with --out inside the committed sample', () => {
  it('refuses before anything is fetched or written: fetched months never sit under data/sample', async () => {
    const out = path.join('data', 'sample', 'archive', 'run');
    await expect(
      runPipeline(options(SAMPLE, out), { reporter: createMemoryReporter() }),
    ).rejects.toThrow(
      /fetched months would be saved in .*data\/sample\/archive\/run\/cache\/archive, inside the committed sample/,
    );
    await expect(readFile(path.join(out, 'site-data.json'))).rejects.toThrow(/ENOENT/);
  });
});

describe('readCsv() with bytes that are not UTF-8', () => {
  it('fails naming the file and the line instead of reading replacement characters', async () => {
    const header = `${STREET_COLUMNS.join(',')}\n`;
    const good = `abc,2025-03,West Yorkshire Police,West Yorkshire Police,-1.5,53.8,On or near Briggate,E01011111,Leeds 111A,Burglary,,\n`;
    const bad = Buffer.concat([
      Buffer.from(header + good + good),
      Buffer.from(
        'def,2025-03,West Yorkshire Police,West Yorkshire Police,-1.5,53.8,On or near Caf',
      ),
      Buffer.from([0xe9]), // "é" in Latin-1: not UTF-8
      Buffer.from(',E01011111,Leeds 111A,Burglary,,\n'),
    ]);
    const file = path.join(tmp, 'latin1.csv');
    await writeFile(file, bad);
    const read = async () => {
      for await (const row of readCsv(createReadStream(file), file, STREET_COLUMNS)) void row;
    };
    await expect(read()).rejects.toThrow(`${file}:4: is not valid UTF-8`);
  });
});
