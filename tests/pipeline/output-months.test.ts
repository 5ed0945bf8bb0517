// The months the map data and the downloads manifest describe, against the site data's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { downloadsMonths, mapDataMonths } from '../../pipeline/output-months.ts';
import { monthsDifference } from '../../src/shared/months.ts';
import { committedSiteData } from '../support/site-data.ts';

const siteMonths = committedSiteData().months;

describe('output months', () => {
  it('reads the committed map data and downloads manifest as the months of the site data', async () => {
    expect(await mapDataMonths(readFileSync('public/data/map-data.bin.gz'))).toEqual(siteMonths);
    const manifest = readFileSync('src/data/downloads.json', 'utf8');
    expect(downloadsMonths(manifest, 'src/data/downloads.json')).toEqual(siteMonths);
  });

  it('says which months differ, or nothing when none do', () => {
    expect(monthsDifference(['2025-02', '2025-03'], ['2025-02', '2025-03'])).toBeNull();
    expect(monthsDifference(['2025-02', '2025-03', '2025-04'], ['2024-12', '2025-02'])).toBe(
      'lacks 2025-03, 2025-04 and holds 2024-12, which the site data does not',
    );
  });

  it('names the manifest that is not one', () => {
    expect(() => downloadsMonths('{"files": []}', 'data/refresh/downloads.json')).toThrow(
      /data\/refresh\/downloads\.json does not fit the schema/,
    );
  });
});
