// The map page with data it did not expect: markup in ward names, and map data that is missing.
// The page's requests for its data are answered by the test (Playwright routing), so the built
// site stays as it is.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeMapData } from '../../src/shared/encode-map-data.ts';
import { CRIME_TYPES } from '../../src/shared/constants.ts';
import type { MonthSummary, Ward } from '../../src/shared/schema.ts';
import { browserPages } from './support.ts';
import { afterUpdate, waitForMap } from './map-page.ts';

const HOSTILE_NAME = '<img src=x onerror="window.__injected=1">Headingley & <b>Hyde Park</b>';

/** The file's browser, and the pages each test opens, closed after it. */
const pages = browserPages();

/** One month, one ward whose name is markup, two snap points near Hyde Park, Leeds. */
function hostileData(): { mapData: Buffer; shapes: string } {
  const ward: Ward = {
    code: 'E05099999',
    name: HOSTILE_NAME,
    slug: 'hostile',
    population: 1000,
    cityCentreResidents: 0,
    residentsByArea: 0,
    neighbours: [],
  };
  const counts = (n: number) => CRIME_TYPES.map((_, t) => (t === 2 ? n : 0));
  const summary: MonthSummary = {
    month: '2025-03',
    source: 'archive',
    snapshot: 'test',
    fetchedAt: '2025-04-01T00:00:00.000Z',
    rows: 5,
    read: 5,
    kept: 5,
    territorialKept: 5,
    dropped: {
      'outside-district': 0,
      'no-coordinates': 0,
      'malformed-coordinates': 0,
      'malformed-month': 0,
      'malformed-crime-type': 0,
      duplicate: 0,
    },
    crimeIdsByFile: [{ rows: 5, repeated: 0 }],
    coverage: { lsoa: 5, ward: 5, postcodeDistrict: 5, pollingDistrict: 0 },
    postcodeDistrictApproximate: 0,
    forces: [
      { reportedBy: 'West Yorkshire Police', fallsWithin: 'West Yorkshire Police', count: 5 },
    ],
    wardType: { [ward.code]: counts(5) },
    wardOutcome: {},
    wardStreet: {},
    points: [
      { lon: -1.5667, lat: 53.8151, ward: ward.code, postcodeDistrict: 'LS6', counts: counts(3) },
      { lon: -1.5612, lat: 53.8122, ward: ward.code, postcodeDistrict: 'LS6', counts: counts(2) },
    ],
  };
  const square = [
    [-1.6, 53.79],
    [-1.52, 53.79],
    [-1.52, 53.84],
    [-1.6, 53.84],
    [-1.6, 53.79],
  ];
  const shapes = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { code: ward.code, name: ward.name, slug: ward.slug },
        geometry: { type: 'Polygon', coordinates: [square] },
      },
    ],
  });
  return { mapData: gzipSync(encodeMapData([summary], [ward])), shapes };
}

describe('map page with unexpected data', () => {
  it('shows markup in a ward name as text in the ranking, the details and the tooltip', async () => {
    const { mapData, shapes } = hostileData();
    const o = await pages.open('/?ward=hostile', {
      routes: [
        {
          pattern: '**/data/map-data.bin.gz*',
          contentType: 'application/octet-stream',
          body: mapData,
        },
        { pattern: '**/data/wards.geojson*', contentType: 'application/geo+json', body: shapes },
      ],
    });
    const { page, consoleErrors } = o;
    await waitForMap(page);
    expect(await page.textContent('#crime-map-ward-name')).toBe(HOSTILE_NAME);
    expect(await page.textContent('#crime-map-total')).toBe('5');
    await afterUpdate(page, () =>
      page
        .getByRole('radio', { name: 'Crimes and anti-social behaviour incidents by ward' })
        .check(),
    );
    await page.locator('path.leaflet-interactive').first().hover({ force: true });
    const tooltip = page.locator('.leaflet-tooltip');
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toContain(HOSTILE_NAME);
    // Nothing from the name became an element, and its script never ran.
    expect(
      await page.locator('img[src="x"], .crime-map__stats b, .leaflet-tooltip b').count(),
    ).toBe(0);
    expect(
      await page.evaluate(() => (window as { __injected?: number }).__injected),
    ).toBeUndefined();
    expect(consoleErrors).toEqual([]);
  });

  it('says the map data could not be loaded, and keeps the static summary, when the file is missing', async () => {
    const o = await pages.open('/', {
      routes: [{ pattern: '**/data/map-data.bin.gz*', status: 404, body: 'Not found' }],
    });
    const { page, consoleErrors } = o;
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('could not be loaded');
    expect(await page.locator('.leeds-summary').isVisible()).toBe(true);
    // The browser reports the 404 itself; nothing else may fail.
    expect(consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
  });
});
