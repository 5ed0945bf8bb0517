// `npm run pipeline -- --area sheffield --offline`: the pipeline run for a second district, from
// its area configuration alone, on the four committed South Yorkshire months. Its kept rows
// and its dropped rows by reason must equal the independent count (tests/support/
// district-count.ts), which shares no code with the pipeline.
import {
  appendFile,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { parse } from 'csv-parse/sync';
import { buffer, featureCollection } from '@turf/turf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, runPipeline, type CliOptions } from '../../pipeline/cli.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';
import type { RunRecord } from '../../pipeline/run-context.ts';
import { siteDataSchema, type SiteData } from '../../src/shared/schema.ts';
import { countDistrictRows, type StreetRow } from '../support/district-count.ts';

const SHEFFIELD = 'data/areas/sheffield';
const ARCHIVE = path.join(SHEFFIELD, 'sample', 'archive');
const WARDS = JSON.parse(
  readFileSync(path.join(SHEFFIELD, 'wards.geojson'), 'utf8'),
) as FeatureCollection<Polygon | MultiPolygon>;
const AREA = JSON.parse(readFileSync(path.join(SHEFFIELD, 'area.json'), 'utf8')) as {
  forceDistricts: string[];
};

/** `--area sheffield --offline --archive-dir <the four months> --out <out>`. */
function sheffieldRun(out: string): CliOptions {
  return { help: false, list: false, offline: true, area: 'sheffield', archiveDir: ARCHIVE, out };
}

let out: string;
let record: RunRecord;
let siteData: SiteData;

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'area-run-'));
  record = await runPipeline(sheffieldRun(out), { reporter: createMemoryReporter(), threads: 1 });
  siteData = siteDataSchema.parse(
    JSON.parse(await readFile(path.join(out, 'site-data.json'), 'utf8')),
  );
}, 120_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/**
 * The month's street rows as the independent count reads them, without the repeats of a
 * Crime ID already read that month (the pipeline drops those as duplicates before locating
 * them); rows without coordinates are never repeats, police.uk's "No Location" rows come first.
 */
function streetRows(month: string): { rows: StreetRow[]; repeats: number } {
  const file = path.join(ARCHIVE, month, `${month}-south-yorkshire-street.csv`);
  const all = parse(readFileSync(file), { columns: true, bom: true }) as (StreetRow & {
    'Crime ID': string;
  })[];
  const seen = new Set<string>();
  const rows: StreetRow[] = [];
  let repeats = 0;
  for (const row of all) {
    const id = row['Crime ID'];
    const located = row.Longitude.trim() !== '' && row.Latitude.trim() !== '';
    if (located && id !== '' && seen.has(id)) {
      repeats++;
      continue;
    }
    if (located && id !== '') seen.add(id);
    rows.push(row);
  }
  return { rows, repeats };
}

describe('runPipeline({ area: "sheffield", offline }) on the four South Yorkshire months', () => {
  it('processes each of the four months from the South Yorkshire files', () => {
    expect(record.months?.map((m) => m.plan.month)).toEqual([
      '2024-01',
      '2024-02',
      '2024-03',
      '2024-04',
    ]);
  });

  it.each(['2024-01', '2024-02', '2024-03', '2024-04'])(
    '%s: keeps the rows the independent count keeps and drops the rest by the same reasons',
    (month) => {
      const m = record.months!.find((x) => x.plan.month === month)!;
      const { rows, repeats } = streetRows(month);
      const count = countDistrictRows(rows, WARDS, {
        district: 'Sheffield',
        forceDistricts: AREA.forceDistricts,
        wardCodeProperty: 'WD20CD',
      });
      expect(m.summary.read).toBe(count.rowsRead + repeats);
      expect(m.summary.kept).toBe(count.kept);
      expect(m.summary.dropped['duplicate']).toBe(repeats);
      expect(m.summary.dropped['no-coordinates']).toBe(count.dropped.noLocation);
      expect(m.summary.dropped['outside-district']).toBe(
        count.dropped.otherDistricts + count.dropped.beyondForce,
      );
      expect(m.drops.outside).toEqual({
        'other-district': count.dropped.otherDistricts,
        'beyond-force': count.dropped.beyondForce,
        elsewhere: 0,
      });
      // Kept by ward too, not only in total.
      const byWard = Object.fromEntries(
        Object.entries(m.summary.wardType).map(([ward, types]) => [
          ward,
          Object.values(types).reduce((a, b) => a + b, 0),
        ]),
      );
      for (const [ward, n] of count.byWard) expect(byWard[ward] ?? 0, ward).toBe(n);
    },
  );

  it("writes site data with Sheffield's 28 wards and its residents", () => {
    expect(siteData.wards).toHaveLength(28);
    const codes = new Set(WARDS.features.map((f) => String(f.properties?.['WD20CD'])));
    expect(new Set(siteData.wards.map((w) => w.code))).toEqual(codes);
    const csv = parse(readFileSync(path.join(SHEFFIELD, 'population-lsoa21.csv')), {
      columns: true,
      bom: true,
    }) as Record<string, string>[];
    const residents = csv.reduce(
      (sum, r) => sum + Number(r['Residence type: Total; measures: Value']),
      0,
    );
    expect(siteData.wards.reduce((sum, w) => sum + w.population, 0)).toBe(residents);
  });

  it('leaves postcode and polling districts out rather than guessing them', () => {
    expect(siteData.quality.coverage.postcodeDistrict).toBe(0);
    expect(siteData.quality.coverage.pollingDistrict).toBe(0);
    expect(record.notes.join('\n')).toMatch(/the area has no polling districts/);
  });

  it('counts the centre ward (Sheffield City) as the centre, from the area configuration', () => {
    const city = siteData.wards.find((w) => w.code === 'E05010862')!;
    expect(city.cityCentreResidents).toBe(city.population);
    for (const w of siteData.wards) if (w !== city) expect(w.cityCentreResidents).toBe(0);
  });

  it('writes the files under the area name, none under Leeds', async () => {
    const files = await readdir(out, { recursive: true });
    expect(files).toContain('sheffield_street_combined.csv');
    expect(files.filter((f) => /leeds/i.test(f))).toEqual([]);
  });
});

describe('npm run pipeline -- --area', () => {
  it('names the areas there are when the area does not exist, and changes nothing', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => void errors.push(line);
    try {
      expect(await main(['--area', 'atlantis', '--offline', '--out', out])).toBe(1);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toMatch(/No area "atlantis".*Areas here: leeds, sheffield/s);
  });
});

describe('runPipeline({ area }) after area.json changes', () => {
  it("processes the months again when the force's districts change, so no count is stale", async () => {
    // A repository of its own: the Sheffield area folder, whose area.json the test edits.
    const root = await mkdtemp(path.join(tmpdir(), 'area-rerun-'));
    try {
      await cp(SHEFFIELD, path.join(root, SHEFFIELD), {
        recursive: true,
        filter: (from) => !from.includes(`${path.sep}output`),
      });
      const run = () =>
        runPipeline(sheffieldRun('out'), { root, reporter: createMemoryReporter(), threads: 1 });
      const cachedMonths = (r: RunRecord) => r.months!.filter((m) => m.cached).length;

      const first = await run();
      expect(cachedMonths(first)).toBe(0);
      expect(cachedMonths(await run())).toBe(4);

      // Without Barnsley among South Yorkshire's districts, its rows are no longer "another
      // district of the force": every month must be counted again.
      const areaFile = path.join(root, SHEFFIELD, 'area.json');
      const config = JSON.parse(await readFile(areaFile, 'utf8')) as { forceDistricts: string[] };
      config.forceDistricts = config.forceDistricts.filter((d) => d !== 'Barnsley');
      await writeFile(areaFile, JSON.stringify(config));
      const edited = await run();
      expect(cachedMonths(edited)).toBe(0);
      const outside = (r: RunRecord, reason: 'other-district' | 'beyond-force') =>
        r.months!.reduce((sum, m) => sum + m.drops.outside[reason], 0);
      const moved = outside(first, 'other-district') - outside(edited, 'other-district');
      expect(moved).toBeGreaterThan(0);
      expect(outside(edited, 'beyond-force') - outside(first, 'beyond-force')).toBe(moved);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 180_000);

  it('says, when area.json lists no force districts, that rows outside are not told apart and what to list', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'area-unlisted-'));
    try {
      await cp(SHEFFIELD, path.join(root, SHEFFIELD), {
        recursive: true,
        filter: (from) => !from.includes(`${path.sep}output`) && !/2024-0[234]/.test(from),
      });
      const areaFile = path.join(root, SHEFFIELD, 'area.json');
      const config = JSON.parse(await readFile(areaFile, 'utf8')) as Record<string, unknown>;
      await writeFile(areaFile, JSON.stringify({ ...config, forceDistricts: null }));
      const run = await runPipeline(sheffieldRun('out'), {
        root,
        reporter: createMemoryReporter(),
        threads: 1,
      });
      // Every row outside Sheffield counts as elsewhere, and the run says why and what to do.
      const outside = run.months![0]!.drops.outside;
      expect(outside['other-district'] + outside['beyond-force']).toBe(0);
      expect(outside.elsewhere).toBeGreaterThan(0);
      expect(run.notes).toContainEqual(
        expect.stringMatching(
          /^data[\\/]areas[\\/]sheffield[\\/]area\.json lists no forceDistricts \(null\), .*: list there every district the force covers/,
        ),
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('runPipeline({ area }) for a district whose name is not its LSOAs\' ("City of Sheffield")', () => {
  // A district can be named otherwise than its LSOAs ("City of Sheffield" has "Sheffield
  // 001A"; ONS's "Kingston upon Hull, City of", "Kingston upon Hull 001A"; a district formed
  // since 2021 has its old districts' names). Sheffield under such a name must keep and drop
  // the same rows as Sheffield. (area.json refuses ONS's sorted form as the name pages say.)
  async function runAs(edit: (config: Record<string, unknown>) => void): Promise<RunRecord> {
    const root = await mkdtemp(path.join(tmpdir(), 'area-lsoa-names-'));
    try {
      await cp(SHEFFIELD, path.join(root, SHEFFIELD), {
        recursive: true,
        filter: (from) => !from.includes(`${path.sep}output`),
      });
      // One crime of a Sheffield LSOA 20 m beyond the outline's northernmost point: kept as
      // Sheffield's (within the edge tolerance) unless its LSOA is taken for another district's.
      const outline = JSON.parse(
        await readFile(path.join(SHEFFIELD, 'outline.geojson'), 'utf8'),
      ) as FeatureCollection<Polygon | MultiPolygon>;
      const { geometry } = outline.features[0]!;
      const positions =
        geometry.type === 'Polygon' ? geometry.coordinates.flat() : geometry.coordinates.flat(2);
      const [lon, lat] = positions.reduce((a, b) => (b[1]! > a[1]! ? b : a));
      const street = path.join(root, ARCHIVE, '2024-01', '2024-01-south-yorkshire-street.csv');
      await appendFile(
        street,
        `edge-crime,2024-01,South Yorkshire Police,South Yorkshire Police,${lon!.toFixed(6)},` +
          `${(lat! + 0.00018).toFixed(6)},On or near Edge Lane,E01008152,Sheffield 001A,` +
          'Burglary,Under investigation,\n',
      );
      const areaFile = path.join(root, SHEFFIELD, 'area.json');
      const config = JSON.parse(await readFile(areaFile, 'utf8')) as Record<string, unknown>;
      edit(config);
      await writeFile(areaFile, JSON.stringify(config));
      return await runPipeline(sheffieldRun('out'), {
        root,
        reporter: createMemoryReporter(),
        threads: 1,
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  const counts = (r: RunRecord) =>
    r.months!.map((m) => ({ month: m.plan.month, kept: m.summary.kept, drops: m.drops.outside }));
  const named = (config: Record<string, unknown>) =>
    (config['localAuthority'] = { code: 'E08000039', name: 'City of Sheffield' });

  /** The run's counts: a run for Sheffield's, with the crime at its edge kept in January. */
  const sheffieldWithEdgeCrime = () =>
    counts(record).map((m) => (m.month === '2024-01' ? { ...m, kept: m.kept + 1 } : m));

  it('takes forceDistricts as the LSOA names start, and keeps the rows a run for Sheffield keeps', async () => {
    expect(counts(await runAs(named))).toEqual(sheffieldWithEdgeCrime());
  }, 120_000);

  it('keeps them with its ONS name listed among the force districts too', async () => {
    const run = await runAs((config) => {
      named(config);
      config['forceDistricts'] = [...AREA.forceDistricts, 'Sheffield, City of'];
    });
    expect(counts(run)).toEqual(sheffieldWithEdgeCrime());
  }, 120_000);

  it("refuses force districts without the district's own LSOA name before the first step, naming it, the file and what to do", async () => {
    const error = (await runAs((config) => {
      named(config);
      config['forceDistricts'] = ['Barnsley', 'Doncaster', 'Rotherham', 'Sheffield, City of'];
    }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(
      `${path.join(SHEFFIELD, 'area.json')} does not fit its LSOAs:\n` +
        '  - forceDistricts: must include "Sheffield", as the names of the district\'s own ' +
        'LSOAs in data/areas/sheffield/lsoa21.geojson start ("Sheffield 001A"); it lists ' +
        '"Barnsley", "Doncaster", "Rotherham", "Sheffield, City of"\n' +
        "Add them: police.uk names a row's district by its LSOA's name.",
    );
  }, 120_000);
});

describe('runPipeline({ area }) with an outline bigger than its wards', () => {
  it('stops at the first crime in the outline far from every ward, naming both files, and publishes nothing', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'area-outline-'));
    try {
      await cp(SHEFFIELD, path.join(root, SHEFFIELD), {
        recursive: true,
        filter: (from) => !from.includes(`${path.sep}output`) && !/2024-0[234]/.test(from),
      });
      // Sheffield's outline grown by 2 km: it takes in parts of Rotherham, Barnsley and the
      // Peak District that no Sheffield ward holds. With no force districts listed, the LSOA
      // names do not drop their crimes first.
      const outlineFile = path.join(root, SHEFFIELD, 'outline.geojson');
      const outline = JSON.parse(await readFile(outlineFile, 'utf8')) as FeatureCollection<
        Polygon | MultiPolygon
      >;
      const grown = buffer(outline.features[0]!, 2, { units: 'kilometers' })!;
      await writeFile(outlineFile, JSON.stringify(featureCollection([grown])));
      const areaFile = path.join(root, SHEFFIELD, 'area.json');
      const config = JSON.parse(await readFile(areaFile, 'utf8')) as Record<string, unknown>;
      await writeFile(areaFile, JSON.stringify({ ...config, forceDistricts: null }));
      const error = (await runPipeline(sheffieldRun('out'), {
        root,
        reporter: createMemoryReporter(),
        threads: 1,
      }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(
        /sheffield[\\/]outline\.geojson: holds the crime location -?[\d.]+, [\d.]+, \d+ m from the nearest ward of \S*sheffield[\\/]wards\.geojson \(at most 100 m\): the outline and the wards do not cover the same district/,
      );
      expect(error.message).toMatch(/npm run area-reference -- <slug>/);
      await expect(readdir(path.join(root, 'out'))).resolves.not.toContain('site-data.json');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('runPipeline({ area }) with a centre of postcode districts the postcode file lacks', () => {
  it('stops before any month is read, naming area.json, each district and the file', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'area-centre-run-'));
    try {
      await mkdir(path.join(root, 'data', 'areas', 'leeds'), { recursive: true });
      await symlink(path.resolve('data', 'reference'), path.join(root, 'data', 'reference'));
      const area = JSON.parse(await readFile('data/areas/leeds/area.json', 'utf8')) as Record<
        string,
        unknown
      >;
      // LS30 is no Leeds district: a typo for LS3, or another area's.
      area['centre'] = {
        kind: 'postcode-districts',
        label: 'city centre',
        districts: ['LS2', 'LS30'],
      };
      await writeFile(path.join(root, 'data', 'areas', 'leeds', 'area.json'), JSON.stringify(area));
      const reporter = createMemoryReporter();
      const options: CliOptions = {
        help: false,
        list: false,
        offline: true,
        area: 'leeds',
        archiveDir: path.resolve('data', 'sample', 'archive'),
        out: path.join(root, 'out'),
      };
      await expect(runPipeline(options, { root, reporter, threads: 1 })).rejects.toThrow(
        'data/areas/leeds/area.json does not fit its postcodes file:\n' +
          '  - centre.districts: LS30 has no located postcode in data/reference/postcodes-ls.csv, ' +
          'so the centre would have none of its residents\n' +
          'List postcode districts the file has.',
      );
      await expect(readFile(path.join(root, 'out', 'site-data.json'))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 120_000);
});
