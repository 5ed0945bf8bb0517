import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nodeScript, parseNodeScript } from '../../bench/npm-script.ts';

const run = promisify(execFile);

/**
 * The young generation's size (MiB) after making short-lived rows, some of which live on, as
 * the pipeline's main thread does: V8 grows it while rows survive, up to its cap.
 */
async function youngGenerationAfterRows(nodeOptions: readonly string[]): Promise<number> {
  const program = `
    const keep = [];
    for (let i = 0; i < 5e6; i++) { const row = { i, text: 'row ' + i }; if (i % 100 === 0) keep.push(row); }
    const space = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(space.space_size / 1048576);`;
  const { stdout } = await run(process.execPath, [...nodeOptions, '-e', program]);
  return Number(stdout);
}

describe('parseNodeScript(name, command)', () => {
  it('splits Node options from the entry point', () => {
    expect(parseNodeScript('p', 'node --max-semi-space-size=8 --trace-gc pipeline/cli.ts')).toEqual(
      {
        nodeOptions: ['--max-semi-space-size=8', '--trace-gc'],
        entry: 'pipeline/cli.ts',
      },
    );
    expect(parseNodeScript('p', 'node pipeline/cli.ts')).toEqual({
      nodeOptions: [],
      entry: 'pipeline/cli.ts',
    });
  });

  it('refuses a script the benchmark could not run as npm does, naming it', () => {
    for (const command of ['astro build', 'node a.ts && node b.ts', 'node --trace-gc']) {
      expect(() => parseNodeScript('p', command)).toThrow(`npm script "p" is "${command}"`);
    }
  });
});

describe('nodeScript("pipeline")', () => {
  it('runs pipeline/cli-entry.mjs with its young generation capped below V8 defaults', async () => {
    const { entry, nodeOptions } = await nodeScript('pipeline');
    expect(entry).toBe('pipeline/cli-entry.mjs');
    const [capped, uncapped] = await Promise.all([
      youngGenerationAfterRows(nodeOptions),
      youngGenerationAfterRows([]),
    ]);
    expect(capped).toBeGreaterThan(0);
    expect(capped).toBeLessThan(uncapped);
  }, 60_000);
});
