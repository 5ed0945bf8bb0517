// Data printed to the GitHub Actions log can never start a workflow command: every line the
// pipeline prints goes through logSafe().
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/cli.ts';
import { logSafe } from '../../pipeline/log-safe.ts';
import { createConsoleReporter, createQuietReporter } from '../../pipeline/report.ts';

/** Lines the runner would read as a workflow command: "::" at the start, "##[" anywhere. */
const COMMAND = /^\s*::|##\[/;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'log-safe-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('logSafe(text)', () => {
  it('breaks every line start that the runner reads as a command, and leaves other text alone', () => {
    const text =
      'ok line\n::error::forged\n  ::add-mask::secret\r::set-output name=a::b\n##[warning]old\nmid ::text:: stays';
    const safe = logSafe(text);
    expect(safe.split(/\r|\n/).filter((line) => COMMAND.test(line))).toEqual([]);
    // The carriage return is shown, so the text after it starts no line.
    expect(safe.replaceAll('\u2060', '')).toBe(text.replace('\r', '\\x0d'));
    expect(logSafe('a: b, c:: d')).toBe('a: b, c:: d');
  });

  it('breaks "##[" anywhere in a line, as the runner reads the older form there too', () => {
    const text = 'On or near ##[error]forged, Park ##[stop-commands]tok and ##[add-mask]x # [ok]';
    const safe = logSafe(text);
    expect(safe.split(/\r|\n/).filter((line) => COMMAND.test(line))).toEqual([]);
    expect(safe).not.toContain('##[');
    expect(safe.replaceAll('\u2060', '')).toBe(text);
    expect(logSafe(safe)).toBe(safe);
  });

  it('shows every control character (C0 but line feed and tab, DEL, C1) as an escape', () => {
    expect(logSafe('On or near \x1b[31mX\x1b[2K Street')).toBe(
      'On or near \\x1b[31mX\\x1b[2K Street',
    );
    // An OSC 8 hyperlink, ended by BEL or by ESC \.
    expect(logSafe('\x1b]8;;https://example.com\x07Leeds\x1b]8;;\x1b\\')).toBe(
      '\\x1b]8;;https://example.com\\x07Leeds\\x1b]8;;\\x1b\\',
    );
    const c0 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
    expect(logSafe(c0)).toBe(
      '\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\t\n\\x0b\\x0c\\x0d\\x0e\\x0f' +
        '\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f',
    );
    expect(logSafe('a\x7fb\x80c\x9bd\x9fe')).toBe('a\\x7fb\\x80c\\x9bd\\x9fe');
    // Printable text around them, accents and the word joiner included, is left alone.
    expect(logSafe('Headingley & Hyde Park, Café \u00a0\u2060 £5')).toBe(
      'Headingley & Hyde Park, Café \u00a0\u2060 £5',
    );
  });

  it('gives the same text when applied twice, as the run summary is', () => {
    const text = '\x1b[2K::error::forged\n::add-mask::x\r\x9b31m';
    expect(logSafe(logSafe(text))).toBe(logSafe(text));
  });
});

describe('the pipeline output', () => {
  it('prints a crime type that carries a workflow command on its own line without starting a command', async () => {
    const input = path.join(tmp, 'archive');
    await cp(path.join('data', 'sample', 'archive'), input, { recursive: true });
    const file = path.join(input, '2025-03', '2025-03-west-yorkshire-street.csv');
    const csv = await readFile(file, 'utf8');
    const [, first] = csv.split('\n');
    const fields = (first ?? '').split(',');
    fields[9] =
      '"Burglary ##[error]forged\n::error title=Forged::the data is fine\n##[group]hidden"';
    await writeFile(file, `${csv.trimEnd()}\n${fields.join(',')}\n`);

    // Both ways the run prints: the reporter, and the summary's lines as the CLI prints them
    // (its `result`, to stdout), which quote the dropped row's field.
    for (const summary of ['reporter', 'result'] as const) {
      const stream = new PassThrough();
      let printed = '';
      stream.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
      const result = summary === 'result' ? (line: string) => (printed += `${line}\n`) : undefined;
      await runPipeline(
        {
          help: false,
          list: false,
          offline: true,
          archiveDir: input,
          out: path.join(tmp, `out-${summary}`),
        },
        { reporter: createConsoleReporter(stream), threads: 1, result },
      );
      expect(printed, summary).toContain(
        '::error title=Forged::the data is fine'.replace('::', ':\u2060:'),
      );
      expect(
        printed.split(/\r|\n/).filter((line) => COMMAND.test(line)),
        summary,
      ).toEqual([]);
    }
  });

  it("prints a dropped row's location holding terminal control sequences as visible escapes", async () => {
    const input = path.join(tmp, 'archive-controls');
    await cp(path.join('data', 'sample', 'archive'), input, { recursive: true });
    const file = path.join(input, '2025-03', '2025-03-west-yorkshire-street.csv');
    const csv = await readFile(file, 'utf8');
    const [, first] = csv.split('\n');
    const fields = (first ?? '').split(',');
    // Outside Leeds (Bradford), so the summary quotes it among the dropped rows' examples.
    fields[4] = '-1.84507';
    fields[5] = '53.858159';
    // Quoted: a carriage return ends an unquoted field's line.
    fields[6] =
      '"On or near \x1b[31mX\x1b[2K \x1b]8;;https://example.com\x07Street\x1b]8;;\x07\r\x9b1A"';
    await writeFile(file, `${csv.trimEnd()}\n${fields.join(',')}\n`);

    for (const quiet of [false, true]) {
      const stream = new PassThrough();
      let printed = '';
      stream.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
      const reporter = quiet ? createQuietReporter(stream) : createConsoleReporter(stream);
      // The summary as the CLI prints it (its `result`), and through the reporter.
      const result = (line: string) => (printed += `${line}\n`);
      await runPipeline(
        {
          help: false,
          list: false,
          offline: true,
          archiveDir: input,
          out: path.join(tmp, `out-controls-${quiet}`),
        },
        { reporter, threads: 1, result },
      );
      reporter.warn(`a warning quoting ${fields[6]}`);
      expect(printed).toContain(
        'On or near \\x1b[31mX\\x1b[2K \\x1b]8;;https://example.com\\x07Street\\x1b]8;;\\x07\\x0d\\x9b1A',
      );
      // eslint-disable-next-line no-control-regex -- what must not be printed
      expect(printed.match(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g), `quiet: ${quiet}`).toBeNull();
    }
  });
});
