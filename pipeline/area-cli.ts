// Adds a district of England and Wales as an area, from ONS's open geography services and
// Nomis (pipeline/add-area.ts):
//
//   npm run area -- add E08000039 --force south-yorkshire
//   npm run area -- add E08000039 --force south-yorkshire \
//     --postcodes ONSPD_Online_Latest_Centroids --postcode-district-field LAD25CD
import { pathToFileURL } from 'node:url';
import { addArea } from './add-area.ts';
import { helpText, parseCommandArgs, stringValue, UsageError, type CommandSpec } from './args.ts';
import { DEBUG_ENV, runCommand } from './command-failure.ts';
import { logSafe, logSafeJson } from './log-safe.ts';
import { checkedBaseUrl } from './sources/config.ts';
import { HttpClient } from './sources/http.ts';
import { NOMIS_API_BASE_URL } from './sources/nomis.ts';
import type { PostcodeSource } from './sources/ons-postcodes.ts';
import {
  DEFAULT_ONS_SERVICES,
  ONS_GEOGRAPHY_BASE_URL,
  type OnsServices,
} from './sources/ons-geography.ts';
import { formatCount } from '../src/shared/format-count.ts';

const ENV = {
  ons: 'ONS_GEOGRAPHY_BASE_URL',
  nomis: 'NOMIS_API_BASE_URL',
} as const;

/** The option that names each ONS service, e.g. --ward-lookup WD24_LAD24_UK_LU. */
const SERVICE_OPTIONS: Record<keyof OnsServices, string> = {
  wardLookup: 'ward-lookup',
  wards: 'wards',
  lsoaLookup: 'lsoa-lookup',
  lsoas: 'lsoas',
  districts: 'districts',
};

const SERVICE_DESCRIPTIONS: Record<keyof OnsServices, string> = {
  wardLookup: 'the ward-to-district lookup service',
  wards: "the ward boundaries service, of the lookup's ward vintage",
  lsoaLookup: 'the LSOA 2021-to-district lookup service',
  lsoas: 'the LSOA 2021 boundaries service',
  districts: 'the district boundaries service',
};

export const AREA_COMMAND: CommandSpec = {
  command: 'npm run area --',
  usage: 'add <LAD code> --force SLUG [options]',
  summary:
    'Add a district of England and Wales as an area: fetch its wards, LSOA 2021 and outline\n' +
    'from the ONS Open Geography Portal and its Census 2021 residents by LSOA (TS001) from\n' +
    'Nomis, and its live postcodes from the ONS Postcode Directory when --postcodes names its\n' +
    'service, check them, and write data/areas/<slug>/ with area.json and ATTRIBUTION.md.\n' +
    'Nothing is written unless every file is fetched and checked.',
  options: {
    force: {
      type: 'string',
      value: 'SLUG',
      description:
        'the territorial police force as police.uk names its files, e.g. south-yorkshire (btp is added)',
    },
    slug: {
      type: 'string',
      value: 'SLUG',
      description: "the area's name (default: the district's name, e.g. sheffield)",
    },
    replace: {
      type: 'boolean',
      description:
        "fetch an area that is already there again: its reference files are replaced; the rest of its folder (months, output, caches) and area.json's hand-set fields are kept",
    },
    postcodes: {
      type: 'string',
      value: 'SERVICE',
      description:
        "the ONS Postcode Directory's feature service on the Portal, e.g. ONSPD_Online_Latest_Centroids " +
        '(default: none, and area.json has no postcodes)',
    },
    'postcode-district-field': {
      type: 'string',
      value: 'FIELD',
      description:
        "that service's field of local-authority district codes, named after their vintage, e.g. LAD25CD " +
        '(needed with --postcodes)',
    },
    ...Object.fromEntries(
      Object.entries(SERVICE_OPTIONS).map(([key, option]) => [
        option,
        {
          type: 'string',
          value: 'SERVICE',
          description: `${SERVICE_DESCRIPTIONS[key as keyof OnsServices]} (default ${DEFAULT_ONS_SERVICES[key as keyof OnsServices]})`,
        },
      ]),
    ),
  },
  env: {
    [ENV.ons]: `the Portal's services root (default ${ONS_GEOGRAPHY_BASE_URL})`,
    [ENV.nomis]: `the Nomis API root (default ${NOMIS_API_BASE_URL})`,
    ...DEBUG_ENV,
  },
  exitCodes: {
    0: 'the area was written',
    1:
      'a fetch, a check or a write failed: nothing was written (data/areas/ is as it was); or, ' +
      "with --replace, once the new area was in place, moving the old area's other files into " +
      'it failed: they are left in data/areas/SLUG.replaced, which the next run of this command ' +
      'moves over',
    2: 'usage error',
  },
  positionals: true,
};

async function main(): Promise<void> {
  const args = parseCommandArgs(AREA_COMMAND, process.argv.slice(2));
  if (args.help) {
    process.stdout.write(helpText(AREA_COMMAND));
    return;
  }
  const [action, districtCode, ...rest] = args.positionals;
  if (action !== 'add' || districtCode === undefined || rest.length > 0) {
    throw new UsageError(
      'expected: add <LAD code> --force SLUG, e.g. add E08000039 --force south-yorkshire (see --help)',
    );
  }
  const force = stringValue(args, 'force');
  if (force === undefined) {
    throw new UsageError(
      'give the police force whose files hold the district: --force SLUG, e.g. --force south-yorkshire (see --help)',
    );
  }
  const services = Object.fromEntries(
    Object.entries(SERVICE_OPTIONS).map(([key, option]) => [
      key,
      stringValue(args, option) ?? DEFAULT_ONS_SERVICES[key as keyof OnsServices],
    ]),
  ) as unknown as OnsServices;
  const log = args.quiet || args.json ? () => {} : (line: string) => console.error(logSafe(line));
  const slug = stringValue(args, 'slug');
  const postcodes = postcodeSource(
    stringValue(args, 'postcodes'),
    stringValue(args, 'postcode-district-field'),
  );
  const result = await addArea({
    districtCode,
    force,
    ...(slug !== undefined ? { slug } : {}),
    replace: args.values['replace'] === true,
    client: new HttpClient({ log }),
    onsBaseUrl: checkedBaseUrl(
      ENV.ons,
      process.env[ENV.ons] ?? ONS_GEOGRAPHY_BASE_URL,
      ONS_GEOGRAPHY_BASE_URL,
    ),
    nomisBaseUrl: checkedBaseUrl(
      ENV.nomis,
      process.env[ENV.nomis] ?? NOMIS_API_BASE_URL,
      NOMIS_API_BASE_URL,
    ),
    services,
    ...(postcodes !== undefined ? { postcodes } : {}),
    log,
  });
  if (args.json) process.stdout.write(`${logSafeJson(JSON.stringify(result))}\n`);
  else if (!args.quiet) {
    console.log(
      logSafe(
        `${result.district.name} (${result.district.code}): wrote ${result.dir}/ with ${result.wards} wards, ` +
          `${result.lsoas} LSOAs, ${formatCount(result.residents)} residents` +
          (postcodes === undefined
            ? ' and no postcodes (no --postcodes)'
            : ` and ${formatCount(result.postcodes)} postcodes`),
      ),
    );
  }
}

/** The postcode source of --postcodes and --postcode-district-field: both or neither. */
function postcodeSource(
  service: string | undefined,
  districtField: string | undefined,
): PostcodeSource | undefined {
  if (service === undefined && districtField === undefined) return undefined;
  if (service === undefined || districtField === undefined) {
    throw new UsageError(
      'give --postcodes SERVICE and --postcode-district-field FIELD together, e.g. ' +
        '--postcodes ONSPD_Online_Latest_Centroids --postcode-district-field LAD25CD (see --help)',
    );
  }
  if (!/^[\w.-]+$/.test(service)) {
    throw new UsageError(
      `--postcodes ${JSON.stringify(service)} is not a service name: give one like ONSPD_Online_Latest_Centroids`,
    );
  }
  if (!/^\w+$/.test(districtField)) {
    throw new UsageError(
      `--postcode-district-field ${JSON.stringify(districtField)} is not a field name: give one like LAD25CD`,
    );
  }
  return { service, districtField };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCommand('area', main, (error) => (error instanceof UsageError ? 2 : 1));
}
