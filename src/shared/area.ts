// ⚠️ This module ships to the browser: the pipeline and the site both import it. Keep it free
// of Node APIs; reading and checking the files an area names is pipeline/area.ts's job.
//
// One district of England and Wales as a configuration (data/areas/<slug>/area.json): which
// police.uk files hold its crimes, which ONS files draw and count it, and how the site names
// and shows it. Validated once, where it is read, with every bad field listed.
import { z } from 'zod';
import { SLUG } from './area-paths.ts';
import { projectionAt, type Projection } from './projection.ts';
import { SchemaError } from './schema.ts';
import { cutText } from './cut-text.ts';

/** A file named by an area, relative to the repository root ("data/areas/sheffield/wards.geojson"). */
const filePath = z
  .string()
  .min(1, 'give a path relative to the repository root')
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(p), {
    message: 'must be relative to the repository root, not absolute',
  })
  .refine((p) => !p.split(/[\\/]/).includes('..'), {
    message: 'must stay inside the repository (no "..")',
  });

/** ONS local-authority district codes: E06 (unitary), E07 (non-metropolitan), E08 (metropolitan), E09 (London), W06 (Wales). */
export const LOCAL_AUTHORITY_CODE = /^(E0[6-9]|W06)\d{6}$/;

/** The country of a district with LOCAL_AUTHORITY_CODE `code`: its first letter, E or W. */
export function districtCountry(code: string): 'England' | 'Wales' {
  return code.startsWith('W') ? 'Wales' : 'England';
}

/** Lower-case words joined by "-": police.uk force slugs as its archive names files
 * ("west-yorkshire", "south-yorkshire", "btp"). */
export const FORCE_SLUG = /^[a-z]+(-[a-z]+)*$/;

/** The outward code of a postcode: "LS1", "S10", "EC1A". */
export const POSTCODE_DISTRICT = /^[A-Z]{1,2}\d[A-Z\d]?$/;

/** What an area's postcode list holds (areaSchema's postcodes.holds). */
export const POSTCODE_LIST_HOLDS = ['district', 'postcode-areas'] as const;
export type PostcodeListHolds = (typeof POSTCODE_LIST_HOLDS)[number];

/** ONS ward property names carry the vintage's year: WD25CD/WD25NM, WD20CD/WD20NM. */
const WARD_CODE_PROPERTY = /^WD(\d\d)CD$/;
const WARD_NAME_PROPERTY = /^WD(\d\d)NM$/;

/** ONS ward codes (E05, W05). */
const WARD_CODE = /^[EW]05\d{6}$/;

/** England and Wales with a margin: a map view or URL centre outside it is a typo. */
export const ENGLAND_AND_WALES = { south: 49.8, north: 55.9, west: -6.5, east: 2 } as const;

const LATITUDE_RANGE = `must be a latitude in England or Wales (${ENGLAND_AND_WALES.south} to ${ENGLAND_AND_WALES.north})`;
const latitude = z
  .number()
  .min(ENGLAND_AND_WALES.south, LATITUDE_RANGE)
  .max(ENGLAND_AND_WALES.north, LATITUDE_RANGE);
const LONGITUDE_RANGE = `must be a longitude in England or Wales (${ENGLAND_AND_WALES.west} to ${ENGLAND_AND_WALES.east})`;
const longitude = z
  .number()
  .min(ENGLAND_AND_WALES.west, LONGITUDE_RANGE)
  .max(ENGLAND_AND_WALES.east, LONGITUDE_RANGE);

/**
 * ONS writes some districts' names inverted, for sorting ("Kingston upon Hull, City of",
 * "Bristol, City of", "Herefordshire, County of"); no one says them so, and police.uk's LSOA
 * names start "Kingston upon Hull 001A".
 */
const ONS_INVERTED_NAME = /,\s*(?:City|County) of\s*$/;

/** A district's name as readers say it: ONS's "Bristol, City of" is "Bristol". */
export function readerDistrictName(onsName: string): string {
  return onsName.replace(ONS_INVERTED_NAME, '').trim();
}

const nonEmpty = (what: string) => z.string().trim().min(1, `give ${what}`);

/** An ArcGIS layer's field name, as a query's outFields lists it. */
const layerField = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a field name of the layer, e.g. "POLLING_DI"');

/**
 * The fields of a polling districts layer read when area.json names none: Leeds City
 * Council's (its MapServer layer 7).
 */
export const POLLING_DISTRICT_FIELDS = { code: 'POLLING_DI', ward: 'WARD' } as const;

const wardBoundariesSchema = z
  .object({
    file: filePath,
    codeProperty: z
      .string()
      .regex(WARD_CODE_PROPERTY, 'must be an ONS ward code property such as WD25CD'),
    nameProperty: z
      .string()
      .regex(WARD_NAME_PROPERTY, 'must be an ONS ward name property such as WD25NM'),
  })
  .strict()
  .superRefine((w, ctx) => {
    const vintage = w.codeProperty.slice(2, 4);
    if (w.nameProperty.slice(2, 4) === vintage) return;
    ctx.addIssue({
      code: 'custom',
      path: ['nameProperty'],
      input: w.nameProperty,
      message: `must be of the same vintage as codeProperty ${w.codeProperty}: WD${vintage}NM`,
    });
  });

const lsoaBoundariesSchema = z
  .object({
    file: filePath,
    codeProperty: z.literal('LSOA21CD', 'must be LSOA21CD: police.uk gives 2021 LSOA codes'),
    nameProperty: z.literal('LSOA21NM', 'must be LSOA21NM: police.uk gives 2021 LSOA names'),
  })
  .strict();

/** What every kind of centre has: how pages name it ("city centre"). */
const centreBase = z.object({
  label: nonEmpty('the words pages use for it, e.g. "city centre"'),
});

const centreSchema = z.discriminatedUnion(
  'kind',
  [
    centreBase
      .extend({
        kind: z.literal('postcode-districts'),
        districts: z
          .array(z.string().regex(POSTCODE_DISTRICT, 'must be a postcode district such as LS1'))
          .min(1, 'list at least one postcode district'),
      })
      .strict(),
    centreBase
      .extend({
        kind: z.literal('wards'),
        wards: z
          .array(z.string().regex(WARD_CODE, 'must be an ONS ward code such as E05010868'))
          .min(1, 'list at least one ward code'),
      })
      .strict(),
    // A GeoJSON FeatureCollection of one Polygon or MultiPolygon in lon/lat inside the
    // district (checked by pipeline/reference.ts parseCentre when the run reads it).
    centreBase.extend({ kind: z.literal('polygon'), file: filePath }).strict(),
  ],
  { error: 'must have kind "postcode-districts", "wards" or "polygon", or be null for no centre' },
);

/**
 * Why a map centre [latitude, longitude] does not lie in the map's box, naming each side it
 * passes and a pair given the wrong way round; null when it lies inside.
 */
function mapCentreBoundsProblem(
  [lat, lon]: readonly [number, number],
  bounds: { south: number; north: number; west: number; east: number },
): string | null {
  const beyond = [
    lat < bounds.south ? `south of map.bounds.south ${bounds.south}` : null,
    lat > bounds.north ? `north of map.bounds.north ${bounds.north}` : null,
    lon < bounds.west ? `west of map.bounds.west ${bounds.west}` : null,
    lon > bounds.east ? `east of map.bounds.east ${bounds.east}` : null,
  ].filter((side) => side !== null);
  if (beyond.length === 0) return null;
  const inBox = (la: number, lo: number) =>
    la >= bounds.south && la <= bounds.north && lo >= bounds.west && lo <= bounds.east;
  const remedy = inBox(lon, lat)
    ? `: it reads as [longitude, latitude], give [${lon}, ${lat}]`
    : ': give a [latitude, longitude] inside the district, or widen map.bounds to hold it';
  return `must lie inside map.bounds, but lies ${beyond.join(' and ')}${remedy}`;
}

export const areaSchema = z
  .object({
    /** The folder name under data/areas/, and the value of --area and AREA. */
    slug: z
      .string()
      .regex(SLUG, 'must be lower-case words or numbers joined by "-", e.g. "sheffield"'),
    /** The site's name, in its header and page titles. */
    siteName: nonEmpty('the site\'s name, e.g. "Sheffield Crime Intelligence"'),
    localAuthority: z
      .object({
        code: z
          .string()
          .regex(LOCAL_AUTHORITY_CODE, 'must be an ONS local-authority code such as E08000039'),
        name: nonEmpty('the district\'s name, e.g. "Sheffield"'),
      })
      .strict(),
    /**
     * police.uk forces whose files hold the district's crimes, the territorial force first
     * ("south-yorkshire"), then any other whose rows are kept inside the district ("btp").
     */
    forces: z
      .array(
        z
          .string()
          .regex(FORCE_SLUG, 'must be a police.uk force slug such as "south-yorkshire" or "btp"'),
      )
      .min(1, 'list the territorial force, e.g. ["south-yorkshire", "btp"]')
      .refine((forces) => new Set(forces).size === forces.length, {
        message: 'lists a force twice',
      })
      .refine((forces) => forces[0] !== 'btp', {
        message:
          'must start with the territorial force: British Transport Police ("btp") is an addition',
      }),
    /**
     * Every district the territorial force covers, as police.uk's LSOA names start ("Barnsley
     * 001A"), the area's own included as its LSOAs' names start (checked by the pipeline against
     * its LSOA file): tells a force file's rows outside the area apart into other districts of
     * the force and beyond it. null: not known, such rows count as elsewhere.
     */
    forceDistricts: z
      .array(nonEmpty('a district name as police.uk LSOA names start, e.g. "Barnsley"'))
      .min(1, "list the force's districts, the area's own included")
      .nullable()
      .default(null),
    boundaries: z
      .object({
        wards: wardBoundariesSchema,
        lsoas: lsoaBoundariesSchema,
        /** The district's outline (one polygon, e.g. the wards dissolved). */
        outline: z.object({ file: filePath }).strict(),
        /**
         * The year of the boundaries' OS notice ("Contains OS data © Crown copyright and
         * database right 2025"); `npm run area -- add` writes the year it fetched them.
         */
        copyrightYear: z.number().int().min(1990).max(2100),
      })
      .strict(),
    /** Census 2021 usual residents (TS001) by LSOA 2021, as a CSV with a header. */
    population: z
      .object({
        file: filePath,
        codeColumn: nonEmpty('the column holding the LSOA 2021 code'),
        valueColumn: nonEmpty('the column holding the residents'),
      })
      .strict(),
    /** Postcodes with coordinates (ONSPD extract); null: postcode districts are left out, not guessed. */
    postcodes: z
      .object({
        file: filePath,
        /**
         * What the list is, which the list cannot show (an LS list and a district's list that
         * happens to be all LS look alike), so pages say what it holds and what it lacks:
         * "district", every postcode the ONS Postcode Directory gives the district, whatever
         * their postcode areas (what `npm run area -- add` fetches); "postcode-areas", every
         * postcode of the postcode areas it holds, whatever their district (Leeds's LS list),
         * so parts of the district with another area's postcodes have none in it. Left out:
         * "district", as every list the area command wrote before this field. The areas
         * themselves are read from the list (its published index), not set here.
         */
        holds: z
          .enum(POSTCODE_LIST_HOLDS, {
            error: `must be "district" (every postcode of the district) or "postcode-areas" (whole postcode areas, as Leeds's LS list)`,
          })
          .default('district'),
        /** A postcode district of the area that pages give as an example ("LS6"). */
        example: z
          .string()
          .regex(POSTCODE_DISTRICT, 'must be a postcode district such as LS6')
          .optional(),
        /** The list's edition, as About gives it ("2016 to early 2018"); none: not said. */
        edition: z.string().min(1).optional(),
        /**
         * The year of the list's OS and Royal Mail notices (its edition's, the latest year
         * when it spans several); `npm run area -- add` writes the year it fetched the list.
         */
        copyrightYear: z.number().int().min(1990).max(2100),
        /**
         * Non-geographic districts (PO boxes and large users, e.g. LS88, LS98, LS99): their
         * postcodes carry a sorting office's coordinates, not the place's, so they never name
         * a crime's district and are left out of the place search.
         */
        nonGeographicDistricts: z
          .array(z.string().regex(POSTCODE_DISTRICT, 'must be a postcode district such as LS98'))
          .default([]),
      })
      .strict()
      .nullable()
      .default(null),
    /** The council's ArcGIS map-server layer of polling districts; null: none. */
    pollingDistricts: z
      .object({
        url: z.url({
          protocol: /^https$/,
          error: 'must be an https:// URL of an ArcGIS map-server layer',
        }),
        /** Who publishes them, for the attribution ("Leeds City Council"). */
        publisher: nonEmpty('who publishes the polling districts, e.g. "Leeds City Council"'),
        /**
         * The layer's field holding a polling district's code; left out: POLLING_DI, Leeds
         * City Council's (POLLING_DISTRICT_FIELDS).
         */
        codeField: layerField.optional(),
        /** The layer's field holding the ward a polling district is in; left out: WARD. */
        wardField: layerField.optional(),
      })
      .strict()
      .nullable()
      .default(null),
    /** What "exclude the centre" takes out; null: the site has no such control. */
    centre: centreSchema.nullable().default(null),
    /**
     * The map's starting view before it fits the district, and the box URL centres must fall
     * in. The centre's latitude is also the one the area's flat projection is true at
     * (areaProjection): the pipeline checks that it lies within the district.
     */
    map: z
      .object({
        centre: z.tuple([latitude, longitude], 'must be [latitude, longitude]'),
        zoom: z
          .number()
          .int('must be a whole zoom level')
          .min(5, 'must be at least 5')
          .max(18, 'must be at most 18'),
        bounds: z
          .object({ south: latitude, north: latitude, west: longitude, east: longitude })
          .strict()
          .refine((b) => b.south < b.north, {
            message: 'south must be below north',
            path: ['north'],
          })
          .refine((b) => b.west < b.east, { message: 'west must be left of east', path: ['east'] }),
      })
      .strict()
      .superRefine((m, ctx) => {
        const problem = mapCentreBoundsProblem(m.centre, m.bounds);
        if (problem !== null) {
          ctx.addIssue({ code: 'custom', path: ['centre'], input: m.centre, message: problem });
        }
      }),
  })
  .strict()
  .superRefine((area, ctx) => {
    // Pages say the district's name and the site's name in sentences and titles.
    const { name } = area.localAuthority;
    if (ONS_INVERTED_NAME.test(name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['localAuthority', 'name'],
        input: name,
        message: `is written as ONS sorts it, and pages would say it so: write it as readers say it, "${readerDistrictName(name)}"`,
      });
    }
    const inverted = /,\s*(?:City|County) of\b/.exec(area.siteName);
    if (inverted !== null) {
      ctx.addIssue({
        code: 'custom',
        path: ['siteName'],
        input: area.siteName,
        message: `holds a district's name as ONS sorts it ("${inverted[0]}"): write the name as readers say it, e.g. "${readerDistrictName(name)} Crime Intelligence"`,
      });
    }
    // The boundaries' OS notice (every page's footer) cannot predate the boundaries: May 2025
    // wards (WD25) were first published in 2025.
    const vintage = WARD_CODE_PROPERTY.exec(area.boundaries.wards.codeProperty)?.[1];
    const { copyrightYear } = area.boundaries;
    if (vintage !== undefined && copyrightYear < 2000 + Number(vintage)) {
      ctx.addIssue({
        code: 'custom',
        path: ['boundaries', 'copyrightYear'],
        input: copyrightYear,
        message:
          `is before the wards' vintage (${area.boundaries.wards.codeProperty}: ` +
          `20${vintage}), so every page's OS notice would give a year before the boundaries ` +
          `existed: give the year they were published or fetched, 20${vintage} or later`,
      });
    }
    // forceDistricts must name the area's own district as its LSOAs' names start, which need
    // not be localAuthority.name: pipeline/area.ts checkForceDistricts, against the LSOA file.
    if (area.centre?.kind === 'postcode-districts' && area.postcodes === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['centre'],
        message: 'is defined by postcode districts, but the area has no postcodes file',
      });
    }
  });

export type AreaConfig = z.infer<typeof areaSchema>;

/** The fields a polling districts layer is read by: its code's and its ward's. */
export interface PollingDistrictFields {
  code: string;
  ward: string;
}

/** The fields of `layer` (area.json's pollingDistricts), each POLLING_DISTRICT_FIELDS's when not named. */
export function pollingDistrictFields(
  layer: Pick<NonNullable<AreaConfig['pollingDistricts']>, 'codeField' | 'wardField'>,
): PollingDistrictFields {
  return {
    code: layer.codeField ?? POLLING_DISTRICT_FIELDS.code,
    ward: layer.wardField ?? POLLING_DISTRICT_FIELDS.ward,
  };
}

/**
 * Why an area's configuration does not belong in its folder (its slug names another), or
 * null: the pipeline and the site both refuse such an area, with this message.
 */
export function slugMismatch(config: AreaConfig, folder: string, source: string): string | null {
  return config.slug === folder
    ? null
    : `${source}: slug is "${config.slug}" but the folder is "${folder}": make them the same.`;
}

/** Another district an area.json may name in its words by mistake, and where it is known from. */
export interface KnownDistrict {
  /** As pages and police.uk's LSOA names give it: "Leeds", "Barnsley". */
  name: string;
  /** Its ONS code, when its own area.json gives it. */
  code?: string;
  /** Where it is named: "the district of data/areas/leeds/area.json". */
  whose: string;
}

/**
 * The districts other area configurations name (`others`: each parsed area.json with the path it
 * was read from, any that cannot be read left to their own run to refuse): each one's
 * localAuthority and forceDistricts.
 */
export function districtsOfAreas(
  others: readonly { value: unknown; source: string }[],
): KnownDistrict[] {
  return others.flatMap(({ value, source }) => {
    const parsed = areaSchema.safeParse(value);
    if (!parsed.success) return [];
    const { localAuthority, forceDistricts } = parsed.data;
    return [
      { name: localAuthority.name, code: localAuthority.code, whose: `the district of ${source}` },
      ...(forceDistricts ?? []).map((name) => ({
        name,
        whose: `one of the forceDistricts of ${source}`,
      })),
    ];
  });
}

/** `text` with every whole-word `name` in it, whatever its case, replaced by `by`. */
function replaceName(text: string, name: string, by: string): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(
    new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu'),
    () => by,
  );
}

/** A name as a web address may hold it: letters and digits alone, lower case ("kingstonuponhull"). */
const asAddressWord = (name: string) => name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/**
 * The district of `others` a URL's host or path names as one of its words ("leeds" in
 * mapservices.leeds.gov.uk), unless it is also the own district's: councils' map servers are
 * on their own domains, so another's is a layer copied from another area.json.
 */
function urlNamingDistrict<T extends { name: string }>(
  url: string,
  own: string,
  others: readonly T[],
): T | undefined {
  let words: string[];
  try {
    const { hostname, pathname } = new URL(url);
    words = [...hostname.split(/[.-]/), ...pathname.split(/[/_.-]/)].map(asAddressWord);
  } catch {
    return undefined;
  }
  if (words.includes(asAddressWord(own))) return undefined;
  return others.find((other) => words.includes(asAddressWord(other.name)));
}

/**
 * Whether two names may be one district's: the same, or one holding the other as whole words
 * ("City of Sheffield" and its LSOAs' "Sheffield", ONS's "Sheffield, City of").
 */
function sameDistrictNames(a: string, b: string): boolean {
  return replaceName(a, b, ' ') !== a || replaceName(b, a, ' ') !== b;
}

/**
 * Where an area's words for readers name another district than its own (`known`: the other
 * committed areas' districts, districtsOfAreas, and their force's): a siteName, centre label
 * or publisher copied from another area.json would put that district's name on every page of
 * this one's, a localAuthority.name copied without its code would call the district by
 * another's name, and a polling districts layer on another council's server (its address
 * names the district) would be fetched, after the run's months, for nothing. The pipeline and the build both refuse such an area, with this message
 * (`source`: its area.json); null when its words name no other district.
 */
export function otherDistrictWords(
  config: AreaConfig,
  known: readonly KnownDistrict[],
  source: string,
): string | null {
  const own = config.localAuthority;
  const others = [
    ...known,
    ...(config.forceDistricts ?? []).map((name) => ({
      name,
      whose: 'one of its forceDistricts',
    })),
  ].filter((d) => !sameDistrictNames(d.name, own.name));
  const problems: string[] = [];
  const named = known.find(
    (d) => d.code !== undefined && d.code !== own.code && d.name === own.name,
  );
  if (named !== undefined) {
    problems.push(
      `localAuthority.name: "${own.name}" is the name of ${named.code}, ${named.whose}, but ` +
        `localAuthority.code is ${own.code}: give the name of ${own.code} as readers say it, ` +
        'or the code of the district this area is',
    );
  }
  const fields: [field: string, text: string | undefined][] = [
    ['siteName', config.siteName],
    ['centre.label', config.centre?.label],
    ['pollingDistricts.publisher', config.pollingDistricts?.publisher],
  ];
  for (const [field, text] of fields) {
    if (text === undefined) continue;
    // Another district's name inside this one's ("Kingston upon Hull" holds "Hull") is its own.
    const rest = replaceName(text, own.name, ' ');
    const other = others.find((d) => replaceName(rest, d.name, ' ') !== rest);
    if (other === undefined) continue;
    const example =
      field === 'siteName' ? `, e.g. "${replaceName(text, other.name, own.name)}"` : '';
    problems.push(
      `${field}: "${text}" names ${other.name} (${other.whose}), but this area is ` +
        `${own.name} (localAuthority.name): write ${own.name}'s own${example}`,
    );
  }
  const url = config.pollingDistricts?.url;
  const server = url === undefined ? undefined : urlNamingDistrict(url, own.name, others);
  if (url !== undefined && server !== undefined) {
    problems.push(
      `pollingDistricts.url: "${url}" names ${server.name} (${server.whose}) in its address, ` +
        `so its layer is likely that council's, not ${own.name}'s: give the address of ` +
        `${own.name}'s council's polling districts layer, or set pollingDistricts to null`,
    );
  }
  if (problems.length === 0) return null;
  return (
    `${source} names another district where it should name its own:\n` +
    problems.map((p) => `  - ${p}\n`).join('') +
    "Correct these fields (copied from another area's area.json?): this area's pages show them, and its run reads them."
  );
}

/** What an area counts as its centre; null: it has none. */
export type CentreDefinition = AreaConfig['centre'];

/** A located place as the centre tests it: its ward, postcode district and coordinates. */
export interface CentrePlace {
  ward: string;
  postcodeDistrict: string;
  lon: number;
  lat: number;
}

/**
 * Whether a located place is in the centre: by its postcode district, its ward, or, for a
 * centre drawn as a polygon, by `inPolygon` (the pipeline's point-in-polygon on the area's
 * projection, pipeline/centre.ts), which such a centre needs.
 */
export function centreTest(
  centre: CentreDefinition,
  inPolygon?: (lon: number, lat: number) => boolean,
): (place: CentrePlace) => boolean {
  if (centre === null) return () => false;
  if (centre.kind === 'postcode-districts') {
    const districts = new Set(centre.districts);
    return (place) => districts.has(place.postcodeDistrict);
  }
  if (centre.kind === 'wards') {
    const wards = new Set(centre.wards);
    return (place) => wards.has(place.ward);
  }
  if (inPolygon === undefined) {
    throw new Error(`the centre drawn in ${centre.file} needs its polygon to place points in it`);
  }
  return (place) => inPolygon(place.lon, place.lat);
}

/**
 * The flat projection (./projection.ts) an area's distances in metres are measured on: true at
 * the latitude of its map centre, which pipeline/load-geography.ts checks against the outline.
 */
export function areaProjection(area: Pick<AreaConfig, 'map'>): Projection {
  return projectionAt(area.map.centre[0]);
}

/**
 * What of an area's configuration its site data is built from: all of it but the words that
 * only pages say (the site's name, the centre's label, what the postcode list holds). The
 * pipeline records it in the site data (SiteData.builtFrom), and the build refuses data
 * recorded with another (areaMismatch).
 */
export function areaBuildInputs(config: AreaConfig): Record<string, unknown> {
  const { siteName: _siteName, centre, ...rest } = config;
  // postcodes where the configuration has it, the centre last: the order the site data has
  // always recorded them in (its bytes stay the same for the same configuration).
  const { postcodes, pollingDistricts } = rest;
  const inputs = {
    ...rest,
    postcodes: postcodes === null ? null : (({ holds: _holds, ...kept }) => kept)(postcodes),
    // A layer's fields as read: the default's named or left out are the same input.
    pollingDistricts:
      pollingDistricts === null
        ? null
        : (({ codeField, wardField, ...kept }) => ({
            ...kept,
            ...(codeField === undefined || codeField === POLLING_DISTRICT_FIELDS.code
              ? {}
              : { codeField }),
            ...(wardField === undefined || wardField === POLLING_DISTRICT_FIELDS.ward
              ? {}
              : { wardField }),
          }))(pollingDistricts),
  };
  if (centre === null) return { ...inputs, centre };
  const { label: _label, ...placed } = centre;
  return { ...inputs, centre: placed };
}

/** A value as JSON with its object keys sorted, so equal values give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The fields of `config` (areaBuildInputs) that differ from those site data was built from
 * (`builtFrom`), as dotted paths ("centre", "boundaries"); ["(not recorded)"] when the data
 * records none; [] when they agree.
 */
export function areaMismatch(config: AreaConfig, builtFrom: unknown): string[] {
  if (builtFrom === null || typeof builtFrom !== 'object') return ['(not recorded)'];
  const now = areaBuildInputs(config);
  const then = builtFrom as Record<string, unknown>;
  return [...new Set([...Object.keys(now), ...Object.keys(then)])]
    .filter((key) => canonicalJson(now[key]) !== canonicalJson(then[key]))
    .sort();
}

/** What area.json may hold: the optional parts may be left out. */
export type AreaConfigInput = z.input<typeof areaSchema>;

/** What to do about a bad area.json, after the list of bad fields. */
const AREA_REMEDY =
  'Fix these fields: the format is areaSchema in src/shared/area.ts, an example data/areas/leeds/area.json.';

/** An area.json that does not hold a valid area; `issues` lists every bad field. */
export class AreaConfigError extends SchemaError {
  constructor(source: string, issues: readonly string[]) {
    super(source, issues);
    this.name = 'AreaConfigError';
    this.message = `${this.message}\n${AREA_REMEDY}`;
  }
}

/** One line per problem: "boundaries.wards.codeProperty: must be ... (got "WD25")". */
export function formatAreaIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const field = issue.path.length === 0 ? '(the whole file)' : issue.path.map(String).join('.');
    const got =
      'input' in issue && issue.input !== undefined
        ? ` (got ${cutText(JSON.stringify(issue.input), QUOTED_MAX)})`
        : '';
    return `${field}: ${issue.message}${got}`;
  });
}

/** Values quoted in messages: enough to recognise, never a whole file. */
const QUOTED_MAX = 80;

/** Validate an area configuration read from `source`; throws AreaConfigError naming every bad field. */
export function parseArea(value: unknown, source: string): AreaConfig {
  const result = areaSchema.safeParse(value, { reportInput: true });
  if (!result.success) throw new AreaConfigError(source, formatAreaIssues(result.error.issues));
  return result.data;
}
