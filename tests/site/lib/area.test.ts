// A build whose area's ward boundaries are missing stops naming the file and how to get it
// back, not on a bare ENOENT. Each test builds in a scratch folder holding the area's
// configuration (the build reads its files from the working folder), without that file.
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
