// npm run area-reference on a copy of the Sheffield area: what a failure leaves behind.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  it('refuses a slug that is not an area name before reading anything', () => {
    const { status, stderr } = areaReference(['../sheffield', '--nomis', 'missing-ts001.csv']);
    expect(status).toBe(1);
    expect(stderr).toContain('"../sheffield" is not an area name');
  });
});
