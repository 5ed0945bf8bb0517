import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGeography } from '../../pipeline/geo.ts';
import {
  cachedGeographyOutputs,
  geographyOutputsKey,
  type GeographyOutputs,
} from '../../pipeline/geography-outputs.ts';
import { buildWardShapes } from '../../pipeline/map-data.ts';
import { LEEDS_CENTRE } from '../../pipeline/population.ts';
import { buildPostcodeIndex } from '../../pipeline/postcode-index.ts';
import { AREA_WORDS } from '../../src/lib/area.ts';
import { buildWards } from '../../pipeline/wards.ts';
import type { Ward } from '../../src/shared/schema.ts';

let dir: string;
let wards: Ward[];
let outputs: GeographyOutputs;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'geography-outputs-test-'));
  const geo = await loadGeography('data/reference');
  wards = buildWards(geo, LEEDS_CENTRE);
  outputs = {
    shapes: buildWardShapes(geo.wards, wards, 2025, 'data/reference/wards.geojson'),
    postcodes: buildPostcodeIndex(
      geo.postcodes,
      geo.wards,
      wards,
      geo.projection,
      AREA_WORDS.postcodeYear,
      2025,
    ),
  };
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A build that counts its calls. */
function counted() {
  const build = () => {
    build.calls += 1;
    return outputs;
  };
  build.calls = 0;
  return build;
}

describe('cachedGeographyOutputs(file, key, build)', () => {
  it('builds the outputs once and returns the saved ones, the same, under the same key', async () => {
    const file = path.join(dir, 'same.json');
    const key = geographyOutputsKey('reference-a', wards, 2018, 2025);
    const build = counted();
    expect(await cachedGeographyOutputs(file, key, build)).toEqual(outputs);
    expect(await cachedGeographyOutputs(file, key, build)).toEqual(outputs);
    expect(build.calls).toBe(1);
  });

  it('builds them again for another geography, other wards or another postcode or boundaries year, or when the file is damaged', async () => {
    const file = path.join(dir, 'other.json');
    const build = counted();
    await cachedGeographyOutputs(
      file,
      geographyOutputsKey('reference-a', wards, 2018, 2025),
      build,
    );
    await cachedGeographyOutputs(
      file,
      geographyOutputsKey('reference-b', wards, 2018, 2025),
      build,
    );
    expect(build.calls).toBe(2);
    const renamed = wards.map((w, i) => (i === 0 ? { ...w, name: `${w.name} Village` } : w));
    await cachedGeographyOutputs(
      file,
      geographyOutputsKey('reference-b', renamed, 2018, 2025),
      build,
    );
    expect(build.calls).toBe(3);
    // Another year of the postcode list's notices (area.json, not a reference file).
    await cachedGeographyOutputs(
      file,
      geographyOutputsKey('reference-b', renamed, 2026, 2025),
      build,
    );
    expect(build.calls).toBe(4);
    // Another year of the boundaries' OS notice, which the ward outlines carry.
    await cachedGeographyOutputs(
      file,
      geographyOutputsKey('reference-b', renamed, 2026, 2026),
      build,
    );
    expect(build.calls).toBe(5);
    await writeFile(file, '{"key":');
    const key = geographyOutputsKey('reference-b', renamed, 2026, 2026);
    expect(await cachedGeographyOutputs(file, key, build)).toEqual(outputs);
    expect(build.calls).toBe(6);
  });
});
