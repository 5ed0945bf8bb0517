import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadArea } from '../../pipeline/area.ts';
import { pipelinePaths } from '../../pipeline/paths.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { RunContext } from '../../pipeline/run-context.ts';
import { fetchStep } from '../../pipeline/steps/fetch.ts';
import { postcodesStep } from '../../pipeline/steps/postcodes.ts';

let out: string;
let ctx: RunContext;

beforeEach(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'run-context-'));
  ctx = new RunContext({
    area: await loadArea('leeds'),
    paths: pipelinePaths({ out }),
    archiveDir: path.resolve('data/sample/archive'),
    offline: false,
    // Nothing listens there: a step that went on to the network would fail another way.
    fetch: {
      overrides: {
        postcodesBaseUrl: 'http://127.0.0.1:9',
        policeArchiveBaseUrl: 'http://127.0.0.1:9',
        policeApiBaseUrl: 'http://127.0.0.1:9',
        leedsMapServerUrl: 'http://127.0.0.1:9',
      },
      http: { retries: 0 },
    },
    reporter: createMemoryReporter(),
    threads: 1,
  });
});

afterEach(async () => {
  await ctx.close();
  await rm(out, { recursive: true, force: true });
});

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

  it('setMonths(months) settles the month results once', () => {
    ctx.setMonths([]);
    expect(() => ctx.setMonths([])).toThrow(/already settled/);
  });

  it('the postcodes step fails when an earlier step has read the geography it would change', async () => {
    await ctx.geography();
    await expect(postcodesStep.run(ctx)).rejects.toThrow(
      /postcodes step would change the geography an earlier step has already read/,
    );
  });

  it('the fetch step fails when an earlier step has read the inputs it would change', async () => {
    await ctx.inputs();
    await expect(fetchStep.run(ctx)).rejects.toThrow(
      /fetch step would change the inputs an earlier step has already read/,
    );
  });
});
