import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGeography } from '../../pipeline/load-geography.ts';
import { loadArea } from '../../pipeline/area.ts';
import {
  LEEDS_NON_GEOGRAPHIC_DISTRICTS,
  REFERENCE_FILES,
  ReferenceDataError,
} from '../../pipeline/reference.ts';
import { referenceFiles } from '../../pipeline/run-context.ts';

const made: string[] = [];

/** A copy of data/reference with one file changed by `edit`. */
async function referenceWith(file: string, edit: (text: string) => string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'leeds-reference-'));
  made.push(dir);
  await cp('data/reference', dir, { recursive: true });
  const target = path.join(dir, file);
  await writeFile(target, edit(await readFile(target, 'utf8')));
  return dir;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('loadGeography(referenceDir) on bad reference files', () => {
  it('names a missing file', async () => {
    const dir = await referenceWith(REFERENCE_FILES.wards, (t) => t);
    await rm(path.join(dir, REFERENCE_FILES.wards));
    await expect(loadGeography(dir)).rejects.toThrow(/wards\.geojson: cannot be read/);
  });

  it('names a GeoJSON file that is not valid JSON', async () => {
    const dir = await referenceWith(REFERENCE_FILES.lsoas, (t) => t.slice(0, 1000));
    await expect(loadGeography(dir)).rejects.toThrow(/lsoa21\.geojson: is not valid JSON/);
  });

  it('names the feature whose properties are wrong', async () => {
    const dir = await referenceWith(REFERENCE_FILES.wards, (t) =>
      t.replace('"WD25CD":"E05011384"', '"WD25CD":"Ardsley"'),
    );
    const error = await loadGeography(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReferenceDataError);
    expect(String(error)).toMatch(/wards\.geojson.*features\.0\.properties\.WD25CD/);
  });

  it('names a CSV without the expected column', async () => {
    const dir = await referenceWith(REFERENCE_FILES.postcodes, (t) =>
      t.replace('postcode_clean,lat,long', 'postcode,lat,long'),
    );
    await expect(loadGeography(dir)).rejects.toThrow(
      /postcodes-ls\.csv: lacks the column\(s\) "postcode_clean"/,
    );
  });

  it('names the line of a postcode with unusable coordinates', async () => {
    const dir = await referenceWith(REFERENCE_FILES.postcodes, (t) =>
      t.replace('LS1 1AB,53.796077,-1.553638', 'LS1 1AB,north,-1.553638'),
    );
    await expect(loadGeography(dir)).rejects.toThrow(/postcodes-ls\.csv:3: LS1 1AB has unusable/);
  });

  it('names an LSOA polygon without a population row', async () => {
    const dir = await referenceWith(REFERENCE_FILES.population, (t) =>
      t
        .split('\n')
        .filter((line) => !line.includes('E01011698'))
        .join('\n'),
    );
    await expect(loadGeography(dir)).rejects.toThrow(
      /population-lsoa21\.csv: has no row for 1 LSOA\(s\).*E01011698/,
    );
  });

  it('names a population that is not a whole number', async () => {
    const dir = await referenceWith(REFERENCE_FILES.population, (t) =>
      t.replace('Leeds 001A,E01011698,1462', 'Leeds 001A,E01011698,14x2'),
    );
    await expect(loadGeography(dir)).rejects.toThrow(/population-lsoa21\.csv:2: expected/);
  });
});

describe("loadGeography: an area's non-geographic postcode districts", () => {
  it("leaves out the PO-box districts Leeds's area.json names, the same as the Leeds layout does", async () => {
    const leeds = await loadArea('leeds');
    expect(leeds.config.postcodes?.nonGeographicDistricts).toEqual(LEEDS_NON_GEOGRAPHIC_DISTRICTS);
    const fromArea = await loadGeography(referenceFiles(leeds));
    const fromLayout = await loadGeography('data/reference');
    const districts = new Set(fromArea.postcodes.map((p) => p.district));
    for (const district of LEEDS_NON_GEOGRAPHIC_DISTRICTS)
      expect(districts.has(district)).toBe(false);
    expect(fromArea.postcodes).toEqual(fromLayout.postcodes);
    // The file holds them: they are left out, not missing.
    const text = await readFile('data/reference/postcodes-ls.csv', 'utf8');
    for (const district of LEEDS_NON_GEOGRAPHIC_DISTRICTS) expect(text).toContain(`\n${district} `);
  });

  it('reads every postcode of an area that names none', async () => {
    const leeds = await loadArea('leeds');
    const files = referenceFiles(leeds);
    const all = await loadGeography({
      ...files,
      postcodes: { file: files.postcodes!.file, nonGeographicDistricts: [] },
    });
    const named = await loadGeography(files);
    const extra = all.postcodes.filter((p) => LEEDS_NON_GEOGRAPHIC_DISTRICTS.includes(p.district));
    expect(extra.length).toBeGreaterThan(0);
    expect(all.postcodes.length).toBe(named.postcodes.length + extra.length);
  });
});
