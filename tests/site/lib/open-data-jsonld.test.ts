// The Data page's schema.org Dataset gives its months as one interval (temporalCoverage): the
// months without data inside it are said in words, so the span is not read as every month;
// its place is the district in its own country (England or Wales).
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { datasetJsonLd, downloadsManifest } from '../../../src/lib/open-data.ts';
import { siteData } from '../../../src/lib/site-data.ts';
import { EMPTY_CHANGE_LOG } from '../../../src/shared/change-log.ts';
import { scratchBuild } from '../../support/scratch-build.ts';

beforeAll(() => {
  vi.stubEnv('SITE', 'https://example.test');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

describe('datasetJsonLd(data, manifest)', () => {
  it('names the months with data when the span has gaps', () => {
    // The committed sample: Mar 2024 and Feb-Mar 2025, April 2024 to January 2025 missing.
    expect(siteData.months).toEqual(['2024-03', '2025-02', '2025-03']);
    const dataset = datasetJsonLd(siteData, downloadsManifest, EMPTY_CHANGE_LOG) as {
      temporalCoverage: string;
      description: string;
      distribution: { name: string; description: string }[];
    };
    expect(dataset.temporalCoverage).toBe('2024-03/2025-03');
    expect(dataset.description).toContain(
      'Months with data: Mar 2024, Feb–Mar 2025; 10 of the 13 months from Mar 2024 to Mar 2025 have no data (gaps, not zeros).',
    );
    expect(dataset.distribution.map((d) => d.description)).toEqual([
      'Months Mar 2024: 9,408 rows. A gzip-compressed CSV file (text/csv, UTF-8).',
      'Months Feb–Mar 2025: 17,313 rows. A gzip-compressed CSV file (text/csv, UTF-8).',
    ]);
  });

  it('gives the yearly downloads the media type of gzip, which is what they are', () => {
    const dataset = datasetJsonLd(siteData, downloadsManifest, EMPTY_CHANGE_LOG) as {
      distribution: { name: string; encodingFormat: string; contentUrl: string }[];
    };
    expect(dataset.distribution.map((d) => d.name)).toEqual([
      'leeds-crimes-2024.csv.gz',
      'leeds-crimes-2025.csv.gz',
    ]);
    for (const d of dataset.distribution) {
      // The committed file itself starts with gzip's magic bytes.
      const file = readFileSync(path.join('public', 'downloads', d.name));
      expect([...file.subarray(0, 2)], d.name).toEqual([0x1f, 0x8b]);
      expect(d.encodingFormat, d.name).toBe('application/gzip');
    }
  });

  it('lists each source it is based on once', () => {
    const dataset = datasetJsonLd(siteData, downloadsManifest, EMPTY_CHANGE_LOG) as {
      isBasedOn: string[];
    };
    expect(dataset.isBasedOn).toEqual([
      'https://data.police.uk/',
      'https://geoportal.statistics.gov.uk/',
    ]);
  });

  it('says nothing of gaps when every month of the span has data', () => {
    const dataset = datasetJsonLd(
      { ...siteData, months: ['2025-02', '2025-03'] },
      downloadsManifest,
      EMPTY_CHANGE_LOG,
    );
    expect(dataset.description).not.toMatch(/no data|Months with data/);
  });
});

describe("datasetJsonLd's spatialCoverage", () => {
  const buildFolder = scratchBuild('dataset-country-');
  const OUTPUT = path.join('data', 'areas', 'sheffield', 'output');

  /** A build of Sheffield's data as the district `code` and `name` (area.json and builtFrom). */
  async function buildAs(code: string, name: string) {
    await buildFolder('sheffield', [
      path.join(OUTPUT, 'site-data.json'),
      path.join(OUTPUT, 'downloads.json'),
    ]);
    // The scratch folder's afterEach puts the environment back, SITE with it.
    vi.stubEnv('SITE', 'https://example.test');
    const areaFile = path.join('data', 'areas', 'sheffield', 'area.json');
    const config = JSON.parse(await readFile(areaFile, 'utf8')) as Record<string, unknown>;
    const localAuthority = { code, name };
    await writeFile(
      areaFile,
      JSON.stringify({ ...config, localAuthority, siteName: `${name} Crime Intelligence` }),
    );
    const dataFile = path.join(OUTPUT, 'site-data.json');
    const data = JSON.parse(await readFile(dataFile, 'utf8')) as { builtFrom: object };
    data.builtFrom = { ...data.builtFrom, localAuthority };
    await writeFile(dataFile, JSON.stringify(data));
    const lib = await import('../../../src/lib/open-data.ts');
    const { siteData: built } = await import('../../../src/lib/site-data.ts');
    const dataset = lib.datasetJsonLd(built, lib.downloadsManifest, EMPTY_CHANGE_LOG) as {
      spatialCoverage: { name: string };
    };
    return dataset.spatialCoverage.name;
  }

  it.each([
    ['E08000039', 'Sheffield', 'Sheffield district, England'],
    ['W06000015', 'Cardiff', 'Cardiff district, Wales'],
    ['W06000011', 'Swansea', 'Swansea district, Wales'],
  ])('names the country of district %s (%s)', async (code, name, place) => {
    expect(await buildAs(code, name)).toBe(place);
  });
});
