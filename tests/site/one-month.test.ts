// The site built from one month of data, as a new district's first build can be (`--latest`
// on an empty cache): the sample archive's March 2025 alone. Counts of months are words like
// any other count: "1 month", never "1 months".
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/cli.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { buildSite } from '../support/astro-build.ts';

const SAMPLE = 'data/sample/archive';
const MONTH = '2025-03';

let scratch: string;
let site: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'one-month-'));
  const archive = path.join(scratch, 'archive');
  const data = path.join(scratch, 'data');
  await cp(path.join(SAMPLE, MONTH), path.join(archive, MONTH), { recursive: true });
  await runPipeline(
    { help: false, list: false, offline: true, archiveDir: archive, out: data },
    { reporter: createMemoryReporter(), threads: 1 },
  );
  site = path.join(scratch, 'site');
  await buildSite({ outDir: site, env: { AREA_DATA_DIR: data } });
}, 300_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('a site with one month of data (Mar 2025)', () => {
  it("the map page's summary counts it as 1 month with data", async () => {
    const root = parse(await readFile(path.join(site, 'index.html'), 'utf8'));
    const summary = root
      .querySelectorAll('p')
      .map((p) => p.text.replace(/\s+/g, ' ').trim())
      .find((text) => text.includes('with data ('));
    expect(summary).toMatch(
      /^[\d,]+ crimes and anti-social behaviour incidents in 1 month with data \(Mar 2025\)\. /,
    );
  });

  it('no page, feed or table of the site counts one month as "1 months"', async () => {
    const files = (await readdir(site, { recursive: true })).filter((f) =>
      /\.(html|xml|csv|json|txt)$/.test(f),
    );
    expect(files.length).toBeGreaterThan(40);
    const saying: string[] = [];
    for (const file of files) {
      const text = (await readFile(path.join(site, file), 'utf8')).replace(/<[^>]*>/g, ' ');
      if (/\b1\s+months\b/.test(text.replace(/\s+/g, ' '))) saying.push(file);
    }
    expect(saying).toEqual([]);
  });
});
