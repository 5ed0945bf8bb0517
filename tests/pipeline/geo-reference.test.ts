import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGeography } from '../../pipeline/load-geography.ts';
import { REFERENCE_FILES, ReferenceDataError } from '../../pipeline/reference.ts';

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
