import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { bbox } from '@turf/bbox';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AreaLoadError,
  checkPostcodeDistricts,
  checkMapBounds,
  loadArea,
  readAreaConfig,
} from '../../pipeline/area.ts';
import { AreaConfigError, type AreaConfig } from '../../src/shared/area.ts';
import { loadAreaGeography } from '../../pipeline/area-geography.ts';
import { loadGeography } from '../../pipeline/load-geography.ts';
import { runPipeline } from '../../pipeline/cli.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import { referenceFiles, type LocalStep, type NetworkStep } from '../../pipeline/run-context.ts';

/** A parsed area.json, edited freely by the cases below (JSON.parse's own type). */
type Json = ReturnType<typeof JSON.parse>;

const REPO = path.resolve(import.meta.dirname, '../..');

/**
 * An online run of `slug` in `root` whose first step would download and its second read:
 * `downloaded()` says whether the download ran, `steps()` the steps the run reported.
 */
function watchedRun(root: string, slug: string) {
  let downloaded = false;
  const download: NetworkStep = {
    name: 'download',
    description: 'downloads',
    network: true,
    run: async () => ((downloaded = true), 'downloaded'),
  };
  const local: LocalStep = { name: 'local', description: 'reads', run: async () => 'read' };
  const reporter = createMemoryReporter();
  const run = runPipeline(
    { help: false, list: false, offline: false, area: slug, out: 'out' },
    { root, reporter, threads: 1, steps: [download, local] },
  );
  return {
    run,
    downloaded: () => downloaded,
    steps: () => reporter.lines.filter((line) => /^\[\d+\/\d+\]/.test(line)),
  };
}

describe('loadArea(slug)', () => {
  it('loads Leeds, naming the reference files the pipeline reads today', async () => {
    const leeds = await loadArea('leeds', { root: REPO });
    expect(leeds.config.localAuthority).toEqual({ code: 'E08000035', name: 'Leeds' });
    expect(leeds.config.forces).toEqual(['west-yorkshire', 'btp']);
    const reference = path.join(REPO, 'data', 'reference');
    expect(leeds.files).toEqual({
      wards: path.join(reference, 'wards.geojson'),
      lsoas: path.join(reference, 'lsoa21.geojson'),
      outline: path.join(reference, 'leeds-outline.geojson'),
      population: path.join(reference, 'population-lsoa21.csv'),
      postcodes: path.join(reference, 'postcodes-ls.csv'),
      centre: null,
    });
  });

  it('loads Sheffield, with no postcodes and no polling districts', async () => {
    const sheffield = await loadArea('sheffield', { root: REPO });
    expect(sheffield.config.localAuthority).toEqual({ code: 'E08000039', name: 'Sheffield' });
    expect(sheffield.dir).toBe(path.join(REPO, 'data', 'areas', 'sheffield'));
    expect(sheffield.files.postcodes).toBeNull();
    expect(sheffield.config.pollingDistricts).toBeNull();
    expect(sheffield.config.centre).toEqual({
      kind: 'wards',
      label: 'city centre',
      wards: ['E05010862'],
    });
  });

  it("names files whose properties and columns match the configuration's", async () => {
    // The Leeds reader checks the wards, LSOAs, outline, postcodes and population together
    // (every LSOA polygon has residents and the reverse) on the files Leeds's area.json names.
    const leeds = await loadArea('leeds', { root: REPO });
    const geography = await loadGeography(path.dirname(leeds.files.wards));
    expect(geography.wards).toHaveLength(33);
    expect(geography.lsoas.length).toBe(geography.population.size);
    const sheffield = await loadArea('sheffield', { root: REPO });
    const wards = JSON.parse(await readFile(sheffield.files.wards, 'utf8')) as {
      features: { properties: Record<string, string> }[];
    };
    const { codeProperty, nameProperty } = sheffield.config.boundaries.wards;
    expect(wards.features).toHaveLength(28);
    for (const ward of wards.features) {
      expect(ward.properties[codeProperty]).toMatch(/^E05\d{6}$/);
      expect(ward.properties[nameProperty]).not.toBe('');
    }
    expect(sheffield.config.centre?.kind === 'wards' && sheffield.config.centre.wards).toEqual([
      wards.features.find((w) => w.properties[nameProperty] === 'City')?.properties[codeProperty],
    ]);
  });

  describe('a broken configuration', () => {
    let root: string;

    beforeEach(async () => {
      root = await mkdtemp(path.join(tmpdir(), 'area-'));
      await cp(
        path.join(REPO, 'data', 'areas', 'sheffield'),
        path.join(root, 'data', 'areas', 'sheffield'),
        {
          recursive: true,
          filter: (source) => !source.includes(`${path.sep}sample`),
        },
      );
    });
    afterEach(async () => {
      await rm(root, { recursive: true, force: true });
    });

    const areaFile = () => path.join(root, 'data', 'areas', 'sheffield', 'area.json');
    async function editArea(edit: (area: Json) => void): Promise<void> {
      const area = JSON.parse(await readFile(areaFile(), 'utf8')) as Json;
      edit(area);
      await writeFile(areaFile(), JSON.stringify(area));
    }

    it('loads from a copy of the area folder', async () => {
      await expect(loadArea('sheffield', { root })).resolves.toMatchObject({
        config: { slug: 'sheffield' },
      });
    });

    const ADD = 'npm run area -- add E08000039 --force south-yorkshire --replace';
    const DERIVE = 'npm run area-reference -- sheffield --nomis <Nomis TS001 CSV by LSOA 2021>';

    it('lists every file that is not there, with its field and the command that makes it', async () => {
      await rm(path.join(root, 'data', 'areas', 'sheffield', 'outline.geojson'));
      await rm(path.join(root, 'data', 'areas', 'sheffield', 'population-lsoa21.csv'));
      const error = await loadArea('sheffield', { root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AreaLoadError);
      expect((error as Error).message).toBe(
        'data/areas/sheffield/area.json names files that are not there:\n' +
          `  - boundaries.outline.file: data/areas/sheffield/outline.geojson does not exist; make it from the wards: ${DERIVE}; or fetch it: ${ADD}\n` +
          `  - population.file: data/areas/sheffield/population-lsoa21.csv does not exist; make it from Nomis's download: ${DERIVE}; or fetch it: ${ADD}\n` +
          'Restore them from the repository where it holds them, or make them as each line says.',
      );
    });

    it('does not send a missing ward, LSOA, postcode or centre file to area-reference, which makes none of them', async () => {
      await rm(path.join(root, 'data', 'areas', 'sheffield', 'wards.geojson'));
      await rm(path.join(root, 'data', 'areas', 'sheffield', 'lsoa21.geojson'));
      await editArea((a) => {
        a.postcodes = {
          file: 'data/areas/sheffield/postcodes.csv',
          holds: 'district',
          example: 'S1',
          copyrightYear: 2025,
        };
        a.centre = {
          kind: 'polygon',
          label: 'city centre',
          file: 'data/areas/sheffield/centre.geojson',
        };
      });
      const error = await loadArea('sheffield', { root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AreaLoadError);
      const message = (error as Error).message;
      expect(message).not.toContain('area-reference');
      expect(message).toContain(
        `  - boundaries.wards.file: data/areas/sheffield/wards.geojson does not exist; fetch it again: ${ADD}\n`,
      );
      expect(message).toContain(
        `  - boundaries.lsoas.file: data/areas/sheffield/lsoa21.geojson does not exist; fetch it again: ${ADD}\n`,
      );
      expect(message).toContain(
        `  - postcodes.file: data/areas/sheffield/postcodes.csv does not exist; fetch it again: ${ADD} --postcodes SERVICE --postcode-district-field FIELD\n`,
      );
      expect(message).toContain(
        '  - centre.file: data/areas/sheffield/centre.geojson does not exist; no command makes it: draw it',
      );
    });

    it('does not send a ward file that is not GeoJSON to area-reference either', async () => {
      await writeFile(path.join(root, 'data', 'areas', 'sheffield', 'wards.geojson'), '{"type":');
      const error = await loadArea('sheffield', { root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AreaLoadError);
      expect((error as Error).message).toBe(
        'data/areas/sheffield/area.json: boundaries.wards.file data/areas/sheffield/wards.geojson ' +
          `is not GeoJSON: restore it, or fetch it again: ${ADD}.`,
      );
    });

    it('names the ward property that the boundaries do not have, with the ones they have', async () => {
      await editArea((a) => {
        const wards = (a.boundaries as Json).wards as Json;
        wards.codeProperty = 'WD24CD';
        wards.nameProperty = 'WD24NM';
        (a.boundaries as Json).copyrightYear = 2024;
      });
      const error = await loadArea('sheffield', { root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AreaLoadError);
      const message = (error as Error).message;
      expect(message).toMatch(
        /^data\/areas\/sheffield\/area\.json does not fit its ward boundaries:/,
      );
      expect(message).toMatch(
        /boundaries\.wards\.codeProperty: "WD24CD" is missing from 28 of the 28 features of data\/areas\/sheffield\/wards\.geojson \(its properties: [^)]*WD20CD/,
      );
      expect(message).toMatch(
        /boundaries\.wards\.nameProperty: "WD24NM" is missing from 28 of the 28/,
      );
    });

    /** Rename wards of the copied wards file: `names` by ward name as the file has it. */
    async function renameWards(names: Record<string, string>): Promise<Map<string, string>> {
      const file = path.join(root, 'data', 'areas', 'sheffield', 'wards.geojson');
      const wards = JSON.parse(await readFile(file, 'utf8')) as {
        features: { properties: Record<string, string> }[];
      };
      const codes = new Map<string, string>();
      for (const ward of wards.features) {
        const renamed = names[ward.properties['WD20NM']!];
        if (renamed === undefined) continue;
        codes.set(ward.properties['WD20NM']!, ward.properties['WD20CD']!);
        ward.properties['WD20NM'] = renamed;
      }
      expect(codes.size).toBe(Object.keys(names).length);
      await writeFile(file, JSON.stringify(wards));
      return codes;
    }

    it('names two wards whose names give one page, and a name that gives none, before any month is read', async () => {
      const codes = await renameWards({
        Beighton: 'Park',
        Birley: 'Park',
        Darnall: 'Crookes & Crosspool',
        'Crookes and Crosspool': 'crookes and crosspool!',
        'Dore and Totley': '\u6771\u533a',
      });
      const code = (name: string) => codes.get(name)!;
      const error = await loadArea('sheffield', { root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AreaLoadError);
      expect((error as Error).message).toBe(
        'data/areas/sheffield/wards.geojson has ward names that do not give each ward a page of ' +
          'its own (data/areas/sheffield/area.json: boundaries.wards.nameProperty "WD20NM"):\n' +
          `  - wards ${code('Beighton')} "Park" and ${code('Birley')} "Park" would share the page /wards/park/\n` +
          `  - wards ${code('Crookes and Crosspool')} "crookes and crosspool!" and ${code('Darnall')} ` +
          '"Crookes & Crosspool" would share the page /wards/crookes-and-crosspool/\n' +
          `  - ward ${code('Dore and Totley')} is named "\u6771\u533a", which holds no letter or digit a web address can hold\n` +
          'Correct the names in the file, or tell two wards apart in their names (as the ONS does, e.g. "Park (Sheffield)").',
      );
    });

    it('loads wards whose names need spelling out for their pages', async () => {
      await renameWards({ Beighton: 'Ærø', Birley: 'Straße & Łódź' });
      await expect(loadArea('sheffield', { root })).resolves.toMatchObject({
        config: { slug: 'sheffield' },
      });
    });

    it('names the population column that the file does not have, with the ones it has', async () => {
      await editArea((a) => {
        a.population.codeColumn = 'LSOA code';
        a.population.valueColumn = 'Usual residents';
      });
      const error = await loadArea('sheffield', { root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AreaLoadError);
      const its =
        '(its columns: "geography", "geography code", "Residence type: Total; measures: Value")';
      expect((error as Error).message).toBe(
        'data/areas/sheffield/area.json does not fit its population file:\n' +
          `  - population.codeColumn: "LSOA code" is not a column of data/areas/sheffield/population-lsoa21.csv ${its}\n` +
          `  - population.valueColumn: "Usual residents" is not a column of data/areas/sheffield/population-lsoa21.csv ${its}\n` +
          'Use the column names the file has.',
      );
    });

    it('refuses a centre of wards that are not wards of the district', async () => {
      await editArea(
        (a) => (a.centre = { kind: 'wards', label: 'city centre', wards: ['E05999999'] }),
      );
      await expect(loadArea('sheffield', { root })).rejects.toThrow(
        'centre.wards: E05999999 is not a ward of data/areas/sheffield/wards.geojson (WD20CD)',
      );
    });

    it('checks a centre polygon file too', async () => {
      await editArea(
        (a) =>
          (a.centre = {
            kind: 'polygon',
            label: 'city centre',
            file: 'data/areas/sheffield/centre.geojson',
          }),
      );
      await expect(loadArea('sheffield', { root })).rejects.toThrow(
        /centre\.file: data\/areas\/sheffield\/centre\.geojson does not exist/,
      );
    });

    it('refuses a map centre inside map.bounds but outside the district, naming it and a centre inside', async () => {
      // Sheffield's box (53.1 to 53.7, -2.1 to -1.0) holds Rotherham, Barnsley and Derbyshire.
      const outside: [number, number][] = [
        [53.42, -1.25], // east: Rotherham
        [53.55, -1.5], // north: Barnsley
        [53.25, -1.5], // south: North East Derbyshire
        [53.4, -1.9], // west: the Peak District, High Peak
      ];
      for (const centre of outside) {
        await editArea((area) => (area.map.centre = centre));
        const load = loadArea('sheffield', { root });
        await expect(load).rejects.toThrow(AreaLoadError);
        const message = await load.then(String, (e: unknown) => (e as Error).message);
        const quoted = JSON.stringify(centre).replace(/[[\].]/g, '\\$&');
        expect(message).toMatch(
          new RegExp(
            `^data/areas/sheffield/area\\.json does not fit its outline:\n {2}- map\\.centre ` +
              `${quoted} lies outside Sheffield's outline \\(data/areas/sheffield/outline\\.geojson\\)`,
          ),
        );
        // The centre it offers is one the area loads with.
        const offered = JSON.parse(/e\.g\. (\[[^\]]+\])\.$/.exec(message)![1]!) as number[];
        await editArea((area) => (area.map.centre = offered));
        await expect(loadArea('sheffield', { root })).resolves.toBeDefined();
      }
    });

    it("refuses an outline of another district, or a code that is not the outline's, before the map checks", async () => {
      const expected = (code: string, file: string, found: string, property: string) =>
        'data/areas/sheffield/area.json does not fit its outline:\n' +
        `  - localAuthority.code is ${code}, but ${file} is the outline of "${found}" (its ${property})\n` +
        "Name the district's own outline in boundaries.outline.file, or correct localAuthority.code.";
      // Leeds's outline named by Sheffield's area.json.
      await cp(
        path.join(REPO, 'data', 'reference', 'leeds-outline.geojson'),
        path.join(root, 'data', 'areas', 'sheffield', 'leeds-outline.geojson'),
      );
      await editArea((area) => {
        area.boundaries.outline.file = 'data/areas/sheffield/leeds-outline.geojson';
      });
      await expect(loadArea('sheffield', { root })).rejects.toThrow(
        expected('E08000039', 'data/areas/sheffield/leeds-outline.geojson', 'E08000035', 'LAD25CD'),
      );
      // Sheffield's own outline with Leeds's code.
      await editArea((area) => {
        area.boundaries.outline.file = 'data/areas/sheffield/outline.geojson';
        area.localAuthority.code = 'E08000035';
      });
      await expect(loadArea('sheffield', { root })).rejects.toThrow(
        expected('E08000035', 'data/areas/sheffield/outline.geojson', 'E08000039', 'LADCD'),
      );
    });

    it("refuses wards that lie outside the district's outline, another district's, naming them", async () => {
      const sheffieldWards = path.join(root, 'data', 'areas', 'sheffield', 'wards.geojson');
      const leedsWards = JSON.parse(
        await readFile(path.join(REPO, 'data', 'reference', 'wards.geojson'), 'utf8'),
      ) as { features: { properties: Record<string, string> }[] };
      const adel = leedsWards.features.find((w) => w.properties['WD25NM'] === 'Adel & Wharfedale')!;
      // Leeds's wards named by Sheffield's area.json (their properties and year set to match).
      await writeFile(sheffieldWards, JSON.stringify(leedsWards));
      await editArea((area) => {
        area.boundaries.wards = {
          ...area.boundaries.wards,
          codeProperty: 'WD25CD',
          nameProperty: 'WD25NM',
        };
        area.boundaries.copyrightYear = 2025;
        area.centre = null;
      });
      await expect(loadArea('sheffield', { root })).rejects.toThrow(
        /^data\/areas\/sheffield\/area\.json does not fit its outline:\n {2}- boundaries\.wards\.file: 33 of the 33 wards of data\/areas\/sheffield\/wards\.geojson lie outside Sheffield's outline \(data\/areas\/sheffield\/outline\.geojson\), e\.g\. E05011384 "Ardsley & Robin Hood", /,
      );
      // Sheffield's wards with one of Leeds's among them.
      const wards = JSON.parse(
        await readFile(path.join(REPO, 'data', 'areas', 'sheffield', 'wards.geojson'), 'utf8'),
      ) as { features: { properties: Record<string, string> }[] };
      wards.features[3] = {
        ...adel,
        properties: { WD20CD: adel.properties['WD25CD']!, WD20NM: adel.properties['WD25NM']! },
      };
      await writeFile(sheffieldWards, JSON.stringify(wards));
      await cp(path.join(REPO, 'data', 'areas', 'sheffield', 'area.json'), areaFile());
      await editArea((area) => (area.centre = null));
      await expect(loadArea('sheffield', { root })).rejects.toThrow(
        /- boundaries\.wards\.file: 1 of the 28 wards of .* lie outside Sheffield's outline .*, e\.g\. E05012841 "Adel & Wharfedale"\n/,
      );
    });

    it('throws AreaConfigError naming each bad field before looking for files', async () => {
      await editArea((a) => {
        a.forces = ['South Yorkshire'];
        a.boundaries.wards.codeProperty = 'WD20';
        a.population.file = '/work/population.csv';
      });
      const error = await loadArea('sheffield', { root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AreaConfigError);
      const fields = (error as AreaConfigError).issues.map((i) => i.slice(0, i.indexOf(':')));
      expect(fields.sort()).toEqual([
        'boundaries.wards.codeProperty',
        'forces.0',
        'population.file',
      ]);
      expect((error as Error).message).toContain(
        'data/areas/sheffield/area.json does not fit the schema',
      );
    });

    it('throws naming the file when area.json is not JSON', async () => {
      await writeFile(areaFile(), '{"slug": "sheffield",');
      await expect(loadArea('sheffield', { root })).rejects.toThrow(
        /^data\/areas\/sheffield\/area\.json is not valid JSON \(.+\): fix the file\.$/,
      );
    });

    it('throws when the slug in the file is not the folder name', async () => {
      await editArea((a) => (a.slug = 'leeds'));
      await expect(loadArea('sheffield', { root })).rejects.toThrow(
        'data/areas/sheffield/area.json: slug is "leeds" but the folder is "sheffield": make them the same.',
      );
    });

    it('throws listing the areas there are when the slug is unknown', async () => {
      const error = await loadArea('rotherham', { root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AreaLoadError);
      expect((error as Error).message).toMatch(
        /^No area "rotherham": data\/areas\/rotherham\/area\.json cannot be read\. Areas here: sheffield; to add one, run `npm run area -- add <local authority code> --force <police force>`/,
      );
      expect((error as Error).cause).toBeDefined();
    });

    it('refuses a slug that is not an area name, such as a path', async () => {
      await expect(loadArea('../sheffield', { root })).rejects.toThrow(/is not an area name/);
    });

    it('readAreaConfig(slug) reads an area whose derived files are not made yet', async () => {
      await rm(path.join(root, 'data', 'areas', 'sheffield', 'outline.geojson'));
      await rm(path.join(root, 'data', 'areas', 'sheffield', 'population-lsoa21.csv'));
      await expect(readAreaConfig('sheffield', { root })).resolves.toMatchObject({
        slug: 'sheffield',
        boundaries: { outline: { file: 'data/areas/sheffield/outline.geojson' } },
      });
    });

    it('readAreaConfig(slug) refuses what loadArea refuses before looking for files', async () => {
      await expect(readAreaConfig('../sheffield', { root })).rejects.toThrow(/is not an area name/);
      await expect(readAreaConfig('rotherham', { root })).rejects.toThrow(/^No area "rotherham"/);
      await editArea((a) => (a.slug = 'leeds'));
      await expect(readAreaConfig('sheffield', { root })).rejects.toThrow(
        'slug is "leeds" but the folder is "sheffield"',
      );
    });
  });
});

describe('a centre of postcode districts against the postcode file', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'area-centre-'));
    await mkdir(path.join(root, 'data', 'areas', 'leeds'), { recursive: true });
    await symlink(path.join(REPO, 'data', 'reference'), path.join(root, 'data', 'reference'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function leedsWithCentre(districts: string[]): Promise<void> {
    const area = JSON.parse(
      await readFile(path.join(REPO, 'data', 'areas', 'leeds', 'area.json'), 'utf8'),
    ) as Json;
    area.centre = { kind: 'postcode-districts', label: 'city centre', districts };
    await writeFile(path.join(root, 'data', 'areas', 'leeds', 'area.json'), JSON.stringify(area));
  }

  it("passes Leeds's own centre, LS1 and LS2", async () => {
    const leeds = await loadArea('leeds', { root: REPO });
    const geography = await loadGeography(path.dirname(leeds.files.wards));
    expect(() => checkPostcodeDistricts(leeds, geography.postcodes)).not.toThrow();
  });

  it('refuses districts the file has no located postcode in, naming each and the non-geographic ones', async () => {
    await leedsWithCentre(['LS1', 'WF1', 'LS99']);
    const leeds = await loadArea('leeds', { root });
    const geography = await loadGeography(path.join(REPO, 'data', 'reference'));
    let error: unknown;
    try {
      checkPostcodeDistricts(leeds, geography.postcodes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AreaLoadError);
    expect((error as Error).message).toBe(
      'data/areas/leeds/area.json does not fit its postcodes file:\n' +
        '  - centre.districts: WF1, LS99 (listed in postcodes.nonGeographicDistricts) have no ' +
        'located postcode in data/reference/postcodes-ls.csv, so the centre would have none of ' +
        'their residents\n' +
        'List postcode districts the file has.',
    );
  });

  it("refuses a postcode example that is not one of the file's districts, or not a place, naming it", async () => {
    const geography = await loadGeography(path.join(REPO, 'data', 'reference'));
    // S10: Sheffield's, copied with another area.json; LS98: a PO box district; LS30: none.
    const examples: [example: string, named: string][] = [
      ['S10', 'S10'],
      ['LS98', 'LS98 (listed in postcodes.nonGeographicDistricts)'],
      ['LS30', 'LS30'],
    ];
    for (const [example, named] of examples) {
      const area = JSON.parse(
        await readFile(path.join(REPO, 'data', 'areas', 'leeds', 'area.json'), 'utf8'),
      ) as Json;
      area.postcodes.example = example;
      await writeFile(path.join(root, 'data', 'areas', 'leeds', 'area.json'), JSON.stringify(area));
      const leeds = await loadArea('leeds', { root });
      expect(() => checkPostcodeDistricts(leeds, geography.postcodes)).toThrow(
        'data/areas/leeds/area.json does not fit its postcodes file:\n' +
          `  - postcodes.example: ${named} has no located postcode in ` +
          'data/reference/postcodes-ls.csv, so pages would give as an example of the district ' +
          'a postcode district not in it\n' +
          'List postcode districts the file has.',
      );
    }
  });
});

describe('checkMapBounds(area, outline): map.bounds hold the whole district', () => {
  async function withBounds(slug: string, bounds?: AreaConfig['map']['bounds']) {
    const area = await loadArea(slug, { root: REPO });
    const geography = await loadGeography({
      wards: area.config.boundaries.wards,
      lsoas: { file: area.files.lsoas },
      outline: { file: area.files.outline },
      postcodes: null,
      population: {
        file: area.files.population,
        codeColumn: area.config.population.codeColumn,
        valueColumn: area.config.population.valueColumn,
      },
      projection: { latitude: area.config.map.centre[0], source: area.source },
    });
    const config = { ...area.config, map: { ...area.config.map, ...(bounds && { bounds }) } };
    return () => checkMapBounds({ config, source: area.source }, geography.outline);
  }

  it('passes the committed areas, Leeds and Sheffield', async () => {
    expect(await withBounds('leeds')).not.toThrow();
    expect(await withBounds('sheffield')).not.toThrow();
  });

  it("refuses Leeds's box for Sheffield, naming the side it leaves out and the box to use", async () => {
    // Leeds's map.bounds (south 53.4) leave out Sheffield south of 53.4 (Dore, Totley, Beighton).
    const check = await withBounds('sheffield', {
      south: 53.4,
      north: 54.2,
      west: -2.2,
      east: -0.9,
    });
    expect(check).toThrow(AreaLoadError);
    expect(check).toThrow(
      /^data\/areas\/sheffield\/area\.json does not fit its outline:\n {2}- map\.bounds .* leave out part of Sheffield: its outline \(data\/areas\/sheffield\/outline\.geojson\) reaches south to 53\.3\d\d, so the map would refuse a link to that part as outside Sheffield\nWiden map\.bounds to hold the whole outline, e\.g\. \{"south":53\.3,"north":54\.2,"west":-2\.2,"east":-0\.9\}\.$/,
    );
  });

  it('names every side the box leaves out', async () => {
    const check = await withBounds('sheffield', {
      south: 53.35,
      north: 53.45,
      west: -1.6,
      east: -1.4,
    });
    expect(check).toThrow(
      /reaches south to 53\.\d+, north to 53\.\d+, west to -1\.\d+, east to -1\.\d+,/,
    );
  });
});

describe('npm run pipeline -- --area with a map centre outside the district', () => {
  it('stops before its first step, naming the field, and changes no output', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'area-centre-'));
    try {
      const folder = path.join(root, 'data', 'areas', 'sheffield');
      await cp(path.join(REPO, 'data', 'areas', 'sheffield'), folder, {
        recursive: true,
        filter: (source) => !source.includes(`${path.sep}output`),
      });
      const area = JSON.parse(await readFile(path.join(folder, 'area.json'), 'utf8')) as Json;
      area.map.centre = [53.42, -1.25];
      await writeFile(path.join(folder, 'area.json'), JSON.stringify(area));
      const reporter = createMemoryReporter();
      // Online: a run that checked the centre only after its network steps would fetch first.
      const run = runPipeline(
        { help: false, list: false, offline: false, area: 'sheffield', out: 'out' },
        { root, reporter, threads: 1 },
      );
      await expect(run).rejects.toThrow(/map\.centre \[53\.42,-1\.25\] lies outside Sheffield's/);
      expect(reporter.lines.filter((line) => /^\[\d+\/\d+\]/.test(line))).toEqual([]);
      expect(existsSync(path.join(root, 'out'))).toBe(false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('npm run pipeline -- --area with map.bounds that leave out part of the district', () => {
  it('stops before any month is read, naming the field, and changes no output', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'area-bounds-'));
    try {
      const folder = path.join(root, 'data', 'areas', 'sheffield');
      await cp(path.join(REPO, 'data', 'areas', 'sheffield'), folder, {
        recursive: true,
        filter: (source) => !source.includes(`${path.sep}output`),
      });
      const area = JSON.parse(await readFile(path.join(folder, 'area.json'), 'utf8')) as Json;
      area.map.bounds.east = -1.4;
      await writeFile(path.join(folder, 'area.json'), JSON.stringify(area));
      const reporter = createMemoryReporter();
      // Online: a run that checked the bounds only after its network steps would fetch first.
      const run = runPipeline(
        { help: false, list: false, offline: false, area: 'sheffield', out: 'out' },
        { root, reporter, threads: 1 },
      );
      await expect(run).rejects.toThrow(/map\.bounds .* reaches east to -1\.\d+/);
      expect(reporter.lines.filter((line) => /^\[\d+\/\d+\]/.test(line))).toEqual([]);
      expect(existsSync(path.join(root, 'out'))).toBe(false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

/**
 * A scratch repository root (its folder name starting `prefix`): the committed reference files linked, an empty
 * folder for Leeds's area.json, and Sheffield's configuration and files copied (not its outputs
 * or sample months), for a test to edit.
 */
async function rootWithSheffield(prefix: string): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), prefix));
  await mkdir(path.join(root, 'data', 'areas', 'leeds'), { recursive: true });
  await symlink(path.join(REPO, 'data', 'reference'), path.join(root, 'data', 'reference'));
  await cp(
    path.join(REPO, 'data', 'areas', 'sheffield'),
    path.join(root, 'data', 'areas', 'sheffield'),
    {
      recursive: true,
      filter: (source) => !/[/\\](output|sample)$/.test(source),
    },
  );
  return root;
}

describe('npm run pipeline -- --area online, with area.json at odds with its reference files', () => {
  let root: string;
  beforeEach(async () => {
    root = await rootWithSheffield('area-first-');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function editArea(slug: string, edit: (area: Json) => void): Promise<void> {
    const file = path.join(root, 'data', 'areas', slug, 'area.json');
    const area = JSON.parse(
      await readFile(path.join(REPO, 'data', 'areas', slug, 'area.json'), 'utf8'),
    ) as Json;
    edit(area);
    await writeFile(file, JSON.stringify(area));
  }

  /** Every configuration error that the committed files show, whatever file shows it. */
  const cases: [what: string, slug: string, edit: (area: Json) => void, error: RegExp][] = [
    [
      'a postcode example not in the postcode file',
      'leeds',
      (area) => (area.postcodes.example = 'S10'),
      /postcodes\.example: S10 has no located postcode in data\/reference\/postcodes-ls\.csv/,
    ],
    [
      'a centre of postcode districts not in the postcode file',
      'leeds',
      (area) => (area.centre.districts = ['LS1', 'WF1']),
      /centre\.districts: WF1 has no located postcode in data\/reference\/postcodes-ls\.csv/,
    ],
    [
      "force districts without the district's own",
      'sheffield',
      (area) => (area.forceDistricts = ['Barnsley', 'Doncaster', 'Rotherham']),
      /forceDistricts: must include "Sheffield"/,
    ],
    [
      'a postcode list of another district',
      'sheffield',
      (area) =>
        (area.postcodes = {
          file: 'data/reference/postcodes-ls.csv',
          holds: 'postcode-areas',
          example: 'LS6',
          copyrightYear: 2018,
          nonGeographicDistricts: [],
        }),
      /postcodes\.file: \d+ of \d+ postcodes sampled from data\/reference\/postcodes-ls\.csv lie outside Sheffield's outline/,
    ],
    [
      'LSOAs of another district, with their residents',
      'sheffield',
      (area) => {
        area.boundaries.lsoas.file = 'data/reference/lsoa21.geojson';
        area.population.file = 'data/reference/population-lsoa21.csv';
      },
      /boundaries\.lsoas\.file: 488 of the 488 LSOAs of data\/reference\/lsoa21\.geojson lie outside Sheffield's outline/,
    ],
    [
      "a population file of another district's LSOAs",
      'sheffield',
      (area) => (area.population.file = 'data/reference/population-lsoa21.csv'),
      /population-lsoa21\.csv: has no row for 343 LSOA\(s\) of .*lsoa21\.geojson/,
    ],
  ];

  it.each(cases)('stops on %s before its first step downloads anything', async (...args) => {
    const [, slug, edit, error] = args;
    await editArea(slug, edit);
    const { run, downloaded, steps } = watchedRun(root, slug);
    await expect(run).rejects.toThrow(error);
    expect(downloaded()).toBe(false);
    expect(steps()).toEqual([]);
  });
});

describe("loadAreaGeography(area, files): the LSOAs lie in the district's outline", () => {
  let root: string;
  const folder = () => path.join(root, 'data', 'areas', 'sheffield');
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'area-lsoas-'));
    await cp(path.join(REPO, 'data', 'areas', 'sheffield'), folder(), {
      recursive: true,
      filter: (source) => !/[/\\](output|sample)$/.test(source),
    });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  type Lsoas = { features: { properties: Record<string, string> }[] };
  const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Lsoas;
  const leedsLsoas = () => readJson(path.join(REPO, 'data', 'reference', 'lsoa21.geojson'));
  const load = async () => {
    const area = await loadArea('sheffield', { root });
    return loadAreaGeography(area, referenceFiles(area));
  };

  it("passes the committed areas' own LSOAs, Leeds's and Sheffield's", async () => {
    for (const slug of ['leeds', 'sheffield']) {
      const area = await loadArea(slug, { root: REPO });
      const { geography } = await loadAreaGeography(area, referenceFiles(area));
      expect(geography.lsoas.length).toBe(geography.population.size);
    }
  });

  it("refuses another district's LSOAs with their residents, naming how many lie outside", async () => {
    // Leeds's LSOA and population files, copied into Sheffield's folder: every LSOA has its
    // residents, so only where the LSOAs lie shows they are not Sheffield's.
    await cp(
      path.join(REPO, 'data', 'reference', 'lsoa21.geojson'),
      path.join(folder(), 'lsoa21.geojson'),
    );
    await cp(
      path.join(REPO, 'data', 'reference', 'population-lsoa21.csv'),
      path.join(folder(), 'population-lsoa21.csv'),
    );
    const leeds = await leedsLsoas();
    const first = leeds.features[0]!.properties;
    await expect(load()).rejects.toThrow(
      new RegExp(
        '^data/areas/sheffield/area\\.json does not fit its outline:\\n {2}- boundaries\\.lsoas\\.file: ' +
          `${leeds.features.length} of the ${leeds.features.length} LSOAs of data/areas/sheffield/lsoa21\\.geojson ` +
          "lie outside Sheffield's outline \\(data/areas/sheffield/outline\\.geojson\\), e\\.g\\. " +
          `${first['LSOA21CD']} "${first['LSOA21NM']}", `,
      ),
    );
    // Not taken for force districts the area left out: the LSOAs are what is wrong.
    await expect(load()).rejects.not.toThrow(/forceDistricts/);
  });

  it("refuses a few LSOAs of a neighbour among the district's own", async () => {
    const sheffield = await readJson(path.join(folder(), 'lsoa21.geojson'));
    const leeds = await leedsLsoas();
    const added = leeds.features.slice(100, 103);
    sheffield.features.push(...added);
    await writeFile(path.join(folder(), 'lsoa21.geojson'), JSON.stringify(sheffield));
    const population = path.join(folder(), 'population-lsoa21.csv');
    const rows = added.map((f) => `${f.properties['LSOA21NM']},${f.properties['LSOA21CD']},1500\n`);
    const text = await readFile(population, 'utf8');
    await writeFile(population, text + rows.join(''));
    await expect(load()).rejects.toThrow(
      `- boundaries.lsoas.file: 3 of the ${sheffield.features.length} LSOAs of ` +
        `data/areas/sheffield/lsoa21.geojson lie outside Sheffield's outline`,
    );
  });
});

describe("loadAreaGeography(area, files): the postcode list is the district's", () => {
  let root: string;
  const folder = () => path.join(root, 'data', 'areas', 'sheffield');
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'area-postcodes-'));
    await cp(path.join(REPO, 'data', 'areas', 'sheffield'), folder(), {
      recursive: true,
      filter: (source) => !/[/\\](output|sample)$/.test(source),
    });
    await cp(
      path.join(REPO, 'data', 'reference', 'postcodes-ls.csv'),
      path.join(folder(), 'postcodes.csv'),
    );
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Sheffield's area.json naming Leeds's LS list, copied with Leeds's postcode settings. */
  async function sheffieldWithLeedsPostcodes(holds: string): Promise<void> {
    const leeds = JSON.parse(
      await readFile(path.join(REPO, 'data', 'areas', 'leeds', 'area.json'), 'utf8'),
    ) as Json;
    const file = path.join(folder(), 'area.json');
    const area = JSON.parse(await readFile(file, 'utf8')) as Json;
    area.postcodes = { ...leeds.postcodes, holds, file: 'data/areas/sheffield/postcodes.csv' };
    await writeFile(file, JSON.stringify(area));
  }

  it("passes Leeds's LS list, whose postcode areas reach beyond Leeds", async () => {
    const leeds = await loadArea('leeds', { root: REPO });
    await expect(loadAreaGeography(leeds, referenceFiles(leeds))).resolves.toBeDefined();
  });

  it.each(['postcode-areas', 'district'])(
    "refuses another district's list (holds %s), naming postcodes outside",
    async (holds) => {
      await sheffieldWithLeedsPostcodes(holds);
      const area = await loadArea('sheffield', { root });
      const whose = holds === 'district' ? 'postcodes' : 'postcode areas';
      await expect(loadAreaGeography(area, referenceFiles(area))).rejects.toThrow(
        new RegExp(
          '^data/areas/sheffield/area\\.json does not fit its outline:\\n {2}- postcodes\\.file: ' +
            '(\\d+) of \\1 postcodes sampled from data/areas/sheffield/postcodes\\.csv lie ' +
            "outside Sheffield's outline \\(data/areas/sheffield/outline\\.geojson\\), e\\.g\\. " +
            `LS\\d+ \\d[A-Z]{2}, .*, so it is not a list of the district's ${whose}\\n` +
            "Name the district's own postcode list",
        ),
      );
    },
  );
});

describe('npm run pipeline -- --area online, with a ward that has no residents', () => {
  let root: string;
  beforeEach(async () => {
    root = await rootWithSheffield('area-residents-');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  type Features = {
    features: { properties: Record<string, string>; geometry: Parameters<typeof bbox>[0] }[];
  };
  const boxesMeet = (a: number[], b: number[]) =>
    a[0]! <= b[2]! && b[0]! <= a[2]! && a[1]! <= b[3]! && b[1]! <= a[3]!;

  /**
   * The area with the residents of `ward` taken away: every LSOA whose box meets the ward's
   * gets 0 residents (`how` "zero"), or is left out of the LSOA and population files ("gone").
   * The files are written into the area's folder and area.json names them.
   */
  async function withoutResidentsIn(slug: string, ward: string, how: 'zero' | 'gone') {
    const area = JSON.parse(
      await readFile(path.join(REPO, 'data', 'areas', slug, 'area.json'), 'utf8'),
    ) as Json;
    const read = async (file: string) => readFile(path.join(REPO, file), 'utf8');
    const wards = JSON.parse(await read(area.boundaries.wards.file)) as Features;
    const lsoas = JSON.parse(await read(area.boundaries.lsoas.file)) as Features;
    const theWard = wards.features.find(
      (f) => f.properties[area.boundaries.wards.codeProperty] === ward,
    );
    const box = bbox(theWard!.geometry);
    const emptied = new Set(
      lsoas.features
        .filter((f) => boxesMeet(bbox(f.geometry), box))
        .map((f) => f.properties['LSOA21CD']),
    );
    const [header, ...rows] = (await read(area.population.file)).trimEnd().split(/\r?\n/);
    const columns = header!.split(',');
    const codeAt = columns.indexOf(area.population.codeColumn);
    const valueAt = columns.indexOf(area.population.valueColumn);
    const population = rows.flatMap((row) => {
      const cells = row.split(',');
      if (!emptied.has(cells[codeAt]!)) return [row];
      return how === 'zero' ? [cells.map((cell, i) => (i === valueAt ? '0' : cell)).join(',')] : [];
    });
    const dir = path.join(root, 'data', 'areas', slug);
    await writeFile(path.join(dir, 'population.csv'), `${[header, ...population].join('\n')}\n`);
    area.population.file = `data/areas/${slug}/population.csv`;
    if (how === 'gone') {
      lsoas.features = lsoas.features.filter((f) => !emptied.has(f.properties['LSOA21CD']));
      await writeFile(path.join(dir, 'lsoas.geojson'), JSON.stringify(lsoas));
      area.boundaries.lsoas.file = `data/areas/${slug}/lsoas.geojson`;
    }
    await writeFile(path.join(dir, 'area.json'), JSON.stringify(area));
  }

  it.each([
    ['sheffield', 'E05010862', 'City', 'zero'],
    ['sheffield', 'E05010880', 'Stannington', 'gone'],
    ['leeds', 'E05011403', 'Little London & Woodhouse', 'zero'],
    ['leeds', 'E05011396', 'Harewood', 'gone'],
  ] as const)(
    "stops on %s ward %s (%s) with its LSOAs' residents %s before its first step downloads anything",
    async (slug, code, name, how) => {
      await withoutResidentsIn(slug, code, how);
      const { run, downloaded, steps } = watchedRun(root, slug);
      const error = (await run.catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(AreaLoadError);
      expect(error.message).toMatch(
        new RegExp(`^data/areas/${slug}/area\\.json does not fit its population:\\n`),
      );
      expect(error.message).toContain(
        `  - ${code} (${name}): ${how === 'gone' ? 'no LSOA overlaps it' : 'the LSOAs that overlap it have '}`,
      );
      expect(error.message).toContain(`population.file data/areas/${slug}/population.csv`);
      expect(downloaded()).toBe(false);
      expect(steps()).toEqual([]);
    },
  );

  it("passes the committed areas' wards, each with residents", async () => {
    for (const slug of ['leeds', 'sheffield']) {
      const area = await loadArea(slug, { root: REPO });
      await expect(loadAreaGeography(area, referenceFiles(area))).resolves.toBeDefined();
    }
  });
});

describe("loadArea(slug) with words copied from another committed area's area.json", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'area-words-'));
    await mkdir(path.join(root, 'data'));
    await symlink(path.join(REPO, 'data', 'reference'), path.join(root, 'data', 'reference'));
    for (const slug of ['leeds', 'sheffield']) {
      await cp(path.join(REPO, 'data', 'areas', slug), path.join(root, 'data', 'areas', slug), {
        recursive: true,
        filter: (source) => !/[/\\](output|sample)$/.test(source),
      });
    }
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function editArea(slug: string, edit: (area: Json) => void): Promise<void> {
    const file = path.join(root, 'data', 'areas', slug, 'area.json');
    const area = JSON.parse(await readFile(file, 'utf8')) as Json;
    edit(area);
    await writeFile(file, JSON.stringify(area));
  }

  it('loads both committed areas side by side', async () => {
    for (const slug of ['leeds', 'sheffield']) {
      await expect(loadArea(slug, { root })).resolves.toMatchObject({ config: { slug } });
    }
  });

  it.each([
    ['sheffield', 'leeds', 'Leeds', 'Sheffield'],
    ['leeds', 'sheffield', 'Sheffield', 'Leeds'],
  ])(
    "refuses %s's siteName copied from %s's, naming the field and what to write",
    async (slug, from, other, own) => {
      const copied = JSON.parse(
        await readFile(path.join(REPO, 'data', 'areas', from, 'area.json'), 'utf8'),
      ) as Json;
      await editArea(slug, (area) => (area.siteName = copied.siteName));
      const error = await loadArea(slug, { root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AreaLoadError);
      expect((error as Error).message).toBe(
        `data/areas/${slug}/area.json names another district where it should name its own:\n` +
          `  - siteName: "${other} Crime Intelligence" names ${other} (the district of ` +
          `data/areas/${from}/area.json), but this area is ${own} (localAuthority.name): write ` +
          `${own}'s own, e.g. "${own} Crime Intelligence"\n` +
          "Correct these fields (copied from another area's area.json?): this area's pages show them, and its run reads them.",
      );
    },
  );

  it("stops an online run of Sheffield given Leeds's polling districts layer before its first step downloads anything", async () => {
    const leeds = JSON.parse(
      await readFile(path.join(REPO, 'data', 'areas', 'leeds', 'area.json'), 'utf8'),
    ) as Json;
    await editArea('sheffield', (area) => {
      area.pollingDistricts = {
        url: leeds.pollingDistricts.url,
        publisher: 'Sheffield City Council',
      };
    });
    const { run, downloaded } = watchedRun(root, 'sheffield');
    await expect(run).rejects.toThrow(
      `  - pollingDistricts.url: "${leeds.pollingDistricts.url}" names Leeds (the district of ` +
        "data/areas/leeds/area.json) in its address, so its layer is likely that council's, not " +
        "Sheffield's: give the address of Sheffield's council's polling districts layer, or set " +
        'pollingDistricts to null\n',
    );
    expect(downloaded()).toBe(false);
  });

  it("refuses Sheffield's area.json with Leeds's polling districts and name", async () => {
    const leeds = JSON.parse(
      await readFile(path.join(REPO, 'data', 'areas', 'leeds', 'area.json'), 'utf8'),
    ) as Json;
    await editArea('sheffield', (area) => {
      area.pollingDistricts = leeds.pollingDistricts;
      area.localAuthority.name = 'Leeds';
    });
    const error = (await loadArea('sheffield', { root }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(
      '  - localAuthority.name: "Leeds" is the name of E08000035, the district of ' +
        'data/areas/leeds/area.json, but localAuthority.code is E08000039',
    );
  });
});
