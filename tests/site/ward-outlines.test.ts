// The report pages' ward outlines are drawn on the built area's own projection: AREA=sheffield
// draws Sheffield's wards true at its latitude (53.4° N), not at Leeds's (53.8° N).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PolygonGeometry } from '../../src/shared/geometry.ts';
import { projectionAt } from '../../src/shared/projection.ts';
import { geometrySvgPath } from '../../src/shared/svg-path.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

/** src/lib/ward-outlines.ts as a build for `area` loads it. */
async function outlinesFor(area: string) {
  vi.stubEnv('AREA', area);
  vi.resetModules();
  return import('../../src/lib/ward-outlines.ts');
}

function firstWard(
  file: string,
  codeProperty: string,
): { code: string; geometry: PolygonGeometry } {
  const [ward] = (
    JSON.parse(readFileSync(file, 'utf8')) as {
      features: { properties: Record<string, string>; geometry: PolygonGeometry }[];
    }
  ).features;
  return { code: ward!.properties[codeProperty]!, geometry: ward!.geometry };
}

describe('wardOutline(code, neighbours) for the built area', () => {
  it.each([
    { area: 'sheffield', file: 'data/areas/sheffield/wards.geojson', code: 'WD20CD', own: 53.4 },
    { area: 'leeds', file: 'data/reference/wards.geojson', code: 'WD25CD', own: 53.8 },
  ])("draws $area's wards on its own projection ($own° N)", async ({ area, file, code, own }) => {
    const { wardOutline, OUTLINE_SIZE } = await outlinesFor(area);
    const ward = firstWard(file, code);
    const drawn = wardOutline(ward.code, []).ward;
    const on = (latitude: number) =>
      geometrySvgPath(ward.geometry, ward.geometry, OUTLINE_SIZE, projectionAt(latitude));
    expect(drawn).toBe(on(own));
    // The other district's latitude draws it differently: the test tells the two apart.
    expect(drawn).not.toBe(on(own === 53.4 ? 53.8 : 53.4));
  });
});
