// The pipeline's files a build serves (the map's data and the downloads), from public/ for the
// default area or an area's data folder: one missing stops the build naming it and the
// command that makes it, not on a bare ENOENT (or, for the default area, not at all).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchBuild } from '../../support/scratch-build.ts';

const SERVED = ['map-data.bin.gz', 'wards.geojson', 'postcodes.json', 'downloads'];
const buildIn = scratchBuild('area-public-');

/**
 * src/lib/area-public.ts as a build for `area` loads it, working in a copy of the
 * repository's public/ and `area`'s area.json, with `dataDir` (if any) copied to data/out.
 */
async function publicFor(area: string, dataDir?: string) {
  await buildIn(area, [
    'public',
    ...(dataDir === undefined ? [] : [[dataDir, 'data/out'] as const]),
  ]);
  return import('../../../src/lib/area-public.ts');
}

describe('areaPublicDir(slug, dataDir)', () => {
  it.each(SERVED)(
    'fails naming %s when the data folder has none, and the command that makes it',
    async (name) => {
      const { areaPublicDir } = await publicFor('sheffield', 'data/areas/sheffield/output');
      await rm(path.join('data', 'out', name), { recursive: true });
      expect(() => areaPublicDir('sheffield', path.join('data', 'out'))).toThrow(
        `${path.join('data', 'out', name)} is missing. Run \`npm run pipeline -- --area ` +
          'sheffield --offline` to make it (or set AREA_DATA_DIR to a --out folder).',
      );
    },
  );

  it("serves the data folder's files when they are all there", async () => {
    const { areaPublicDir } = await publicFor('sheffield', 'data/areas/sheffield/output');
    const served = areaPublicDir('sheffield', path.join('data', 'out'));
    expect(served).toBe(path.resolve('.astro', 'area-public', 'sheffield'));
  });
});

describe('defaultPublicDir()', () => {
  it.each([...SERVED.slice(0, 3).map((name) => path.join('data', name)), 'downloads'])(
    'fails naming public/%s when it is missing, and the command that makes it',
    async (name) => {
      const { defaultPublicDir } = await publicFor('leeds');
      await rm(path.join('public', name), { recursive: true });
      expect(() => defaultPublicDir()).toThrow(
        `${path.join('public', name)} is missing. Run \`npm run pipeline -- --offline\` to rebuild it.`,
      );
    },
  );

  it('is public/ when every file is there', async () => {
    const { defaultPublicDir } = await publicFor('leeds');
    expect(defaultPublicDir()).toBe('./public');
  });
});
