// Makes the reference files of an area that are derived rather than copied: the district
// outline (its wards dissolved) and the Census 2021 residents of its LSOAs (from Nomis's
// England-and-Wales TS001 download). Reads the area's wards and LSOAs as area.json names them.
//
//   npm run area-reference -- <slug> --nomis <TS001 CSV from Nomis>
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { DEBUG_ENV, runCommand } from './command-failure.ts';
import { logSafe, logSafeJson } from './log-safe.ts';
import { readAreaConfig } from './area.ts';
import { helpText, parseCommandArgs, stringValue, UsageError, type CommandSpec } from './args.ts';
import { dissolveWards } from './district-outline.ts';
import { districtPopulationCsv, NOMIS_COLUMNS, parseNomisResidents } from './nomis-population.ts';
import { writeFileAtomic } from './write.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export const AREA_REFERENCE_COMMAND: CommandSpec = {
  command: 'npm run area-reference --',
  usage: '<slug> --nomis FILE',
  summary:
    "Write an area's derived reference files: the district outline (its wards dissolved)\n" +
    "and the Census 2021 residents of its LSOAs, from Nomis's TS001 download.",
  options: {
    nomis: {
      type: 'string',
      value: 'FILE',
      description: "Nomis's England-and-Wales TS001 (usual residents) CSV by LSOA 2021",
    },
  },
  env: { ...DEBUG_ENV },
  exitCodes: {
    0: 'the files were written',
    1:
      'a file could not be read or checked, and neither file was written; or a write failed, ' +
      'which may leave the outline new and the residents file as it was: run it again',
    2: 'usage error',
  },
  positionals: true,
};

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot be read as JSON (${errorMessage(error)})`, { cause: error });
  }
}

async function main(): Promise<void> {
  const args = parseCommandArgs(AREA_REFERENCE_COMMAND, process.argv.slice(2));
  if (args.help) {
    process.stdout.write(helpText(AREA_REFERENCE_COMMAND));
    return;
  }
  const [slug] = args.positionals;
  const nomis = stringValue(args, 'nomis');
  if (slug === undefined || nomis === undefined) {
    throw new UsageError('give the area and the Nomis file: <slug> --nomis FILE (see --help)');
  }
  const area = await readAreaConfig(slug);
  // The columns area.json names, so the run reads the file it wrote.
  const columns = { code: area.population.codeColumn, value: area.population.valueColumn };
  if (columns.code === columns.value) {
    throw new Error(
      `data/areas/${slug}/area.json: population.codeColumn and population.valueColumn are both ` +
        `${JSON.stringify(columns.code)}: name the LSOA code's column and the residents' column ` +
        `apart, e.g. ${JSON.stringify(NOMIS_COLUMNS.code)} and ${JSON.stringify(NOMIS_COLUMNS.value)}`,
    );
  }

  const wards = (await readJson(area.boundaries.wards.file)) as FeatureCollection<
    Polygon | MultiPolygon
  >;
  const outline = dissolveWards(wards, area.localAuthority);

  const lsoas = (await readJson(area.boundaries.lsoas.file)) as FeatureCollection;
  const codes = lsoas.features.map((f) =>
    String(f.properties?.[area.boundaries.lsoas.codeProperty]),
  );
  let nomisText: string;
  try {
    nomisText = await readFile(nomis, 'utf8');
  } catch (error) {
    throw new Error(
      `${nomis}: cannot read the Nomis file (${errorMessage(error)}): give --nomis the TS001 (usual residents) CSV by LSOA 2021 for England and Wales`,
      { cause: error },
    );
  }
  const rows = parseNomisResidents(nomisText, nomis);
  const population = districtPopulationCsv(rows, codes, nomis, columns);
  // Both files are made before either is written, so a bad Nomis file leaves the old pair.
  await writeFileAtomic(
    area.boundaries.outline.file,
    `${JSON.stringify({ type: 'FeatureCollection', features: [outline] })}\n`,
  );
  await writeFileAtomic(area.population.file, population);
  const result = {
    area: slug,
    outline: area.boundaries.outline.file,
    wards: wards.features.length,
    population: area.population.file,
    lsoas: codes.length,
  };
  if (args.json) process.stdout.write(`${logSafeJson(JSON.stringify(result))}\n`);
  else if (!args.quiet) {
    console.log(
      logSafe(
        `${area.localAuthority.name}: wrote ${result.outline} (${result.wards} wards) ` +
          `and ${result.population} (${result.lsoas} LSOAs)`,
      ),
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCommand('area-reference', main, (error) => (error instanceof UsageError ? 2 : 1));
}
