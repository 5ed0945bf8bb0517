// Makes the reference files of an area that are derived rather than copied: the district
// outline (its wards dissolved) and the Census 2021 residents of its LSOAs (from Nomis's
// England-and-Wales TS001 download). Reads the area's wards and LSOAs as area.json names them.
//
//   node pipeline/area-reference-cli.ts <slug> --nomis <TS001 CSV from Nomis>
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { parseArea } from '../src/shared/area.ts';
import { AREA_FILE, AREAS_DIR } from './area.ts';
import { dissolveWards } from './district-outline.ts';
import { districtPopulationCsv, parseNomisResidents } from './nomis-population.ts';
import { writeFileAtomic } from './write.ts';

const USAGE =
  'usage: node pipeline/area-reference-cli.ts <slug> --nomis <TS001 LSOA CSV from Nomis>';

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot be read as JSON`, { cause: error });
  }
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { nomis: { type: 'string' } },
  });
  const [slug] = positionals;
  if (slug === undefined || values.nomis === undefined) throw new Error(USAGE);
  const areaFile = path.join(AREAS_DIR, slug, AREA_FILE);
  const area = parseArea(await readJson(areaFile), areaFile);

  const wards = (await readJson(area.boundaries.wards.file)) as FeatureCollection<
    Polygon | MultiPolygon
  >;
  const outline = dissolveWards(wards, area.localAuthority);
  await writeFileAtomic(
    area.boundaries.outline.file,
    `${JSON.stringify({ type: 'FeatureCollection', features: [outline] })}\n`,
  );

  const lsoas = (await readJson(area.boundaries.lsoas.file)) as FeatureCollection;
  const codes = lsoas.features.map((f) =>
    String(f.properties?.[area.boundaries.lsoas.codeProperty]),
  );
  const rows = parseNomisResidents(await readFile(values.nomis, 'utf8'), values.nomis);
  await writeFileAtomic(area.population.file, districtPopulationCsv(rows, codes, values.nomis));
  console.log(
    `${area.localAuthority.name}: wrote ${area.boundaries.outline.file} (${wards.features.length} wards) ` +
      `and ${area.population.file} (${codes.length} LSOAs)`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
