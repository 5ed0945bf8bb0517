// A centre ward with no crimes in a page's months has a rate of 0, which the centre does not
// inflate: its report, the wards page and the year page must not say it is "inflated by the
// city centre" (the caveat, the "*" beside its rate, the page's description and share text).
// Sheffield's committed outputs, built with its centre ward (City, which is its centre) given
// no crimes or incidents in any month.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteData } from '../../src/shared/schema.ts';
import { buildSite } from '../support/astro-build.ts';
import { builtPage, squeezedText } from '../support/built-page.ts';
import { committedSiteData } from '../support/site-data.ts';

const OUTPUT = path.join('data', 'areas', 'sheffield', 'output');
const CENTRE_WARD = 'City';

let scratch: string;
let site: string;

/** Sheffield's site data with every crime of `name` taken out, the totals kept in step. */
function withoutCrimesOf(name: string): SiteData {
  const data = committedSiteData('sheffield');
  const w = data.wards.findIndex((ward) => ward.name === name);
  data.counts[w]!.forEach((types, m) => {
    const rows = types.reduce((a, b) => a + b, 0);
    const provenance = data.provenance[m]!;
    provenance.rows -= rows;
    const force = provenance.forces.find((f) => f.count >= rows)!;
    force.count -= rows;
    data.quality.read -= rows;
    data.quality.kept -= rows;
    for (const place of ['lsoa', 'ward'] as const) data.quality.coverage[place] -= rows;
    data.counts[w]![m] = types.map(() => 0);
    data.outcomes[w]![m] = data.outcomes[w]![m]!.map(() => 0);
  });
  data.topStreets.byWard[w] = [];
  data.topStreets.tiedBeyond[w] = 0;
  data.topStreets.placeKinds[w] = [];
  return data;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'quiet-centre-'));
  const data = path.join(scratch, 'data');
  await cp(OUTPUT, data, { recursive: true });
  await writeFile(path.join(data, 'site-data.json'), JSON.stringify(withoutCrimesOf(CENTRE_WARD)));
  site = path.join(scratch, 'site');
  await buildSite({ outDir: site, env: { AREA: 'sheffield', AREA_DATA_DIR: data } });
}, 300_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const page = (urlPath: string) => builtPage(site, urlPath);
const text = squeezedText;

describe('a centre ward with no crimes in the months shown', () => {
  it('has a rate of 0 on its report, with no word of the centre inflating it', async () => {
    const root = await page('wards/city');
    expect(text(root.querySelector('[data-field="rate"]'))).toBe('0.0');
    expect(text(root.querySelector('[data-field="centre-caveat"]')) ?? null).toBeNull();
    const description = root.querySelector('meta[name="description"]')?.getAttribute('content');
    expect(description).toMatch(/^0 crimes and anti-social behaviour incidents recorded in City/);
    const alt = root.querySelector('meta[property="og:image:alt"]')?.getAttribute('content');
    expect(alt).toMatch(/^City: 0 /);
    for (const said of [text(root.querySelector('main')), description, alt]) {
      expect(said).not.toContain('inflated');
    }
  });

  it('has no "*" beside its rate of 0 in the tables of wards, and no caveat below them', async () => {
    for (const urlPath of ['wards', 'years/2024']) {
      const root = await page(urlPath);
      const rows = root.querySelectorAll('tr[data-ward]');
      expect(rows.length, urlPath).toBe(28);
      const city = rows.find((tr) => text(tr.querySelector('th')) === CENTRE_WARD);
      expect(text(city?.querySelector('[data-field="rate"]')), urlPath).toBe('0.0');
      expect(text(city), urlPath).not.toMatch(/\*|inflated/);
      // City is Sheffield's one centre ward: nothing else for a caveat to name.
      expect(text(root.querySelector('[data-field="centre-caveat"]')) ?? null, urlPath).toBeNull();
      expect(text(root.querySelector('main')), urlPath).not.toContain('inflated');
    }
  });
});
