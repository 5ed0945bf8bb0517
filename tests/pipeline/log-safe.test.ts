// Data printed to the GitHub Actions log can never start a workflow command: every line the
// pipeline prints goes through logSafe().
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main, runPipeline } from '../../pipeline/cli.ts';
import { main as publishMain } from '../../pipeline/publish-cli.ts';
import { logSafe, logSafeJson } from '../../pipeline/log-safe.ts';
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

  it('shows half an astral character (a lone surrogate) as an escape, and keeps whole ones', () => {
    // What a cut by UTF-16 code units leaves, as JSON.parse's message quoting a body does.
    expect(logSafe('Unexpected token, "x\ud83d"... is not valid JSON')).toBe(
      'Unexpected token, "x\\ud83d"... is not valid JSON',
    );
    expect(logSafe('\ude00 Park \udbff')).toBe('\\ude00 Park \\udbff');
    expect(logSafe('On or near 😀 𠮷 𝒜 Street')).toBe('On or near 😀 𠮷 𝒜 Street');
    expect(logSafe(logSafe('x\ud83d'))).toBe(logSafe('x\ud83d'));
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
  it('prints a crime type that carries workflow commands across line breaks without starting a command', async () => {
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
      // The line breaks are repaired at intake (one space each): the crime type is quoted on
      // one line, the older "##[" form broken wherever it is.
      expect(printed, summary).toContain(
        'Crime type "Burglary #\u2060#[error]forged ::error title=Forged::the data is fine ' +
          '#\u2060#[group]hidden" is not a police.uk crime type',
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

/** What `run` writes to stdout. */
async function stdoutOf(run: () => Promise<unknown>): Promise<string> {
  let printed = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return printed;
}

/** Text that breaks the log if printed as it is: a command anywhere, C1 and DEL controls. */
const HOSTILE = 'On or near ##[error]forged ##[stop-commands]tok \x9b2J\x7f \x1b[2J\n::error::x';

/** Nothing in `printed` the runner or a terminal would act on. */
function expectInert(printed: string) {
  expect(printed.split(/\r|\n/).filter((line) => COMMAND.test(line))).toEqual([]);
  // eslint-disable-next-line no-control-regex -- what must not be printed
  expect(printed.match(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g)).toBeNull();
}

describe('logSafeJson(json)', () => {
  it('leaves the value as it was and nothing in the text the log would act on', () => {
    const value = { [HOSTILE]: [HOSTILE, { a: `\\${HOSTILE}\\` }], n: -1.5, ok: true };
    for (const json of [JSON.stringify(value), JSON.stringify(value, null, 2)]) {
      const safe = logSafeJson(json);
      expectInert(safe);
      expect(JSON.parse(safe)).toEqual(value);
      expect(logSafeJson(safe)).toBe(safe);
    }
  });
});

describe('--json output', () => {
  it("prints the pipeline's run summary, quoting a dropped row's file, safe for the log", async () => {
    // The archive's folder name (outside text, as an archive's entry names are) holds it.
    const input = path.join(tmp, `archive ${HOSTILE}`);
    await cp(path.join('data', 'sample', 'archive'), input, { recursive: true });
    const file = path.join(input, '2025-03', '2025-03-west-yorkshire-street.csv');
    const csv = await readFile(file, 'utf8');
    const [, first] = csv.split('\n');
    // The first row again: dropped as a duplicate, the summary quoting its file.
    await writeFile(file, `${csv.trimEnd()}\n${first}\n`);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const out = path.join(tmp, 'out-json');
      const printed = await stdoutOf(() =>
        main(['--offline', '--archive-dir', input, '--out', out, '--json', '--quiet']),
      );
      expectInert(printed);
      const summary = JSON.parse(printed) as {
        dropExamples: { duplicate: { where: string }[] };
      };
      const line = csv.trimEnd().split('\n').length + 1;
      expect(summary.dropExamples.duplicate[0]?.where).toBe(`${file}:${line}`);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("prints complete-publish's failure, quoting a path, safe for the log", async () => {
    const out = path.join(tmp, HOSTILE.replace('\n', ' ').replaceAll('/', '_'));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      // A file where the output folder should be: the publish cannot look inside it.
      await writeFile(out, '');
      const printed = await stdoutOf(() => publishMain(['--out', path.join(out, 'x'), '--json']));
      expectInert(printed);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
