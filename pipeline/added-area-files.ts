// The files of an added area that are written, not fetched: its area.json (areaConfig) and
// its ATTRIBUTION.md (attribution), from the district's fetched outline, its postcodes when a
// postcode source was given, and the services that answered.
import { bbox } from '@turf/bbox';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { ENGLAND_AND_WALES, type AreaConfig, type AreaConfigInput } from '../src/shared/area.ts';
import { ukDay } from '../src/shared/uk-date.ts';
import { districtMiddle } from './district-middle.ts';
import { POPULATION_COLUMNS } from './nomis-population.ts';
import { TS001_DATASET } from './sources/nomis.ts';
import type { OnsServices } from './sources/ons-geography.ts';
import type { PostcodeSource } from './sources/ons-postcodes.ts';

/** The reference files of an area, named as in data/areas/sheffield/. */
export const AREA_FILES = {
  wards: 'wards.geojson',
  lsoas: 'lsoa21.geojson',
  outline: 'outline.geojson',
  population: 'population-lsoa21.csv',
  postcodes: 'postcodes.csv',
  attribution: 'ATTRIBUTION.md',
} as const;

/** British Transport Police: its file holds crimes on the railway in every district. */
export const BTP = 'btp';
/** The map's first view fits the district in about this many pixels across. */
const MAP_FIT_PX = 600;
/** Leaflet's tiles are 256 px: zoom z shows 360° of longitude in 256 × 2^z px. */
const TILE_PX = 256;
/** URL centres may fall this far (in degrees) outside the district's box. */
const MAP_BOUNDS_MARGIN = 0.25;

export interface AreaConfigParts {
  slug: string;
  district: { code: string; name: string };
  force: string;
  fields: { wardCode: string; wardName: string };
  outline: Feature<Polygon | MultiPolygon>;
  relative: (file: string) => string;
  /** The postcode district pages give as an example, when postcodes were fetched; else none. */
  postcodeExample: string | null;
  /** When the list was fetched: its notices' year (postcodes.copyrightYear), as ATTRIBUTION.md's. */
  now: Date;
}

/**
 * area.json for a fetched district: its postcodes when they were fetched, no polling
 * districts or centre (those are added by hand where a district has them); the map starts
 * on the district's outline, and its centre (the middle of the district, inside it:
 * districtMiddle) is also the latitude distances are measured about (areaProjection).
 */
export function areaConfig(parts: AreaConfigParts): AreaConfigInput {
  const [west, south, east, north] = bbox(parts.outline);
  const span = Math.max(east - west, (north - south) * 1.6);
  const zoom = Math.min(
    18,
    Math.max(5, Math.floor(Math.log2((MAP_FIT_PX * 360) / (TILE_PX * span)))),
  );
  const round = (value: number, digits: number, how: (x: number) => number) =>
    how(value * 10 ** digits) / 10 ** digits;
  return {
    slug: parts.slug,
    siteName: `${parts.district.name} Crime Intelligence`,
    localAuthority: parts.district,
    forces: [parts.force, BTP],
    boundaries: {
      wards: {
        file: parts.relative(AREA_FILES.wards),
        codeProperty: parts.fields.wardCode,
        nameProperty: parts.fields.wardName,
      },
      lsoas: {
        file: parts.relative(AREA_FILES.lsoas),
        codeProperty: 'LSOA21CD',
        nameProperty: 'LSOA21NM',
      },
      outline: { file: parts.relative(AREA_FILES.outline) },
      copyrightYear: parts.now.getUTCFullYear(),
    },
    population: {
      file: parts.relative(AREA_FILES.population),
      codeColumn: POPULATION_COLUMNS[1],
      valueColumn: POPULATION_COLUMNS[2],
    },
    postcodes:
      parts.postcodeExample === null
        ? null
        : {
            file: parts.relative(AREA_FILES.postcodes),
            // The directory's postcodes of the district, in whatever postcode areas.
            holds: 'district',
            example: parts.postcodeExample,
            copyrightYear: parts.now.getUTCFullYear(),
          },
    pollingDistricts: null,
    centre: null,
    map: {
      centre: districtMiddle(parts.outline.geometry),
      zoom,
      bounds: {
        south: Math.max(ENGLAND_AND_WALES.south, round(south - MAP_BOUNDS_MARGIN, 2, Math.floor)),
        north: Math.min(ENGLAND_AND_WALES.north, round(north + MAP_BOUNDS_MARGIN, 2, Math.ceil)),
        west: Math.max(ENGLAND_AND_WALES.west, round(west - MAP_BOUNDS_MARGIN, 2, Math.floor)),
        east: Math.min(ENGLAND_AND_WALES.east, round(east + MAP_BOUNDS_MARGIN, 2, Math.ceil)),
      },
    },
  };
}

export interface AttributionParts {
  config: AreaConfig;
  services: OnsServices;
  onsBaseUrl: string;
  nomisUrl: URL;
  counts: { wards: number; lsoas: number; postcodes: number };
  /** The postcode service asked, with its query; null: no postcodes were fetched. */
  postcodes: { source: PostcodeSource; where: string } | null;
  now: Date;
}

export function attribution(parts: AttributionParts): string {
  const { config, services, counts } = parts;
  const layer = (service: string) => `${parts.onsBaseUrl}${service}/FeatureServer/0`;
  // The day in the UK, as the district's readers date it (uk-date.ts).
  const date = ukDay(parts.now);
  const nomis = `${parts.nomisUrl.origin}${parts.nomisUrl.pathname}`;
  const text = `# ${config.localAuthority.name} (${config.localAuthority.code}): sources and licences

The ${config.localAuthority.name} area's reference data, as named by \`area.json\`, fetched on
${date} by \`npm run area -- add ${config.localAuthority.code}\`. Geometries and counts are as the
services answered them; only the fields named below were kept.

## ONS boundaries

From the ONS Open Geography Portal's feature services:

- \`${AREA_FILES.wards}\`: the district's ${counts.wards} wards (\`${config.boundaries.wards.codeProperty}\`,
  \`${config.boundaries.wards.nameProperty}\`) listed by ${layer(services.wardLookup)}, with
  their polygons from ${layer(services.wards)}.
- \`${AREA_FILES.lsoas}\`: the district's ${counts.lsoas} LSOAs (December 2021; \`LSOA21CD\`,
  \`LSOA21NM\`) listed by ${layer(services.lsoaLookup)}, with their polygons from
  ${layer(services.lsoas)}.
- \`${AREA_FILES.outline}\`: the district (\`LADCD\`, \`LADNM\`) from ${layer(services.districts)}.

Licence: OGL v3.0. "Source: Office for National Statistics licensed under the Open
Government Licence v.3.0. Contains OS data © Crown copyright and database right ${parts.now.getUTCFullYear()}."

## Census 2021 population

\`${AREA_FILES.population}\`: Census 2021 table TS001 (usual residents in households and
communal establishments, all residence types) for each of the district's LSOAs, from the
Nomis API (${nomis}, dataset ${TS001_DATASET}). Licence: "Source: Office for National
Statistics, Census 2021, via Nomis", OGL v3.0 (Open Government Licence v3.0).

${parts.postcodes === null ? '' : postcodeAttribution(parts, parts.postcodes)}${notHere(config)}`;
  return `${text.trimEnd()}\n`;
}

/** The heading of ATTRIBUTION.md's section on what area.json has none of. */
export const NOT_HERE_HEADING = 'Not here';

/** The fields of area.json that "Not here" names when they are null: in its words, in its order. */
const NOT_HERE_FIELDS = [
  ['postcodes', 'postcodes'],
  ['pollingDistricts', 'polling districts'],
  ['centre', 'a centre definition'],
] as const;

/** What area.json has none of (null), to add by hand; nothing when it has them all. */
function notHere(config: AreaConfig): string {
  const missing = NOT_HERE_FIELDS.filter(([field]) => config[field] === null).map(
    ([, words]) => words,
  );
  if (missing.length === 0) return '';
  return `## ${NOT_HERE_HEADING}

${notHereNotice(missing)}
`;
}

/** The paragraph of "Not here" that names `missing` (the words of NOT_HERE_FIELDS, in order). */
function notHereNotice(missing: readonly string[]): string {
  const one = missing.length === 1;
  const list = one ? missing[0]! : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
  return `${list[0]!.toUpperCase()}${list.slice(1)}: \`area.json\` has none (null). Add ${one ? 'it' : 'them'}
by hand where the district has a source, with ${one ? 'its' : 'their'} attribution here.`;
}

/** `text` with every run of whitespace (line breaks, \r\n included) as one space, trimmed. */
function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Every paragraph "Not here" can be written with, one for each choice of NOT_HERE_FIELDS, its
 * whitespace collapsed.
 */
const NOT_HERE_NOTICES: ReadonlySet<string> = new Set(
  Array.from({ length: 2 ** NOT_HERE_FIELDS.length - 1 }, (_, n) =>
    collapseWhitespace(
      notHereNotice(NOT_HERE_FIELDS.filter((_, i) => ((n + 1) >> i) & 1).map(([, words]) => words)),
    ),
  ),
);

/**
 * Whether a paragraph of a "Not here" section is one the command writes (naming what area.json
 * lacked when it was written), rather than a person's own text: the same words, however its
 * lines are broken (a file saved with CRLF line endings, or the paragraph wrapped anew).
 */
export function isNotHereNotice(paragraph: string): boolean {
  return NOT_HERE_NOTICES.has(collapseWhitespace(paragraph));
}

function postcodeAttribution(
  parts: AttributionParts,
  postcodes: NonNullable<AttributionParts['postcodes']>,
): string {
  const year = parts.now.getUTCFullYear();
  return `## Postcodes

\`${AREA_FILES.postcodes}\`: the district's ${parts.counts.postcodes} live postcodes (\`${postcodes.where}\`)
from the ONS Postcode Directory's feature service
${parts.onsBaseUrl}${postcodes.source.service}/FeatureServer/0, with their centroids (\`PCDS\`,
\`LAT\`, \`LONG\`). **Derived**: only postcode, latitude, longitude and the district's code
kept; rows with latitude 99.999999 have no grid reference. Source: Office for National
Statistics licensed under the Open Government Licence v3.0. Contains OS data © Crown
copyright and database right ${year}; contains Royal Mail data © Royal Mail copyright and
database right ${year}.

`;
}
