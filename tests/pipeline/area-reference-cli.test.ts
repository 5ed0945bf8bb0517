// npm run area-reference on a copy of the Sheffield area: what a failure leaves behind.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadArea } from '../../pipeline/area.ts';
import { readPopulation } from '../support/ons-replay.ts';
import { runScript } from '../support/run-script.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(REPO, 'pipeline', 'area-reference-cli.ts');

let root: string;
const areaPath = (file: string) => path.join(root, 'data', 'areas', 'sheffield', file);

/** The command run from `root`, where area.json's relative paths point. */
function areaReference(args: readonly string[]) {
  return runScript(SCRIPT, args, { cwd: root });
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'area-reference-'));
  await cp(path.join(REPO, 'data', 'areas', 'sheffield'), path.join(root, 'data/areas/sheffield'), {
    recursive: true,
    filter: (source) => !source.includes(`${path.sep}sample`),
  });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run area-reference -- <slug> --nomis FILE', () => {
  it('fails naming the Nomis file it cannot read, and leaves both derived files as they were', async () => {
    await writeFile(areaPath('outline.geojson'), 'the previous outline\n');
    await writeFile(areaPath('population-lsoa21.csv'), 'the previous population\n');
    const { status, stderr } = areaReference(['sheffield', '--nomis', 'missing-ts001.csv']);
    expect(status).toBe(1);
    expect(stderr).toContain(
      "missing-ts001.csv: cannot read the Nomis file (ENOENT: no such file or directory, open 'missing-ts001.csv'): give --nomis the TS001",
    );
    expect(await readFile(areaPath('outline.geojson'), 'utf8')).toBe('the previous outline\n');
    expect(await readFile(areaPath('population-lsoa21.csv'), 'utf8')).toBe(
      'the previous population\n',
    );
  });

  it('says why a boundary file cannot be read: missing, or not JSON', async () => {
    const area = JSON.parse(await readFile(areaPath('area.json'), 'utf8')) as {
      boundaries: { wards: { file: string } };
    };
    const wards = area.boundaries.wards.file;
    await rm(path.join(root, wards));
    const missing = areaReference(['sheffield', '--nomis', 'ts001.csv']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(
      `area-reference: ${wards}: cannot be read as JSON (ENOENT: no such file or directory, open '${wards}')\n`,
    );
    await writeFile(path.join(root, wards), '{"type": "FeatureCollection",');
    const broken = areaReference(['sheffield', '--nomis', 'ts001.csv']);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(
      new RegExp(`^area-reference: ${wards}: cannot be read as JSON \\(.*JSON.*\\)\\n$`),
    );
  });

  /**
   * Sheffield's committed residents as Nomis's England-and-Wales TS001 download has them: notes,
   * a blank line, the header, a blank line, the rows, a blank line and a footer.
   */
  async function nomisDownload(): Promise<string> {
    const rows = [...readPopulation('data/areas/sheffield/population-lsoa21.csv')].map(
      ([code, [name, residents]]) => `"${name}","${code}",${residents}`,
    );
    const file = path.join(root, 'ts001.csv');
    await writeFile(
      file,
      [
        '"TS001 - Number of usual residents in households and communal establishments",,',
        '',
        '"2021 super output area - lower layer","mnemonic","2021"',
        '',
        ...rows,
        '',
        '"Source: ONS Crown Copyright Reserved"',
      ].join('\r\n'),
    );
    return file;
  }

  /** Sheffield's area.json with population's columns set to `columns`. */
  async function withPopulationColumns(columns: { codeColumn: string; valueColumn: string }) {
    const file = areaPath('area.json');
    const area = JSON.parse(await readFile(file, 'utf8')) as { population: object };
    area.population = { ...area.population, ...columns };
    await writeFile(file, JSON.stringify(area));
  }

  it.each([
    ['other names', { codeColumn: 'LSOA21CD', valueColumn: 'residents' }],
    ['the name column taken for the code', { codeColumn: 'geography', valueColumn: 'persons' }],
    [
      'the default names',
      { codeColumn: 'geography code', valueColumn: 'Residence type: Total; measures: Value' },
    ],
  ])(
    'writes the population with the columns area.json names (%s), so the run reads it',
    async (_which, columns) => {
      await withPopulationColumns(columns);
      const { status, stderr } = areaReference(['sheffield', '--nomis', await nomisDownload()]);
      expect(stderr).toBe('');
      expect(status).toBe(0);
      // The run's own check of the file against area.json, before any month is read.
      await expect(loadArea('sheffield', { root })).resolves.toBeDefined();
      const written = parse(await readFile(areaPath('population-lsoa21.csv'), 'utf8'), {
        columns: true,
      }) as Record<string, string>[];
      const committed = readPopulation('data/areas/sheffield/population-lsoa21.csv');
      expect(written).toHaveLength(committed.size);
      for (const row of written) {
        expect(Number(row[columns.valueColumn])).toBe(committed.get(row[columns.codeColumn]!)?.[1]);
      }
    },
  );

  it('refuses one column named for both the code and the residents, writing nothing', async () => {
    await withPopulationColumns({ codeColumn: 'LSOA21CD', valueColumn: 'LSOA21CD' });
    const before = await readFile(areaPath('population-lsoa21.csv'), 'utf8');
    const { status, stderr } = areaReference(['sheffield', '--nomis', await nomisDownload()]);
    expect(status).toBe(1);
    expect(stderr).toContain(
      'data/areas/sheffield/area.json: population.codeColumn and population.valueColumn are both "LSOA21CD"',
    );
    expect(await readFile(areaPath('population-lsoa21.csv'), 'utf8')).toBe(before);
  });

  it('refuses a slug that is not an area name before reading anything', () => {
    const { status, stderr } = areaReference(['../sheffield', '--nomis', 'missing-ts001.csv']);
    expect(status).toBe(1);
    expect(stderr).toContain('"../sheffield" is not an area name');
  });
});
