import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadArea } from '../../pipeline/area.ts';
import { runPipeline, type CliOptions } from '../../pipeline/cli.ts';
import { buildLocalRun, type LocalRun } from '../../pipeline/local-run.ts';
import { pipelinePaths } from '../../pipeline/paths.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { RunContext, type LocalStep, type NetworkStep } from '../../pipeline/run-context.ts';

let out: string;
let ctx: RunContext;
let local: LocalRun | undefined;

beforeEach(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'run-context-'));
  ctx = new RunContext({
    area: await loadArea('leeds'),
    paths: pipelinePaths({ out }),
    archiveDir: path.resolve('data/sample/archive'),
    offline: false,
    fetch: { overrides: { postcodesBaseUrl: 'http://127.0.0.1:9' } },
    reporter: createMemoryReporter(),
    threads: 1,
  });
});

afterEach(async () => {
  local?.close();
  local = undefined;
  await rm(out, { recursive: true, force: true });
});

/** A coordinate key no LS postcode is near, with the district postcodes.io gave it. */
const ANSWER = { key: '-1.7,53.7', district: 'WF99' };

/** A network step that saves a postcodes.io answer, as the postcodes step does. */
const savesAnswer: NetworkStep = {
  name: 'saves-answer',
  description: 'saves a postcodes.io answer',
  network: true,
  run: async (c) => {
    const file = c.paths.sources.postcodesCache;
    await mkdir(path.dirname(file), { recursive: true });
    const entries = { [ANSWER.key]: { place: { district: ANSWER.district } } };
    await writeFile(file, JSON.stringify({ entries }));
    return 'saved';
  },
};

/** A local step that reports the postcodes.io answer its geography holds. */
const readsAnswer: LocalStep = {
  name: 'reads-answer',
  description: 'reads the postcodes.io answers',
  run: async (run) => run.geography.postcodeAnswers.get(ANSWER.key)?.district ?? 'none',
};

function online(): CliOptions {
  return { help: false, list: false, offline: false, out };
}

describe('RunContext', () => {
  it('options and paths are frozen: no step can change what a later step reads', () => {
    expect(() => {
      (ctx.options as { offline: boolean }).offline = true;
    }).toThrow(TypeError);
    expect(() => {
      (ctx.paths as { siteData: string }).siteData = '/elsewhere/site-data.json';
    }).toThrow(TypeError);
    expect(() => {
      (ctx.paths.sources as { archiveDir: string }).archiveDir = '/elsewhere';
    }).toThrow(TypeError);
    expect(() => {
      (ctx.options.fetch?.overrides as { postcodesBaseUrl: string }).postcodesBaseUrl = 'x';
    }).toThrow(TypeError);
  });
});

describe('buildLocalRun(ctx)', () => {
  it('gives the local steps inputs and geography that no step can replace', async () => {
    local = await buildLocalRun(ctx);
    const run = local;
    expect(run.inputs.choice.months.length).toBeGreaterThan(0);
    expect(() => {
      (run as { inputs: unknown }).inputs = { ...run.inputs, outcomes: [] };
    }).toThrow(TypeError);
    expect(() => {
      (run.inputs as { outcomes: unknown }).outcomes = [];
    }).toThrow(TypeError);
    expect(() => {
      (run.inputs.choice as { months: unknown }).months = [];
    }).toThrow(TypeError);
    expect(() => {
      (run.geography as { fingerprint: string }).fingerprint = 'other';
    }).toThrow(TypeError);
  });

  it('setMonths(months, folds) settles the month results once', async () => {
    local = await buildLocalRun(ctx);
    local.setMonths([], local.monthFolds());
    expect(() => local?.setMonths([], local.monthFolds())).toThrow(/already settled/);
  });
});

describe('runPipeline(options) and the order of the steps', () => {
  it('the local steps read what the network steps before them saved', async () => {
    const record = await runPipeline(online(), {
      reporter: createMemoryReporter(),
      threads: 1,
      steps: [savesAnswer, readsAnswer],
    });
    expect(record.steps.map((s) => s.result)).toEqual(['saved', ANSWER.district]);
  });

  it('refuses a step list with a network step after a local step, before running any', async () => {
    let ran = false;
    const late: NetworkStep = { ...savesAnswer, run: async () => ((ran = true), 'saved') };
    await expect(
      runPipeline(online(), {
        reporter: createMemoryReporter(),
        threads: 1,
        steps: [readsAnswer, late],
      }),
    ).rejects.toThrow(
      /the saves-answer step downloads but comes after the reads-answer step, which reads the local inputs/,
    );
    expect(ran).toBe(false);
  });
});
