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
import type { PolygonGeometry } from '../../src/shared/geometry.ts';
import { jsonParseProblem } from '../support/json-problem.ts';

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

  it('names a GeoJSON file that is not valid JSON, and says where it breaks', async () => {
    const dir = await referenceWith(REFERENCE_FILES.lsoas, (t) => t.slice(0, 1000));
    const text = await readFile(path.join(dir, REFERENCE_FILES.lsoas), 'utf8');
    await expect(loadGeography(dir)).rejects.toThrow(
      `lsoa21.geojson: is not valid JSON (${jsonParseProblem(text)}).`,
    );
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

/** A copy of Sheffield's area folder (without its months and outputs) under a new root. */
async function sheffieldRoot(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'sheffield-area-'));
  made.push(root);
  await cp('data/areas/sheffield', path.join(root, 'data/areas/sheffield'), {
    recursive: true,
    filter: (source) => !/[\\/](sample|output)$/.test(source),
  });
  return root;
}

describe("loadGeography on an area's damaged reference files: says how to restore the file itself", () => {
  it.each([
    ['outline.geojson', 'is not valid JSON', (text: string) => text.slice(0, 500)],
    ['lsoa21.geojson', 'is not valid JSON', (text: string) => text.slice(0, 500)],
    [
      'population-lsoa21.csv',
      'has 1 LSOA\\(s\\) missing from',
      (text: string) => `${text.trimEnd()}\nSheffield 999Z,E01999999,1000\n`,
    ],
  ])(
    'names the file in data/areas/sheffield/ and the git command that restores it, for a bad %s',
    async (name, problem, edit) => {
      const root = await sheffieldRoot();
      const file = path.join(root, 'data/areas/sheffield', name);
      await writeFile(file, edit(await readFile(file, 'utf8')));
      // The outline is read as the area loads (its map view is checked against it), the
      // other files as the geography does.
      const error = (await loadArea('sheffield', { root })
        .then((area) => loadGeography(referenceFiles(area)))
        .catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(ReferenceDataError);
      expect(error.message).toMatch(new RegExp(`^${escape(file)}: ${problem}`));
      expect(error.message).toContain(
        `Restore it from the repository (\`git checkout -- ${file}\`) or fix it.`,
      );
      // Not the area command: it fetches today's boundaries, which need not be those committed.
      expect(error.message).not.toContain('npm run area');
      expect(error.message).not.toContain('data/reference');
    },
  );

  it("says a population file of another district's LSOAs is the wrong file, not a damaged one", async () => {
    // Sheffield's area.json naming Leeds's population file (copied into its folder): the file
    // is whole, restoring it would change nothing.
    const root = await sheffieldRoot();
    const file = path.join(root, 'data/areas/sheffield/population-lsoa21.csv');
    await cp(path.join('data', 'reference', REFERENCE_FILES.population), file);
    const error = (await loadArea('sheffield', { root })
      .then((area) => loadGeography(referenceFiles(area)))
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ReferenceDataError);
    expect(error.message).toMatch(
      new RegExp(`^${escape(file)}: has no row for 343 LSOA\\(s\\) of .*lsoa21\\.geojson`),
    );
    expect(error.message).toContain(
      "so the two are of different districts: name one district's LSOA and population files " +
        "(area.json's boundaries.lsoas.file and population.file).",
    );
    expect(error.message).not.toContain('Restore it from the repository');
  });

  it('names the folder of a copy of data/reference, not data/reference itself', async () => {
    const dir = await referenceWith(REFERENCE_FILES.outline, (t) => t.slice(0, 500));
    const text = await readFile(path.join(dir, REFERENCE_FILES.outline), 'utf8');
    await expect(loadGeography(dir)).rejects.toThrow(
      `${path.join(dir, REFERENCE_FILES.outline)}: is not valid JSON (${jsonParseProblem(text)}). ` +
        'Restore it from the ' +
        `repository (\`git checkout -- ${path.join(dir, REFERENCE_FILES.outline)}\`) or fix it.`,
    );
  });
});

interface Collection {
  features: { properties: Record<string, string>; geometry: PolygonGeometry }[];
}

/** A copy of data/reference with the features of a GeoJSON file changed by `edit`. */
function referenceWithFeatures(file: string, edit: (features: Collection['features']) => void) {
  return referenceWith(file, (text) => {
    const collection = JSON.parse(text) as Collection;
    edit(collection.features);
    return JSON.stringify(collection);
  });
}

/** The outer ring of a feature's first polygon. */
function outerRing(geometry: PolygonGeometry): number[][] {
  return (geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0]![0])!;
}

const swapped = (geometry: PolygonGeometry): PolygonGeometry =>
  geometry.type === 'Polygon'
    ? {
        ...geometry,
        coordinates: geometry.coordinates.map((ring) => ring.map(([x, y]) => [y!, x!])),
      }
    : {
        ...geometry,
        coordinates: geometry.coordinates.map((p) =>
          p.map((ring) => ring.map(([x, y]) => [y!, x!])),
        ),
      };

const POLYGON_REMEDY =
  'Close each ring (its last position the same as its first) and give every position as ' +
  '[longitude, latitude] in WGS84: fix the file, export it again as GeoJSON in WGS84, or ' +
  'restore it from the repository.';

describe('loadGeography on polygons the pipeline cannot use: named at load, with the file and feature', () => {
  it('refuses a ward whose ring is not closed', async () => {
    let ward = '';
    const dir = await referenceWithFeatures(REFERENCE_FILES.wards, (features) => {
      const f = features[4]!;
      ward = `${f.properties['WD25CD']} ${f.properties['WD25NM']}`;
      outerRing(f.geometry).pop();
    });
    const error = (await loadGeography(dir).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ReferenceDataError);
    expect(error.message).toMatch(
      new RegExp(
        `^${escape(path.join(dir, REFERENCE_FILES.wards))}: has 1 polygon\\(s\\) the pipeline cannot use: ` +
          `feature 4 \\(${escape(ward)}\\): geometry\\.coordinates(\\.0)?\\.0 is a ring that is not closed: ` +
          'it starts at \\[-?[\\d.]+, [\\d.]+\\] and ends at \\[-?[\\d.]+, [\\d.]+\\]\\. ',
      ),
    );
    expect(error.message.endsWith(POLYGON_REMEDY)).toBe(true);
  });

  it('refuses a ward with latitude and longitude swapped, naming it', async () => {
    const dir = await referenceWithFeatures(REFERENCE_FILES.wards, (features) => {
      features[0]!.geometry = swapped(features[0]!.geometry);
    });
    await expect(loadGeography(dir)).rejects.toThrow(
      /wards\.geojson: has 1 polygon\(s\) the pipeline cannot use: feature 0 \(E05011384 Ardsley & Robin Hood\): geometry\.coordinates(\.0)?\.0\.0 is \[53\.\d+, -1\.\d+\]: latitude and longitude swapped/,
    );
  });

  it('refuses an LSOA with latitude and longitude swapped, naming it', async () => {
    const dir = await referenceWithFeatures(REFERENCE_FILES.lsoas, (features) => {
      features[1]!.geometry = swapped(features[1]!.geometry);
    });
    await expect(loadGeography(dir)).rejects.toThrow(
      /lsoa21\.geojson: has 1 polygon\(s\) the pipeline cannot use: feature 1 \(E01\d{6} Leeds \d{3}[A-Z]\): .* latitude and longitude swapped/,
    );
  });

  it('refuses an outline whose ring is not closed', async () => {
    const dir = await referenceWithFeatures(REFERENCE_FILES.outline, (features) => {
      outerRing(features[0]!.geometry).pop();
    });
    await expect(loadGeography(dir)).rejects.toThrow(
      /leeds-outline\.geojson: has 1 polygon\(s\) the pipeline cannot use: feature 0: geometry\.coordinates(\.0)?\.0 is a ring that is not closed/,
    );
  });

  it("refuses Sheffield's ward file with its Broomhill ring unclosed, and lists up to 10 of many bad wards", async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'sheffield-area-'));
    made.push(root);
    await cp('data/areas/sheffield', path.join(root, 'data/areas/sheffield'), {
      recursive: true,
      filter: (source) => !/[\\/](sample|output)$/.test(source),
    });
    const file = path.join(root, 'data/areas/sheffield/wards.geojson');
    const committed = await readFile(file, 'utf8');
    const rewrite = async (edit: (features: Collection['features']) => void) => {
      const collection = JSON.parse(committed) as Collection;
      edit(collection.features);
      await writeFile(file, JSON.stringify(collection));
      const area = await loadArea('sheffield', { root });
      return loadGeography(referenceFiles(area)).catch((e: unknown) => e as Error);
    };
    const unclosed = await rewrite((features) => {
      const broomhill = features.find((f) => f.properties['WD20CD'] === 'E05010860')!;
      outerRing(broomhill.geometry).pop();
    });
    expect(String(unclosed)).toMatch(
      /sheffield\/wards\.geojson: has 1 polygon\(s\) the pipeline cannot use: feature 3 \(E05010860 Broomhill and Sharrow Vale\): geometry\.coordinates\.0 is a ring that is not closed: it starts at \[-1\.48421, 53\.38208\] and ends at /,
    );
    const many = await rewrite((features) => {
      for (const f of features.slice(0, 12)) f.geometry = swapped(f.geometry);
    });
    expect(String(many)).toMatch(
      /has 12 polygon\(s\) the pipeline cannot use: feature 0 \(E05010857 /,
    );
    expect(String(many)).toContain('; feature 9 (');
    expect(String(many)).not.toContain('; feature 10 (');
    expect(String(many)).toContain('swapped (GeoJSON gives the longitude first); and 2 more. ');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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
