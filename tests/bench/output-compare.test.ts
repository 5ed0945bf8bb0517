import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differingOutputs, outputHashes } from '../../bench/output-compare.ts';

let tmp: string;
let reference: string;

/** A pipeline output folder in miniature: outputs at the top and below, a cache, a summary. */
async function writeOutputs(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'downloads'), { recursive: true });
  await mkdir(path.join(dir, 'cache', 'months'), { recursive: true });
  await writeFile(path.join(dir, 'leeds_street_combined.csv'), 'Crime ID,Month\na,2025-01\n');
  await writeFile(path.join(dir, 'downloads', 'leeds-crimes-2025.csv.gz'), Buffer.from([1, 2]));
  await writeFile(path.join(dir, 'cache', 'months', '2025-01.json'), '{"rows":1}');
  await writeFile(path.join(dir, 'run-summary.json'), '{"wallMs":10}');
}

/** A copy of the reference, changed by `change` (given the copy's folder). */
async function variant(name: string, change: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(tmp, name);
  await cp(reference, dir, { recursive: true });
  await change(dir);
  return dir;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'output-compare-'));
  reference = path.join(tmp, 'reference');
  await writeOutputs(reference);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('differingOutputs(outputHashes(reference), dir)', () => {
  it('is empty for the same outputs, whatever the caches and the run summary hold', async () => {
    const dir = await variant('same', async (d) => {
      await writeFile(path.join(d, 'cache', 'months', '2025-01.json'), '{"rows":2}');
      await writeFile(path.join(d, 'cache', 'extra.v8'), 'x');
      await writeFile(path.join(d, 'run-summary.json'), '{"wallMs":20}');
    });
    expect(await differingOutputs(await outputHashes(reference), dir)).toEqual([]);
  });

  it('names each output whose bytes differ, at the top and in subfolders', async () => {
    const dir = await variant('changed', async (d) => {
      await writeFile(path.join(d, 'leeds_street_combined.csv'), 'Crime ID,Month\nb,2025-01\n');
      await writeFile(path.join(d, 'downloads', 'leeds-crimes-2025.csv.gz'), Buffer.from([1, 3]));
    });
    expect(await differingOutputs(await outputHashes(reference), dir)).toEqual([
      'downloads/leeds-crimes-2025.csv.gz',
      'leeds_street_combined.csv',
    ]);
  });

  it('names an output only one of the two has', async () => {
    const dir = await variant('missing-and-extra', async (d) => {
      await rm(path.join(d, 'downloads', 'leeds-crimes-2025.csv.gz'));
      await writeFile(path.join(d, 'downloads', 'leeds-crimes-2026.csv.gz'), Buffer.from([1, 2]));
    });
    expect(await differingOutputs(await outputHashes(reference), dir)).toEqual([
      'downloads/leeds-crimes-2025.csv.gz',
      'downloads/leeds-crimes-2026.csv.gz',
    ]);
  });
});
