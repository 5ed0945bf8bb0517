// What validate-data reads for an area (`--area SLUG`): the wards every build must hold come
// from that area's configuration, and its published site data from the area's own folder.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  areaDataPaths,
  loadExpected,
  loadGateData,
  NO_RUN_SUMMARY,
  siteDataAtRef,
  UnusableInputError,
} from '../../pipeline/gate-inputs.ts';
import { DROP_REASONS } from '../../src/shared/schema.ts';
import { parseGateArgs, runGate } from '../../pipeline/validate-cli.ts';
import { NO_RUN_SUMMARY_NOTE } from '../../pipeline/validate.ts';
import { wholeMonth } from '../support/month-quality.ts';
import { runScript } from '../support/run-script.ts';
import { committedSiteData, withoutMonth } from '../support/site-data.ts';

/** Sheffield's wards read straight from its boundary file, by the properties it names. */
const SHEFFIELD_WARDS = (
  JSON.parse(readFileSync('data/areas/sheffield/wards.geojson', 'utf8')) as {
    features: { properties: { WD20CD: string; WD20NM: string } }[];
  }
).features
  .map((f) => ({ code: f.properties.WD20CD, name: f.properties.WD20NM }))
  .sort((a, b) => a.code.localeCompare(b.code));

const byCode = <T extends { code: string }>(wards: readonly T[]) =>
  [...wards].sort((a, b) => a.code.localeCompare(b.code));

describe('loadExpected(cwd, area)', () => {
  it("holds the area's own wards: Sheffield's 28 for sheffield", async () => {
    const expected = await loadExpected('.', 'sheffield');
    expect(byCode(expected.wards)).toEqual(SHEFFIELD_WARDS);
    expect(SHEFFIELD_WARDS).toHaveLength(28);
  });

  it("holds Leeds's 33 wards by default", async () => {
    const expected = await loadExpected();
    expect(expected.wards).toHaveLength(33);
    expect(expected.wards.some((w) => w.name === 'Headingley & Hyde Park')).toBe(true);
  });

  it('names the area when there is no such area', async () => {
    await expect(loadExpected('.', 'atlantis')).rejects.toThrow(/No area "atlantis"/);
  });
});

describe('areaDataPaths(area)', () => {
  it("is the repository's site data for Leeds and the area's output folder for another", () => {
    expect(areaDataPaths()).toEqual({
      siteData: 'src/data/site-data.json',
      runSummary: 'data/processed/run-summary.json',
    });
    expect(areaDataPaths('sheffield')).toEqual({
      siteData: 'data/areas/sheffield/output/site-data.json',
      runSummary: 'data/areas/sheffield/output/run-summary.json',
    });
  });

  it('names the committed Sheffield site data, which git has at HEAD', async () => {
    const published = await siteDataAtRef('HEAD', '.', areaDataPaths('sheffield').siteData);
    expect(published?.wards).toHaveLength(28);
  });
});

describe('validate-data --area sheffield', () => {
  it("passes Sheffield's committed data checked against itself", async () => {
    const args = parseGateArgs([
      '--area',
      'sheffield',
      '--previous',
      'data/areas/sheffield/output/site-data.json',
      '--run-summary',
      'no-run-summary.json',
    ]);
    expect(args.candidate).toBe('data/areas/sheffield/output/site-data.json');
    const report = await runGate(args);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    // No run summary there: passed on the totals, saying what went unchecked.
    expect(report.notes).toContain(NO_RUN_SUMMARY_NOTE);
  });

  it("reads Sheffield's own approvals, not Leeds's data/approvals.json", () => {
    expect(parseGateArgs(['--area', 'sheffield']).approvals).toBe(
      'data/areas/sheffield/approvals.json',
    );
    expect(parseGateArgs([]).approvals).toBe('data/approvals.json');
    expect(parseGateArgs(['--area', 'leeds']).approvals).toBe('data/approvals.json');
  });

  it('checks without a run summary when told to (--run-summary none), saying so', async () => {
    const args = parseGateArgs([
      '--area',
      'sheffield',
      '--previous',
      'data/areas/sheffield/output/site-data.json',
      '--run-summary',
      NO_RUN_SUMMARY,
    ]);
    expect(args.runSummary).toBeNull();
    expect(args.otherFolders).toEqual([]);
    const report = await runGate(args);
    expect(report.ok).toBe(true);
    expect(report.notes).toContain(NO_RUN_SUMMARY_NOTE);
  });

  it("refuses Sheffield's data checked as Leeds's: Leeds's wards are missing", async () => {
    const report = await runGate(
      parseGateArgs([
        '--candidate',
        'data/areas/sheffield/output/site-data.json',
        '--previous',
        'data/areas/sheffield/output/site-data.json',
        '--run-summary',
        'no-run-summary.json',
      ]),
    );
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message).join('\n')).toMatch(/Headingley/);
  });
});

describe('validate-data refusing a month names the approvals file it reads', () => {
  /** validate-data on `candidate` (written to a scratch file) against `previous`, as run by hand. */
  async function refused(candidate: unknown, args: readonly string[]) {
    const dir = await mkdtemp(path.join(tmpdir(), 'gate-approval-hint-'));
    try {
      const file = path.join(dir, 'site-data.json');
      await writeFile(file, JSON.stringify(candidate));
      const run = runScript('pipeline/validate-cli.ts', [
        ...args,
        '--candidate',
        file,
        '--run-summary',
        NO_RUN_SUMMARY,
      ]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/\[missing-month\]/);
      return run.stderr.slice(run.stderr.indexOf('If a change is right'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const sheffield = committedSiteData('sheffield');
  const leeds = committedSiteData();

  it("for Sheffield, its own data/areas/sheffield/approvals.json and the workflow's area", async () => {
    const hint = await refused(withoutMonth(sheffield, '2024-02'), [
      '--area',
      'sheffield',
      '--previous',
      'data/areas/sheffield/output/site-data.json',
    ]);
    expect(hint).toContain('to data/areas/sheffield/approvals.json,');
    expect(hint).toContain('approve "YYYY-MM: reason" and area "sheffield".');
    expect(hint).not.toContain('data/approvals.json');
  });

  it('for Leeds, data/approvals.json', async () => {
    const hint = await refused(withoutMonth(leeds, '2025-02'), [
      '--previous',
      'src/data/site-data.json',
    ]);
    expect(hint).toContain(
      'to data/approvals.json, or run the data workflow by hand with approve "YYYY-MM: reason".',
    );
  });

  it('the file given with --approvals, when one is', async () => {
    const hint = await refused(withoutMonth(sheffield, '2024-03'), [
      '--area',
      'sheffield',
      '--previous',
      'data/areas/sheffield/output/site-data.json',
      '--approvals',
      'elsewhere/approvals.json',
    ]);
    expect(hint).toContain('to elsewhere/approvals.json,');
  });
});

describe('validate-data --run-summary with a summary the gate cannot read', () => {
  /** A month of a run summary as the pipeline wrote it before it counted repeated Crime IDs. */
  const monthBefore = (month: string) => {
    const kept = 100;
    return {
      month,
      read: kept,
      kept,
      dropped: Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])),
      coverage: { lsoa: kept, ward: kept, postcodeDistrict: kept, pollingDistrict: 0 },
      fromCache: false,
    };
  };
  const gateOn = async (summary: unknown) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gate-run-summary-'));
    const file = path.join(dir, 'run-summary.json');
    try {
      await writeFile(file, JSON.stringify(summary));
      const args = parseGateArgs([
        '--area',
        'sheffield',
        '--previous',
        'data/areas/sheffield/output/site-data.json',
        '--run-summary',
        file,
      ]);
      const error = (await runGate(args).catch((e: unknown) => e)) as Error;
      return { file, error };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  it.each([
    ['its first month', 0],
    ['a later month', 2],
  ])(
    'says a summary lacking a field of %s was written by an earlier pipeline, naming the field and what to do',
    async (_which, lacking) => {
      const months = ['2024-01', '2024-02', '2024-03'].map((month, i) =>
        i < lacking ? { ...monthBefore(month), crimeIdsByFile: [] } : monthBefore(month),
      );
      const { file, error } = await gateOn({ months });
      expect(error).toBeInstanceOf(UnusableInputError);
      expect(error.message).toContain(`${file} lacks what the gate reads of each month (`);
      expect(error.message).toContain(`at months.${lacking}.crimeIdsByFile`);
      expect(error.message).toContain('run the pipeline again to write it (`npm run pipeline`');
      expect(error.message).not.toContain('is not a pipeline run summary');
    },
  );

  it('says a candidate that is not there is not there, and what to do in its own terms', async () => {
    const args = parseGateArgs([
      '--candidate',
      'no-such-run/site-data.json',
      '--run-summary',
      'none',
    ]);
    const error = (await runGate(args).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(UnusableInputError);
    expect(error.message).toBe(
      `The candidate site data ${path.resolve('no-such-run/site-data.json')} is not there. ` +
        'Give the file the pipeline wrote (--candidate, --run-summary), or run the pipeline ' +
        'again to write it (`npm run pipeline`, with the --area or --out it was written with), ' +
        'then validate-data again.',
    );
  });

  it('says a file without months is not a run summary', async () => {
    const siteData = JSON.parse(readFileSync('data/areas/sheffield/output/site-data.json', 'utf8'));
    const { file, error } = await gateOn(siteData);
    expect(error).toBeInstanceOf(UnusableInputError);
    expect(error.message.startsWith(`${file} is not a pipeline run summary: `)).toBe(true);
    expect(error.message).toMatch(/ at months\.0\. /);
    // What to do, in validate-data's terms.
    expect(error.message).toContain(
      'Give the file the pipeline wrote (--candidate, --run-summary)',
    );
  });
});

describe('loadGateData with a run summary: the outcomes and stop-and-search rows repaired by month', () => {
  const month = (m: string) => wholeMonth(m, 100);
  const repairsOf = async (summary: unknown) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gate-repairs-'));
    try {
      await writeFile(path.join(dir, 'run-summary.json'), JSON.stringify(summary));
      const candidate = path.resolve('data/areas/sheffield/output/site-data.json');
      const data = await loadGateData(
        {
          area: 'sheffield',
          candidate,
          previous: { file: candidate },
          runSummary: path.join(dir, 'run-summary.json'),
        },
        '.',
      );
      return data.repairs;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  it('reads each month of each kind, with its examples', async () => {
    const repaired = { 'unreadable-characters': 0, 'control-characters': 7 };
    const repairedExamples = {
      'control-characters': [{ where: 'x-outcomes.csv:2', detail: 'Outcome type "a\\u0000"' }],
    };
    const repairs = await repairsOf({
      months: [month('2024-02')],
      outcomes: {
        files: 2,
        readThisRun: true,
        repairedByMonth: [
          { month: '2024-01', rows: 900, repaired, repairedExamples },
          { month: '2024-02', rows: 800, repaired: { 'control-characters': 0 } },
        ],
      },
      stopSearch: { read: 10, kept: 5, repairedByMonth: [{ month: '2024-02', rows: 5, repaired }] },
    });
    expect(repairs).toEqual([
      { kind: 'outcomes', month: '2024-01', rows: 900, repaired, repairedExamples },
      { kind: 'outcomes', month: '2024-02', rows: 800, repaired: { 'control-characters': 0 } },
      { kind: 'stop-and-search', month: '2024-02', rows: 5, repaired },
    ]);
  });

  it('reads a summary written before they were counted by month, or without those files, as none', async () => {
    expect(
      await repairsOf({
        months: [month('2024-02')],
        outcomes: { files: 1, readThisRun: false },
        stopSearch: { read: 10, kept: 5, repaired: { 'control-characters': 1 } },
      }),
    ).toEqual([]);
    expect(await repairsOf({ months: [month('2024-02')] })).toEqual([]);
  });
});
