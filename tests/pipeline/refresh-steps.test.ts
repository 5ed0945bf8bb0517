// The refresh for another district (`npm run refresh-data -- --area sheffield validate`): the
// staged data is checked against that area's published data and wards, not Leeds's.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { validateStep, type RefreshOptions } from '../../pipeline/refresh-steps.ts';
import { main } from '../../pipeline/refresh.ts';

const ROOT = path.resolve('.');
let stage: string;

/** A refresh whose staging folder holds the committed Sheffield outputs, as a run would stage them. */
function options(area: string | undefined): RefreshOptions {
  return {
    root: ROOT,
    area,
    stageDir: path.relative(ROOT, stage),
    pipelineArgs: [],
    env: {},
    log: () => {},
  };
}

beforeAll(async () => {
  stage = await mkdtemp(path.join(tmpdir(), 'refresh-area-'));
  await cp('data/areas/sheffield/output/site-data.json', path.join(stage, 'site-data.json'));
  // The gate's report goes to the console; the tests read it from the returned report.
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterAll(async () => {
  vi.restoreAllMocks();
  await rm(stage, { recursive: true, force: true });
});

describe('validateStep({ area })', () => {
  it("checks Sheffield's staged data against Sheffield's data at HEAD and its 28 wards", async () => {
    const { report, previous } = await validateStep(options('sheffield'));
    expect(report.ok).toBe(true);
    expect(previous?.wards).toHaveLength(28);
    expect(report.compared).toBe(true);
  });

  it("refuses the same data as Leeds's refresh: Leeds's wards are not in it", async () => {
    await expect(validateStep(options(undefined))).rejects.toThrow(/Validation refused/);
  });
});

describe('refresh-data --area', () => {
  it('is refused after the step, where only the pipeline would see it (exit 2)', async () => {
    const error = vi.mocked(console.error);
    error.mockClear();
    expect(await main(['pipeline', '--area', 'sheffield'])).toBe(2);
    expect(error.mock.calls.flat().join('\n')).toMatch(/give --area before the step/);
  });
});
