// Reads the reference folder (data/reference/) whole and checks that its files agree: every
// LSOA polygon has a population and every population row a polygon.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  parseLsoas,
  parseOutline,
  parsePopulation,
  parsePostcodes,
  parseWards,
  REFERENCE_FILES,
  ReferenceDataError,
  type Geography,
} from './reference.ts';

async function readReference(
  referenceDir: string,
  name: string,
): Promise<{ text: string; file: string }> {
  const file = path.join(referenceDir, name);
  try {
    return { text: await readFile(file, 'utf8'), file };
  } catch (error) {
    throw new ReferenceDataError(file, 'cannot be read', { cause: error });
  }
}

/**
 * Read and check the reference geography. Besides each file's own shape, checks that every
 * LSOA polygon has a population and every population row has a polygon.
 */
export async function loadGeography(referenceDir = 'data/reference'): Promise<Geography> {
  const [wards, lsoas, outline, postcodes, population] = await Promise.all([
    readReference(referenceDir, REFERENCE_FILES.wards),
    readReference(referenceDir, REFERENCE_FILES.lsoas),
    readReference(referenceDir, REFERENCE_FILES.outline),
    readReference(referenceDir, REFERENCE_FILES.postcodes),
    readReference(referenceDir, REFERENCE_FILES.population),
  ]);
  const parsedPostcodes = parsePostcodes(postcodes.text, postcodes.file);
  const geography: Geography = {
    wards: parseWards(wards.text, wards.file),
    lsoas: parseLsoas(lsoas.text, lsoas.file),
    outline: parseOutline(outline.text, outline.file),
    postcodes: parsedPostcodes.postcodes,
    postcodesWithoutLocation: parsedPostcodes.withoutLocation,
    population: parsePopulation(population.text, population.file),
  };
  const lsoaCodes = new Set(geography.lsoas.map((lsoa) => lsoa.code));
  const withoutPopulation = [...lsoaCodes].filter((code) => !geography.population.has(code));
  if (withoutPopulation.length > 0) {
    throw new ReferenceDataError(
      population.file,
      `has no row for ${withoutPopulation.length} LSOA(s) of ${lsoas.file}, e.g. ${withoutPopulation.slice(0, 3).join(', ')}`,
    );
  }
  const withoutPolygon = [...geography.population.keys()].filter((code) => !lsoaCodes.has(code));
  if (withoutPolygon.length > 0) {
    throw new ReferenceDataError(
      population.file,
      `has ${withoutPolygon.length} LSOA(s) missing from ${lsoas.file}, e.g. ${withoutPolygon.slice(0, 3).join(', ')}`,
    );
  }
  return geography;
}
