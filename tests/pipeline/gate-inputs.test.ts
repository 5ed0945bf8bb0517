// What validate-data reads for an area (`--area SLUG`): the wards every build must hold come
// from that area's configuration, and its published site data from the area's own folder.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { areaDataPaths, loadExpected, siteDataAtRef } from '../../pipeline/gate-inputs.ts';
import { parseGateArgs, runGate } from '../../pipeline/validate-cli.ts';

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
