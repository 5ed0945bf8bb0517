// Data printed to the GitHub Actions log can never start a workflow command: every line the
// pipeline prints goes through logSafe().
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/cli.ts';
import { logSafe } from '../../pipeline/log-safe.ts';
import { createConsoleReporter } from '../../pipeline/report.ts';

/** Lines the runner would read as a workflow command. */
const COMMAND = /^\s*(::|##\[)/;

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
    expect(safe.replaceAll('\u2060', '')).toBe(text);
    expect(logSafe('a: b, c:: d')).toBe('a: b, c:: d');
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
    fields[9] = '"Burglary\n::error title=Forged::the data is fine\n##[group]hidden"';
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
});
