import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { STREET_COLUMNS } from '../../src/shared/constants.ts';
import {
  CACHE_DAMAGED,
  formatCsvRow,
  INPUT_DAMAGED,
  readCsv,
  readCsvEach,
  type CsvRow,
} from '../../pipeline/csv.ts';
import { InputError } from '../../pipeline/input-error.ts';
import { seededRandom } from '../support/seeded-random.ts';

const STREET_2025_02 = 'data/sample/archive/2025-02/2025-02-west-yorkshire-street.csv';
const HEADER = STREET_COLUMNS.join(',');
// The first data row of the February 2025 sample file (anti-social behaviour: no Crime ID).
const ASB_ROW =
  ',2025-02,West Yorkshire Police,West Yorkshire Police,-1.391358,53.938031,On or near Supermarket,E01011698,Leeds 001A,Anti-social behaviour,,';

async function collect(
  text: string | Buffer,
  where = 'test.csv',
  required: readonly string[] = STREET_COLUMNS,
) {
  const rows = [];
  for await (const row of readCsv(Readable.from([Buffer.from(text)]), where, required))
    rows.push(row);
  return rows;
}

/** What a reader of rows sees of each: its values by name are made on demand, not own properties. */
function seen(rows: readonly CsvRow[]) {
  return rows.map(({ line, fields, text, values }) => ({ line, fields, text, values }));
}

/** Every CSV file of the sample archive: street files and the stop-and-search file. */
const SAMPLE_FILES = readdirSync('data/sample/archive', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.csv'))
  .map((file) => path.join('data/sample/archive', file));

describe('readCsv', () => {
  it.each(SAMPLE_FILES)('reads %s exactly as csv-parse does', async (file) => {
    const expected = parse(readFileSync(file), { columns: true, bom: true }) as Record<
      string,
      string
    >[];
    const header = Object.keys(expected[0] ?? {});
    const got = [];
    for await (const row of readCsv(createReadStream(file, { highWaterMark: 4096 }), file, header))
      got.push(row.values);
    expect(got).toHaveLength(expected.length);
    expect(got).toEqual(expected);
  });

  it('streams every row of a real street file with its line number', async () => {
    let count = 0;
    let last;
    let bytes = 0;
    for await (const row of readCsv(
      createReadStream(STREET_2025_02),
      STREET_2025_02,
      STREET_COLUMNS,
      {
        onBytes: (n) => (bytes += n),
      },
    )) {
      count += 1;
      last = row;
    }
    expect(count).toBe(8009);
    expect(last?.line).toBe(8010);
    expect(bytes).toBeGreaterThan(1_000_000);
  });

  it('reads the first real row as named fields, with a UTF-8 byte-order mark tolerated', async () => {
    const rows = await collect(`\ufeff${HEADER}\n${ASB_ROW}\n`);
    expect(rows.map(({ line, values, fields, text }) => ({ line, values, fields, text }))).toEqual([
      {
        line: 2,
        values: {
          'Crime ID': '',
          Month: '2025-02',
          'Reported by': 'West Yorkshire Police',
          'Falls within': 'West Yorkshire Police',
          Longitude: '-1.391358',
          Latitude: '53.938031',
          Location: 'On or near Supermarket',
          'LSOA code': 'E01011698',
          'LSOA name': 'Leeds 001A',
          'Crime type': 'Anti-social behaviour',
          'Last outcome category': '',
          Context: '',
        },
        fields: ASB_ROW.split(','),
        text: ASB_ROW,
      },
    ]);
  });

  it("gives a row's fields in the header's order, whatever that order", async () => {
    const columns = [...STREET_COLUMNS].reverse();
    const values = ASB_ROW.split(',').reverse();
    const [row] = await collect(`${columns.join(',')}\n${values.join(',')}\n`);
    expect(row?.fields).toEqual(values);
    expect(row?.values).toEqual((await collect(`${HEADER}\n${ASB_ROW}\n`))[0]?.values);
  });

  it("gives a plain row's text when its columns are the required ones in order, and only then", async () => {
    const quoted = ASB_ROW.replace('On or near Supermarket', '"On or near Supermarket, Car Park"');
    const crlf = await collect(`${HEADER}\r\n${ASB_ROW}\r\n${quoted}\r\n${ASB_ROW}\r\n`);
    expect(crlf.map((row) => row.text)).toEqual([ASB_ROW, undefined, ASB_ROW]);
    expect(crlf[1]?.values['Location']).toBe('On or near Supermarket, Car Park');

    // The same fields under a header in another order, or with a column more: no text.
    const columns = [...STREET_COLUMNS];
    [columns[0], columns[1]] = [columns[1]!, columns[0]!];
    const swapped = ASB_ROW.split(',');
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    const reordered = await collect(`${columns.join(',')}\n${swapped.join(',')}\n`);
    expect(reordered[0]?.values).toEqual((await collect(`${HEADER}\n${ASB_ROW}\n`))[0]?.values);
    expect(reordered[0]?.text).toBeUndefined();
    const wider = await collect(`${HEADER},Extra\n${ASB_ROW},x\n`);
    expect(wider[0]?.values['Extra']).toBe('x');
    expect(wider[0]?.text).toBeUndefined();
    // Fewer columns required than the file has (an outcomes reader of a street file): none.
    const fewer = await collect(`${HEADER}\n${ASB_ROW}\n`, 'x.csv', STREET_COLUMNS.slice(0, 6));
    expect(fewer[0]?.text).toBeUndefined();
  });

  it.each(SAMPLE_FILES.filter((file) => file.endsWith('-street.csv')))(
    "gives %s's plain rows text that splits into their fields",
    async (file) => {
      let plain = 0;
      for await (const row of readCsv(
        createReadStream(file, { highWaterMark: 4096 }),
        file,
        STREET_COLUMNS,
      )) {
        if (row.text === undefined) continue;
        plain += 1;
        expect(row.text.split(',')).toEqual(STREET_COLUMNS.map((column) => row.values[column]));
      }
      expect(plain).toBeGreaterThan(1000);
    },
  );

  it('fails on a wrong header, naming the file and every missing column', async () => {
    const header = HEADER.replace('Longitude,Latitude,', 'Lng,Lat,');
    const error = await collect(`${header}\n`, 'data/x/2025-02-west-yorkshire-street.csv').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /^data\/x\/2025-02-west-yorkshire-street\.csv: the header lacks column\(s\) "Longitude", "Latitude"/,
    );
  });

  it('fails on a header that names a required column twice, naming the file and the column', async () => {
    // The real row with a second Longitude column after Context: of the two, which holds the
    // row's longitude cannot be told, so neither is taken.
    const error = await collect(
      `${HEADER},Longitude\n${ASB_ROW},-9.000000\n`,
      'data/x/2025-02-west-yorkshire-street.csv',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /^data\/x\/2025-02-west-yorkshire-street\.csv: the header has column\(s\) "Longitude" more than once \(found: "Crime ID", .*"Context", "Longitude"\), and which of them holds the values cannot be told; download the file again, or remove the extra column$/,
    );
  });

  it('reads a header that repeats a column it is not asked for', async () => {
    const rows = await collect(`${HEADER},Notes,Notes\n${ASB_ROW},a,b\n`);
    expect(rows.map((row) => row.values['Longitude'])).toEqual(['-1.391358']);
  });

  it('fails on an empty file, naming it', async () => {
    await expect(collect('', 'empty.csv')).rejects.toThrow(
      /^empty\.csv: is empty \(no header row\)/,
    );
  });

  it('yields nothing for a header-only file', async () => {
    expect(await collect(`${HEADER}\n`)).toEqual([]);
  });

  it('says what to do about a file of the cache (damaged, empty or without a column), given, instead of about an input', async () => {
    const read = async (text: Buffer) => {
      const rows = readCsv(Readable.from([text]), 'cache.csv', STREET_COLUMNS, {
        damaged: CACHE_DAMAGED,
      });
      for await (const _ of rows) void _;
    };
    const extra = Buffer.from(`${HEADER}\n${ASB_ROW},extra\n`);
    await expect(read(extra)).rejects.toThrow(
      `cache.csv:2: is not valid CSV (Invalid Record Length: the header has 12 columns, got 13 on line 2): ${CACHE_DAMAGED}`,
    );
    const latin1 = Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0xe9, 0x0a])]);
    await expect(read(latin1)).rejects.toThrow(`cache.csv:2: is not valid UTF-8: ${CACHE_DAMAGED}`);
    await expect(read(Buffer.from(''))).rejects.toThrow(
      `cache.csv: is empty (no header row): ${CACHE_DAMAGED}`,
    );
    await expect(read(Buffer.from('Crime ID,Month\n'))).rejects.toThrow(
      new RegExp(
        `^cache\\.csv: the header lacks column\\(s\\) "Reported by", .*\\(found: "Crime ID", "Month"\\); a file of the pipeline's own cache, damaged`,
      ),
    );
    await expect(collect(extra)).rejects.toThrow(INPUT_DAMAGED);
    expect(INPUT_DAMAGED).not.toBe(CACHE_DAMAGED);
  });

  it('fails on a row with the wrong number of fields, naming file and line and what to do', async () => {
    await expect(collect(`${HEADER}\n${ASB_ROW}\n${ASB_ROW},extra\n`)).rejects.toThrow(
      /^test\.csv:3: is not valid CSV \(Invalid Record Length: .*\): the file is damaged or was edited: download it again \(.*\), or correct that line$/,
    );
  });
});

describe('readCsv on text split anywhere', () => {
  const text = readFileSync(STREET_2025_02, 'utf8').split('\n').slice(0, 40).join('\r\n');

  it('gives the same rows whatever the chunk boundaries, with CRLF line ends', async () => {
    const whole = await collect(text);
    expect(whole).toHaveLength(39);
    const bytes = Buffer.from(text);
    for (const size of [1, 7, 64]) {
      const chunks = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const rows = [];
      for await (const row of readCsv(Readable.from(chunks), 'test.csv', STREET_COLUMNS))
        rows.push(row);
      expect(seen(rows)).toEqual(seen(whole));
    }
  });

  it('reads generated files as they were written, whatever their line ends, quotes and chunks', async () => {
    const ENDS = ['\n', '\r\n', '\r'];
    for (let seed = 1; seed <= 80; seed++) {
      const random = seededRandom(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      // One line end for the file, or any of the three on each line.
      const fileEnd = seed % 4 === 0 ? null : ENDS[seed % 3]!;
      const columns = Array.from({ length: 2 + (seed % 4) }, (_, i) => `col${i}`);
      const field = (): { text: string; value: string } => {
        const word = pick(['Leeds', 'On or near Park Lane', 'Café', '€5', 'E01011698', '']);
        switch (pick(['plain', 'plain', 'plain', 'comma', 'quote', 'break', 'quoted'])) {
          case 'comma':
            return { text: `"${word}, ${word}"`, value: `${word}, ${word}` };
          case 'quote':
            return { text: `"say ""${word}"""`, value: `say "${word}"` };
          case 'break': {
            const inside = pick(['\n', '\r\n']);
            return { text: `"${word}${inside}${word}"`, value: `${word}${inside}${word}` };
          }
          case 'quoted':
            return { text: `"${word}"`, value: word };
          default:
            return { text: word, value: word };
        }
      };
      let text = columns.join(',');
      let previousEnd = fileEnd ?? pick(ENDS);
      text += previousEnd;
      let line = 2;
      const expected: { line: number; values: Record<string, string> }[] = [];
      const rows = 1 + Math.floor(random() * 25);
      for (let r = 0; r < rows; r++) {
        // An empty line now and then ("\n" after a bare "\r" would make one "\r\n").
        const emptyEnd = fileEnd ?? pick(ENDS);
        if (random() < 0.15 && !(previousEnd === '\r' && emptyEnd === '\n')) {
          text += emptyEnd;
          line += 1;
        }
        const fields = columns.map(() => field());
        const values = Object.fromEntries(columns.map((c, i) => [c, fields[i]!.value]));
        line += fields.reduce((n, f) => n + f.value.split('\n').length - 1, 0);
        expected.push({ line, values });
        text += fields.map((f) => f.text).join(',');
        const end = fileEnd ?? pick(ENDS);
        // The last row ends the file without a line end now and then.
        if (r < rows - 1 || random() < 0.7) text += end;
        previousEnd = end;
        line += 1;
      }
      const bytes = Buffer.from(text);
      const chunks = [];
      for (let i = 0; i < bytes.length;) {
        const size = 1 + Math.floor(random() * 60);
        chunks.push(bytes.subarray(i, i + size));
        i += size;
      }
      const got = [];
      for await (const row of readCsv(Readable.from(chunks), 'generated.csv', columns)) {
        got.push({ line: row.line, values: { ...row.values } });
      }
      expect(got, `seed ${seed}: ${JSON.stringify(text)}`).toEqual(expected);
    }
  });

  it('reads a quoted field with a line break and counts the line where the row ends', async () => {
    const quoted = ASB_ROW.replace('On or near Supermarket', '"On or near\nSupermarket, ""A"""');
    const rows = await collect(`${HEADER}\n\n${quoted}\n${ASB_ROW}`);
    expect(rows.map((r) => [r.line, r.values['Location']])).toEqual([
      [4, 'On or near\nSupermarket, "A"'],
      [5, 'On or near Supermarket'],
    ]);
  });

  it('fails on a quote inside an unquoted field, naming file and line', async () => {
    const bad = ASB_ROW.replace('On or near Supermarket', 'On or near "Supermarket"');
    await expect(collect(`${HEADER}\n${ASB_ROW}\n${bad}\n`)).rejects.toThrow(
      /^test\.csv:3: is not valid CSV \(Invalid Opening Quote/,
    );
  });

  it('fails on a quote that is never closed', async () => {
    const bad = ASB_ROW.replace('On or near Supermarket', '"On or near Supermarket');
    await expect(collect(`${HEADER}\n${bad}\n`)).rejects.toThrow(
      /^test\.csv:2: is not valid CSV \(Quote Not Closed.*\): the file is damaged or was edited: download it again/,
    );
  });
});

describe('readCsvEach', () => {
  /** Every row readCsvEach gives for `chunks`, and whether `row` was called while one waited. */
  async function each(chunks: (string | Buffer)[], waitEvery = 0) {
    const rows: CsvRow[] = [];
    let waiting = false;
    let calledWhileWaiting = false;
    await readCsvEach(Readable.from(chunks), 'test.csv', STREET_COLUMNS, (row) => {
      if (waiting) calledWhileWaiting = true;
      rows.push(row);
      if (waitEvery === 0 || rows.length % waitEvery !== 0) return undefined;
      waiting = true;
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          waiting = false;
          resolve();
        }, 1),
      );
    });
    return { rows, calledWhileWaiting };
  }

  it.each(SAMPLE_FILES)('gives every row of %s as readCsv does, in order', async (file) => {
    const header = readFileSync(file, 'utf8')
      .split(/\r?\n/)[0]!
      .replace(/^\uFEFF/, '')
      .split(',');
    const expected = [];
    for await (const row of readCsv(createReadStream(file, { highWaterMark: 4096 }), file, header))
      expected.push(row);
    const got: CsvRow[] = [];
    await readCsvEach(createReadStream(file, { highWaterMark: 4096 }), file, header, (row) => {
      got.push(row);
      return undefined;
    });
    expect(seen(got)).toEqual(seen(expected));
  });

  it('gives the same rows whatever the chunk boundaries, waiting for each promise a row returns', async () => {
    const text = readFileSync(STREET_2025_02, 'utf8').split('\n').slice(0, 40).join('\r\n');
    const whole = await collect(text);
    const bytes = Buffer.from(text);
    for (const size of [1, 7, 64, bytes.length]) {
      const chunks = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const { rows, calledWhileWaiting } = await each(chunks, 3);
      expect(seen(rows)).toEqual(seen(whole));
      expect(calledWhileWaiting).toBe(false);
    }
  });

  it('gives the rows before a syntax error, then fails naming file and line', async () => {
    const bad = ASB_ROW.replace('On or near Supermarket', 'On or near "Supermarket"');
    const rows: CsvRow[] = [];
    const read = readCsvEach(
      Readable.from([`${HEADER}\n${ASB_ROW}\n${ASB_ROW}\n${bad}\n`]),
      'test.csv',
      STREET_COLUMNS,
      (row) => void rows.push(row),
    );
    await expect(read).rejects.toThrow(/^test\.csv:4: is not valid CSV \(Invalid Opening Quote/);
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
  });

  it("passes a row's own error on as it is, and fails on an empty file", async () => {
    const failure = new Error('the row could not be kept');
    await expect(
      readCsvEach(Readable.from([`${HEADER}\n${ASB_ROW}\n`]), 'test.csv', STREET_COLUMNS, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    await expect(each([''])).rejects.toThrow(/^test\.csv: is empty/);
  });
});

describe('formatCsvRow', () => {
  it('quotes only fields with commas, quotes or line breaks, and reads back unchanged', async () => {
    const values = ['plain', 'a, b', 'say "hi"', 'two\nlines', ''];
    const line = formatCsvRow(values);
    expect(line).toBe('plain,"a, b","say ""hi""","two\nlines",\n');
    const [row] = await collect(`a,b,c,d,e\n${line}`, 't.csv', []);
    expect(Object.values(row!.values)).toEqual(values);
  });
});
