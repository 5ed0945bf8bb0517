// A build whose area's ward boundaries are missing stops naming the file and how to get it
// back, not on a bare ENOENT. Each test builds in a scratch folder holding the area's
// configuration (the build reads its files from the working folder), without that file.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchBuild } from '../../support/scratch-build.ts';

/** Work in a scratch folder, holding `area`'s area.json and the repository's `files`. */
const buildFolder = scratchBuild('area-lib-');

describe('the ward boundaries of the built area', () => {
  it("missing for leeds, the report pages' outlines fail naming the file and how to restore it", async () => {
    await buildFolder('leeds');
    await expect(import('../../../src/lib/ward-outlines.ts')).rejects.toThrow(
      'Area "leeds": its ward boundaries data/reference/wards.geojson (boundaries.wards.file ' +
        'in data/areas/leeds/area.json) does not exist. Restore it from the repository ' +
        '(`git checkout -- data/reference/wards.geojson`).',
    );
  });

  it("missing for sheffield, the map's centre and the outlines fail naming the file and how to restore it", async () => {
    await buildFolder('sheffield');
    const missing =
      'Area "sheffield": its ward boundaries data/areas/sheffield/wards.geojson ' +
      '(boundaries.wards.file in data/areas/sheffield/area.json) does not exist. Restore it ' +
      'from the repository (`git checkout -- data/areas/sheffield/wards.geojson`).';
    const { mapArea } = await import('../../../src/lib/area.ts');
    expect(() => mapArea()).toThrow(missing);
    await expect(import('../../../src/lib/ward-outlines.ts')).rejects.toThrow(missing);
  });

  it('there, are read as before', async () => {
    await buildFolder('sheffield', ['data/areas/sheffield/wards.geojson']);
    const { mapArea } = await import('../../../src/lib/area.ts');
    expect(mapArea().centre?.description).toMatch(/^the .+ ward$/);
    const { wardOutline } = await import('../../../src/lib/ward-outlines.ts');
    expect(wardOutline('E05010862', []).ward).not.toBe('');
  });
});

describe("the postcode areas of the built area's list (areaPostcodeAreas)", () => {
  it('are LS alone for Leeds, read from its published postcode index', async () => {
    await buildFolder('leeds', ['public/data/postcodes.json']);
    const { areaPostcodeAreas } = await import('../../../src/lib/area.ts');
    expect(areaPostcodeAreas()).toEqual(['LS']);
  });

  it("are every area of a fetched list of the district, and About's words name them all", async () => {
    // Kirklees's postcodes are HD and WF: area.json as `npm run area -- add` writes it (its
    // example the commonest district, HD1), the index as the pipeline publishes it.
    await buildFolder('sheffield');
    const config = JSON.parse(await readFile('data/areas/sheffield/area.json', 'utf8'));
    config.postcodes = {
      file: 'data/areas/sheffield/postcodes.csv',
      holds: 'district',
      example: 'HD1',
      copyrightYear: 2026,
    };
    await writeFile('data/areas/sheffield/area.json', JSON.stringify(config));
    const output = path.join('data', 'areas', 'sheffield', 'output');
    await mkdir(output, { recursive: true });
    const index = {
      version: 1,
      wards: ['dewsbury-east'],
      districts: { HD1: [53.64, -1.78, 0], WF12: [53.69, -1.62, 0], HD9: [53.58, -1.8, 0] },
      sectors: {},
      units: {},
    };
    await writeFile(path.join(output, 'postcodes.json'), JSON.stringify(index));
    const { area, areaPostcodeAreas, DISTRICT } = await import('../../../src/lib/area.ts');
    expect(areaPostcodeAreas()).toEqual(['HD', 'WF']);
    const { postcodeListWords } = await import('../../../src/lib/postcode-list-words.ts');
    const words = postcodeListWords(area.postcodes!, DISTRICT, areaPostcodeAreas());
    expect(words.source).toBe(
      'every postcode of the Sheffield district in the ONS Postcode Directory, in the HD and WF postcode areas',
    );
    expect(words.gap).not.toMatch(/other areas|HD/);
  });

  it('fail naming the index and how to make it when the pipeline has not published it', async () => {
    await buildFolder('leeds');
    const { areaPostcodeAreas } = await import('../../../src/lib/area.ts');
    expect(() => areaPostcodeAreas()).toThrow(
      `The postcode list's index: ${path.join('public', 'data', 'postcodes.json')} cannot be read. Run \`npm run pipeline -- --offline\` to rebuild it.`,
    );
  });
});

describe("the built area's words", () => {
  it.each([
    ['sheffield', 'leeds', 'Leeds', 'Sheffield'],
    ['leeds', 'sheffield', 'Sheffield', 'Leeds'],
  ])(
    "stop a build of %s whose siteName is %s's, naming the field and what to write",
    async (slug, from, other, own) => {
      const copied = JSON.parse(await readFile(`data/areas/${from}/area.json`, 'utf8'));
      await buildFolder(slug, [`data/areas/${from}/area.json`]);
      const config = JSON.parse(await readFile(`data/areas/${slug}/area.json`, 'utf8'));
      await writeFile(
        `data/areas/${slug}/area.json`,
        JSON.stringify({ ...config, siteName: copied.siteName }),
      );
      await expect(import('../../../src/lib/area.ts')).rejects.toThrow(
        `data/areas/${slug}/area.json names another district where it should name its own:\n` +
          `  - siteName: "${other} Crime Intelligence" names ${other} (the district of ` +
          `data/areas/${from}/area.json), but this area is ${own} (localAuthority.name): write ` +
          `${own}'s own, e.g. "${own} Crime Intelligence"\n`,
      );
    },
  );

  it('are read as before when no other district is named', async () => {
    await buildFolder('sheffield', ['data/areas/leeds/area.json']);
    const { area } = await import('../../../src/lib/area.ts');
    expect(area.siteName).toBe('Sheffield Crime Intelligence');
  });
});

describe('rebuildHint(slug, dataDir)', () => {
  it('names the command that makes the outputs again where the build reads them', async () => {
    await buildFolder('leeds');
    const { rebuildHint } = await import('../../../src/lib/area.ts');
    // The default area's own outputs (src/data/ and public/).
    for (const own of [null, path.join('src', 'data')]) {
      expect(rebuildHint('leeds', own)).toBe('Run `npm run pipeline -- --offline` to rebuild it.');
    }
    // Another area's own output folder, as a path from the working folder or absolute.
    const sheffield = path.join('data', 'areas', 'sheffield', 'output');
    for (const own of [sheffield, path.resolve(sheffield)]) {
      expect(rebuildHint('sheffield', own)).toBe(
        'Run `npm run pipeline -- --area sheffield --offline` to make it (or set ' +
          'AREA_DATA_DIR to a --out folder).',
      );
    }
    // An AREA_DATA_DIR folder, for either: written there with --out.
    const out = path.resolve('runs', 'may');
    expect(rebuildHint('leeds', out)).toBe(
      `Run \`npm run pipeline -- --offline --out ${path.join('runs', 'may')}\` to make it ` +
        'again in the folder AREA_DATA_DIR names.',
    );
    // A folder whose name is not one word of a command, quoted as one.
    expect(rebuildHint('sheffield', "/srv/Tom's crime data")).toBe(
      "Run `npm run pipeline -- --area sheffield --offline --out '/srv/Tom'\\''s crime data'` " +
        'to make it again in the folder AREA_DATA_DIR names.',
    );
  });
});
