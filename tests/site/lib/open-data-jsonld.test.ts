// The Data page's schema.org Dataset gives its months as one interval (temporalCoverage): the
// months without data inside it are said in words, so the span is not read as every month.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { datasetJsonLd, downloadsManifest } from '../../../src/lib/open-data.ts';
import { siteData } from '../../../src/lib/site-data.ts';
import { EMPTY_CHANGE_LOG } from '../../../src/shared/change-log.ts';

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
