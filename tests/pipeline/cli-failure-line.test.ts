// main(argv)'s last line when a run fails: the failure, then that no output changed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureLine, main } from '../../pipeline/cli.ts';

describe('main(argv) when the run fails', () => {
  it('ends the failure with one full stop before saying no output changed', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'cli-failure-'));
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => void errors.push(line);
    try {
      // The message for an unknown area ends with a full stop of its own.
      expect(await main(['--area', 'atlantis', '--offline', '--out', out])).toBe(1);
    } finally {
      console.error = original;
      await rm(out, { recursive: true, force: true });
    }
    const line = errors.join('\n');
    expect(line).toMatch(
      /area\.json\)\. No output was changed: every output of this run was discarded\.$/,
    );
    expect(line).not.toContain('..');
  });

  it.each([
    ['ends with a full stop', 'fix the file.'],
    [
      'ends with a question',
      'the header lacks "Month"; is this a police.uk file of the right kind?',
    ],
    ['ends with no stop', 'HTTP 500'],
  ])('ends a failure that %s with one sentence end', (_, message) => {
    const line = failureLine(new Error(message));
    expect(line).toMatch(/^pipeline: .*[^.?!][.?!] No output was changed: every output/);
    expect(line).not.toMatch(/[.?!]\./);
  });
});
