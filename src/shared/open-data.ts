// ⚠️ This module ships to the browser (it is imported by shared code); keep it small and free
// of Node APIs. The ONE description of every file the site publishes for download: the
// columns of the yearly record files and of each report table, their types and meanings,
// and the licence and attribution that travel with them. The download endpoints, the Data
// page, datapackage.json and the Dataset JSON-LD are all generated from it, so they cannot
// drift apart.
import { z } from 'zod';
import { DATA_SOURCE, MASTER_COLUMNS } from './constants.ts';
import {
  CHANGE_SIGNIFICANCE,
  CHANGE_TEST_METHOD,
  CHANGE_VERDICTS,
  MIN_COUNT_FOR_PERCENT,
  RESIDENTS_SOURCE,
  VERDICT_WORDS,
} from './rates.ts';
import { monthSchema } from './schema.ts';
import type { AreaConfig, PostcodeListHolds } from './area.ts';
import { farFromTheList } from './postcode-list.ts';
import { formatCount } from './format-count.ts';
import { PLACE_KINDS } from './place-kinds.ts';

/** How the published files speak of their district: from its area configuration. */
export interface DistrictWords {
  /** "Leeds" */
  district: string;
  /** The ward boundaries' vintage: "May 2025". */
  wardVintage: string;
  /** Whether the area has a postcode reference (else postcode districts are left out). */
  hasPostcodes: boolean;
  /** What the postcode list holds (area.json's postcodes.holds); null: no list. */
  postcodeListHolds: PostcodeListHolds | null;
  /** A postcode district given as an example ("LS6"), when the area names one. */
  postcodeExample: string | null;
  /** The year of the ONS boundaries' OS notice (boundariesAttribution). */
  boundariesYear: number;
  /** The year of the postcode list's notices (postcodeAttribution); null: no list. */
  postcodeYear: number | null;
  /** Who publishes the polling districts ("Leeds City Council"); null: the area has none. */
  pollingDistrictsBy: string | null;
  /** How pages name the district's centre ("city centre"); null: it has none. */
  centre: string | null;
}

export const LEEDS_WORDS: DistrictWords = {
  district: 'Leeds',
  wardVintage: 'May 2025',
  hasPostcodes: true,
  // The LS postcode area: Leeds's WF and BD postcodes are not in it.
  postcodeListHolds: 'postcode-areas',
  postcodeExample: 'LS6',
  boundariesYear: 2025,
  // Its list's edition is of 2016 to early 2018, whose latest year the notices take.
  postcodeYear: 2018,
  pollingDistrictsBy: 'Leeds City Council',
  centre: 'city centre',
};

/** The words of an area: ONS ward vintages WD25 and WD20 are "May 2025" and "2020". */
export function districtWords(area: AreaConfig): DistrictWords {
  const year = `20${area.boundaries.wards.codeProperty.slice(2, 4)}`;
  return {
    district: area.localAuthority.name,
    wardVintage: year === '2025' ? 'May 2025' : year,
    hasPostcodes: area.postcodes !== null,
    postcodeListHolds: area.postcodes?.holds ?? null,
    postcodeExample: area.postcodes?.example ?? null,
    boundariesYear: area.boundaries.copyrightYear,
    postcodeYear: area.postcodes?.copyrightYear ?? null,
    pollingDistrictsBy: area.pollingDistricts?.publisher ?? null,
    centre: area.centre?.label ?? null,
  };
}

/** Frictionless Table Schema field types used here. */
export type FieldType = 'string' | 'integer' | 'number' | 'yearmonth' | 'boolean';

export interface FieldSpec {
  /** The column header, exactly as written in the file. */
  name: string;
  type: FieldType;
  description: string;
  /** What a number counts or measures, e.g. "crimes", "crimes per 1,000 residents". */
  unit?: string;
  /**
   * True when an empty cell means "no data" (a month without data, nothing to compare), never
   * zero. A report table's other columns hold a value in every cell, which its Table Schema
   * states as required (src/lib/open-data.ts).
   */
  emptyMeansNoData?: boolean;
  /** The only values a filled cell may hold (a Table Schema enum constraint). */
  enum?: readonly string[];
}

/**
 * How many rows the yearly record files hold, and in how many of them the Polling District is
 * filled: the council's boundaries are fetched by a run that can reach its map server, so a
 * build may have them for some months or none.
 */
export interface RecordsFilled {
  rows: number;
  pollingDistrict: number;
}

/** Whether the files of `filled` (unknown: undefined) give a polling district in some row. */
export function hasPollingDistricts(
  words: DistrictWords,
  filled: RecordsFilled | undefined,
): boolean {
  return words.pollingDistrictsBy !== null && (filled === undefined || filled.pollingDistrict > 0);
}

/** What the Polling District column holds where the area has polling districts. */
function pollingDistrictDescription(publisher: string, filled: RecordsFilled | undefined): string {
  const column = `${publisher} polling district containing the point`;
  if (filled === undefined || filled.pollingDistrict >= filled.rows) {
    return `${column}; empty when not known.`;
  }
  if (filled.pollingDistrict === 0) {
    return `${column}; empty in every row of these files: the polling-district boundaries were not available to the run that built them.`;
  }
  return `${column}; filled in ${formatCount(filled.pollingDistrict)} of ${formatCount(filled.rows)} rows of these files, empty in the others (the polling-district boundaries were not available to the run that built their months, or the point's district was not known).`;
}

/** Columns of the yearly record files: the master dataset's columns, in its order. */
const recordFieldSpecs = (
  words: DistrictWords,
  filled: RecordsFilled | undefined,
): Record<(typeof MASTER_COLUMNS)[number], Omit<FieldSpec, 'name'>> => ({
  'Crime ID': {
    type: 'string',
    description: "police.uk's identifier of the crime; empty for anti-social behaviour.",
  },
  Month: { type: 'yearmonth', description: 'Month the crime was recorded in (YYYY-MM).' },
  'Reported by': { type: 'string', description: 'The force that provided the record.' },
  'Falls within': { type: 'string', description: 'The force area the crime falls within.' },
  Longitude: {
    type: 'number',
    unit: 'degrees (WGS 84)',
    description: 'Longitude of the anonymised police.uk snap point, not the exact place.',
  },
  Latitude: {
    type: 'number',
    unit: 'degrees (WGS 84)',
    description: 'Latitude of the anonymised police.uk snap point, not the exact place.',
  },
  Location: { type: 'string', description: 'The snap point\'s description ("On or near ...").' },
  'LSOA code': {
    type: 'string',
    description:
      'Lower layer super output area as police.uk gives it (2021 codes in recent months); where police.uk gives none, the 2021 LSOA containing the point.',
  },
  'LSOA name': { type: 'string', description: 'Name of that LSOA.' },
  'Crime type': { type: 'string', description: 'One of the 14 police.uk crime types.' },
  'Last outcome category': {
    type: 'string',
    description:
      "police.uk's own last outcome category, exactly as its street file gives it; empty for anti-social behaviour. See Outcome for the latest known outcome.",
  },
  Context: { type: 'string', description: 'Extra context police.uk gives (usually empty).' },
  'Ward Name': {
    type: 'string',
    description: `${words.district} electoral ward (${words.wardVintage}) containing the point, by point-in-polygon.`,
  },
  'Ward Code': { type: 'string', description: 'ONS code of that ward (E05...).' },
  'LSOA 2021': {
    type: 'string',
    description:
      'ONS code of the 2021 LSOA containing the point, by point-in-polygon, whatever vintage police.uk used.',
  },
  'Postcode District': {
    type: 'string',
    description: !words.hasPostcodes
      ? 'Empty: the district has no postcode reference, so postcode districts are left out rather than guessed.'
      : `Postcode district${words.postcodeExample === null ? '' : ` (e.g. ${words.postcodeExample})`} of the nearest postcode of the district's list within 1 km; where none is that near (${farFromTheList(words)}), the district postcodes.io gives for the point; where postcodes.io gave none (not asked, as in a build without network, or no postcode within 2 km of the point), the nearest listed postcode's district within 5 km, an estimate that can be wrong there (Postcode District Estimated marks these rows); empty when there is none.`,
  },
  'Postcode District Estimated': {
    type: 'boolean',
    description: !words.hasPostcodes
      ? 'Always false: the district has no postcode reference, so no postcode district is estimated.'
      : `true when the Postcode District is only an estimate: the nearest listed postcode's district, more than 1 km away, for a point postcodes.io gave no district for (not asked, or no postcode within 2 km); otherwise false.`,
  },
  'Polling District': {
    type: 'string',
    description:
      words.pollingDistrictsBy === null
        ? 'Empty: no polling districts are published for the district.'
        : pollingDistrictDescription(words.pollingDistrictsBy, filled),
  },
  Outcome: {
    type: 'string',
    description:
      "The crime's latest known outcome: the latest outcome police.uk's outcomes files give for its Crime ID when they give one (from the crime's month on), else the street file's Last outcome category; empty for anti-social behaviour. The site's outcome figures count this column.",
  },
});

/**
 * The columns of the yearly record files, in the district's words; with `filled`, what the
 * files' rows hold (a Polling District column they leave empty says so).
 */
export function recordFields(
  words: DistrictWords = LEEDS_WORDS,
  filled?: RecordsFilled,
): readonly FieldSpec[] {
  const specs = recordFieldSpecs(words, filled);
  return MASTER_COLUMNS.map((name) => ({ name, ...specs[name] }));
}

export const RECORD_FIELDS: readonly FieldSpec[] = recordFields();

/** The total row of a table by type (the year page's comparison with the year before). */
export const ALL_TYPES_ROW = 'All crimes and anti-social behaviour';

/** What the tables count: every police.uk type, anti-social behaviour among them. */
const COUNTED = 'crimes and anti-social behaviour incidents';
/** A count of COUNTED: the field is named `crimes` for short, as it always has been. */
const crimes = (description: string): FieldSpec => ({
  name: 'crimes',
  type: 'integer',
  unit: COUNTED,
  description,
});
const TYPE_COUNT =
  'Crimes of this type; for anti-social behaviour, anti-social behaviour incidents.';
const MONTH_COUNT = 'Crimes and anti-social behaviour incidents that month.';
const OF_ROW =
  "Crimes and anti-social behaviour incidents of the row's type (of every type in the total row)";
const share: FieldSpec = {
  name: 'share',
  type: 'number',
  unit: 'fraction (0 to 1)',
  description: "The row's share of the table's total.",
};
const month: FieldSpec = { name: 'month', type: 'yearmonth', description: 'Month (YYYY-MM).' };
const crimeType: FieldSpec = {
  name: 'crime_type',
  type: 'string',
  description: 'police.uk crime type.',
};
const change = (description: string): FieldSpec => ({
  name: 'change',
  type: 'number',
  unit: 'fraction (0.05 = +5%)',
  emptyMeansNoData: true,
  description: `${description} Empty when there is nothing to compare with, or when the earlier count is below ${MIN_COUNT_FOR_PERCENT}: too few for a percentage to say more than chance.`,
});

/** The change judged against chance, as the page shows it beside the change. */
const changeVerdict: FieldSpec = {
  name: 'change_verdict',
  type: 'string',
  enum: CHANGE_VERDICTS,
  emptyMeansNoData: true,
  description: `Whether the change is larger than chance would give, as the page judges it: ${CHANGE_TEST_METHOD}. With a p-value below ${CHANGE_SIGNIFICANCE} the change is "higher" or "lower" (the page's "${VERDICT_WORDS.higher}", "${VERDICT_WORDS.lower}"), even when change is empty for an earlier count below ${MIN_COUNT_FOR_PERCENT}; otherwise "within-normal" ("${VERDICT_WORDS['within-normal']}"), or "too-few" ("${VERDICT_WORDS['too-few']}") when the earlier count is below ${MIN_COUNT_FOR_PERCENT} and change is empty. Empty when there is nothing to compare with.`,
};

/** One downloadable report table: its file name (without extension) and columns. */
export interface TableSpec {
  id: string;
  title: string;
  description: string;
  fields: readonly FieldSpec[];
}

/** The tables of every ward page, each published as <ward page>/<id>.csv and .json. */
export const WARD_TABLES = [
  {
    id: 'crime-types',
    title: 'Crimes and anti-social behaviour by type',
    description:
      'Crimes and anti-social behaviour incidents by type in the ward over the months with data of the 12 months ending with the latest month.',
    fields: [crimeType, crimes(TYPE_COUNT), share],
  },
  {
    id: 'months',
    title: 'Crimes and anti-social behaviour per month',
    description:
      'Crimes and anti-social behaviour incidents in the ward each calendar month from the first to the latest month; an empty count is a month without data, not a zero.',
    fields: [month, { ...crimes(MONTH_COUNT), emptyMeansNoData: true }],
  },
  {
    id: 'year-earlier',
    title: 'The same months a year earlier',
    description:
      'Each month with data of the 12 months ending with the latest month, against the same month a year earlier.',
    fields: [
      month,
      crimes(MONTH_COUNT),
      { ...month, name: 'earlier_month', description: 'The same month a year earlier.' },
      {
        ...crimes('Crimes and anti-social behaviour incidents in the earlier month.'),
        name: 'earlier_crimes',
        emptyMeansNoData: true,
      },
      change('(crimes - earlier_crimes) / earlier_crimes.'),
      changeVerdict,
    ],
  },
  {
    id: 'outcomes',
    title: 'Outcomes',
    description:
      'The latest outcome of the crimes and anti-social behaviour incidents of the months with data of the 12 months ending with the latest month; anti-social behaviour has no outcome ("No outcome recorded").',
    fields: [
      { name: 'outcome', type: 'string', description: 'Latest police.uk outcome category.' },
      crimes('Crimes and anti-social behaviour incidents with this latest outcome.'),
      share,
    ],
  },
  {
    id: 'streets',
    title: 'Streets with most crimes and anti-social behaviour',
    description:
      'The 10 police.uk locations with most crimes and anti-social behaviour incidents in the ward over the months with data of the 12 months ending with the latest month; of locations tied at the tenth place, the first in alphabetical order, the ward page saying how many more have that count. Locations police.uk names only by a kind of place ("On or near Supermarket", every supermarket of the ward under one name) are left out: they are in the place-kinds table.',
    fields: [
      {
        name: 'location',
        type: 'string',
        description:
          'police.uk snap point ("On or near ..."): a street or a named place, never a kind of place.',
      },
      crimes('Crimes and anti-social behaviour incidents at this location.'),
    ],
  },
  {
    id: 'place-kinds',
    title: 'Crimes and anti-social behaviour at kinds of place',
    description:
      'The crimes and anti-social behaviour incidents in the ward, over the months with data of the 12 months ending with the latest month, at the points police.uk names only by a kind of place ("On or near Supermarket", "On or near Parking Area"): each row adds together every place of that kind in the ward, so it is not the count of one place. These are the crimes the streets table leaves out; most first.',
    fields: [
      {
        name: 'kind',
        type: 'string',
        enum: PLACE_KINDS,
        description:
          'The kind of place, as police.uk names its points: "On or near " and the kind in the records\' Location column.',
      },
      crimes(
        'Crimes and anti-social behaviour incidents at every place of this kind in the ward, added together.',
      ),
    ],
  },
] as const satisfies readonly TableSpec[];

/**
 * What the year pages' wards table's centre_residents column holds: a district without a
 * centre keeps the column, every ward's 0, as the records keep the columns a district has no
 * value for (recordFields), so the table's columns are the same in every district.
 */
function centreResidentsDescription(words: DistrictWords): string {
  if (words.centre === null) {
    return `Always 0: ${words.district} has no centre set apart on this site (its map has no switch to leave one out), so no resident is counted as living in one.`;
  }
  return `Of population, residents of the ${words.centre} (the About page says what it covers). Far more people work in, visit and go out in the ${words.centre} than live there, so a ward with many of them has an inflated rate per resident.`;
}

/**
 * The tables of every year page, each published as <year page>/<id>.csv and .json, in the
 * district's words.
 */
export function yearTableSpecs(words: DistrictWords) {
  return [
    {
      id: 'crime-types',
      title: 'Crimes and anti-social behaviour by type',
      description:
        'Crimes and anti-social behaviour incidents by type in the district over the months of the year that have data.',
      fields: [crimeType, crimes(TYPE_COUNT), share],
    },
    {
      id: 'previous-year',
      title: 'Compared with the previous year',
      description: `Crimes and anti-social behaviour incidents by type in the months of the year that have data in the previous year too, against those months of the previous year; the last row, "${ALL_TYPES_ROW}", is their total.`,
      fields: [
        crimeType,
        crimes(`${OF_ROW} in the compared months of the year.`),
        {
          ...crimes(`${OF_ROW} in the same months of the previous year.`),
          name: 'previous_crimes',
        },
        change('(crimes - previous_crimes) / previous_crimes.'),
        changeVerdict,
      ],
    },
    {
      id: 'months',
      title: 'Crimes and anti-social behaviour per month',
      description:
        'Crimes and anti-social behaviour incidents in the district each month of the year, and of the year before it unless that ends before the first month with data; an empty count is a month without data, not a zero.',
      fields: [month, { ...crimes(MONTH_COUNT), emptyMeansNoData: true }],
    },
    {
      id: 'wards',
      title: 'Crimes and anti-social behaviour by ward',
      description:
        'Crimes and anti-social behaviour incidents in each ward over the months of the year that have data.',
      fields: [
        { name: 'ward_code', type: 'string', description: 'ONS ward code.' },
        { name: 'ward_name', type: 'string', description: 'Ward name.' },
        {
          name: 'population',
          type: 'integer',
          unit: 'residents',
          description: `${RESIDENTS_SOURCE}.`,
        },
        {
          name: 'centre_residents',
          type: 'integer',
          unit: 'residents',
          description: centreResidentsDescription(words),
        },
        crimes('Crimes and anti-social behaviour incidents in the ward.'),
        {
          name: 'months_with_data',
          type: 'integer',
          unit: 'months',
          description: 'The months of the year with data, which crimes and rate_per_1000 cover.',
        },
        {
          name: 'rate_per_1000',
          type: 'number',
          unit: `${COUNTED} per 1,000 residents`,
          emptyMeansNoData: true,
          description:
            'crimes / population x 1,000: a rate a year when months_with_data is 12, otherwise over those months (never scaled up to a year). Empty for a ward without residents: there is no rate to give.',
        },
        {
          name: 'rank',
          type: 'integer',
          description:
            '1 = most crimes and anti-social behaviour incidents among the wards (by count, not by rate; equal counts share a rank).',
        },
        {
          name: 'months_compared',
          type: 'integer',
          unit: 'months',
          description:
            'The months of the year that change compares with the same months of the previous year: those with data in both years.',
        },
        change('Change on the same months of the previous year (months_compared of them).'),
        changeVerdict,
      ],
    },
  ] as const satisfies readonly TableSpec[];
}

export type WardTableId = (typeof WARD_TABLES)[number]['id'];
export type YearTableId = ReturnType<typeof yearTableSpecs>[number]['id'];
export const DOWNLOAD_FORMATS = ['csv', 'json'] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

/**
 * What a postcode list asks of whatever uses it: the pages of a district with postcodes, the
 * files made with them (the records' postcode districts, the place search's index). `year`:
 * the list's notices' year.
 */
export function postcodeAttribution(year: number): string {
  return `Postcodes: Office for National Statistics, ONS Postcode Directory, Open Government Licence v3.0. ${osNotice(year)} Contains Royal Mail data © Royal Mail copyright and database right ${year}.`;
}

/** Ordnance Survey's notice, which data drawn from its maps carries, with the data's year. */
export function osNotice(year: number): string {
  return `Contains OS data © Crown copyright and database right ${year}.`;
}

/**
 * The ONS ward boundaries' notice alone, with the year of their OS notice: what a file made
 * with the boundaries and no population carries (the place search's index places each
 * postcode in its ward by them).
 */
export function wardBoundariesAttribution(year: number): string {
  return `Ward boundaries: Office for National Statistics, Open Government Licence v3.0. ${osNotice(year)}`;
}

/** The ONS boundaries' and population's notice, with the year of the boundaries' OS notice. */
export function boundariesAttribution(year: number): string {
  return `Boundaries and Census 2021 population: Office for National Statistics, Open Government Licence v3.0. ${osNotice(year)}`;
}

/** Licence and attribution that travel with every published file, for a district's sources. */
export function openDataLicence(words: DistrictWords = LEEDS_WORDS) {
  return {
    name: 'OGL-UK-3.0',
    title: DATA_SOURCE.licence,
    path: DATA_SOURCE.licenceUrl,
    attribution: [
      `${DATA_SOURCE.attribution} Crime records: ${DATA_SOURCE.name} (${DATA_SOURCE.url}).`,
      boundariesAttribution(words.boundariesYear),
      ...(words.postcodeYear === null ? [] : [postcodeAttribution(words.postcodeYear)]),
      ...(words.pollingDistrictsBy === null
        ? []
        : [
            `Polling districts: ${words.pollingDistrictsBy}. Contains OS data © Crown copyright and database right.`,
          ]),
    ],
  } as const;
}

export const OPEN_DATA_LICENCE = openDataLicence();

/** Where the data comes from, as datapackage.json and the Dataset JSON-LD list them. */
export function openDataSources(words: DistrictWords = LEEDS_WORDS) {
  return [
    { title: 'police.uk street-level crime', path: DATA_SOURCE.url },
    {
      title: 'Office for National Statistics: ward and LSOA boundaries, Census 2021 population',
      path: 'https://geoportal.statistics.gov.uk/',
    },
    // Only a district with a postcode list uses it.
    ...(words.hasPostcodes
      ? [{ title: 'ONS Postcode Directory', path: 'https://geoportal.statistics.gov.uk/' }]
      : []),
  ];
}

/** One yearly record file, as the pipeline wrote it. */
export const yearlyFileSchema = z.object({
  year: z.number().int(),
  /** File name inside the downloads folder, e.g. "leeds-crimes-2025.csv.gz". */
  file: z.string().regex(/^[a-z0-9.-]+$/),
  /** Data rows (the header not counted). */
  rows: z.number().int().nonnegative(),
  /** Size of the compressed file. */
  bytes: z.number().int().positive(),
  /** SHA-256 of the compressed file, hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** SHA-256 of the CSV before compression: a later run keeps the file when it is unchanged. */
  contentSha256: z.string().regex(/^[0-9a-f]{64}$/),
  months: z.array(monthSchema),
});
export type YearlyFile = z.infer<typeof yearlyFileSchema>;

/** src/data/downloads.json: what the downloads folder holds. */
export const downloadsManifestSchema = z.object({
  schemaVersion: z.literal(1),
  /** The folder under the site root that holds the files. */
  folder: z.literal('downloads'),
  columns: z.array(z.string()),
  files: z.array(yearlyFileSchema),
});
export type DownloadsManifest = z.infer<typeof downloadsManifestSchema>;

/** "leeds-crimes-2025.csv.gz": the area's slug, then the year. */
export function yearlyFileName(year: number, area = 'leeds'): string {
  return `${area}-crimes-${year}.csv.gz`;
}

/** The licence and attribution as plain text, for README files beside the downloads. */
export function licenceText(words: DistrictWords = LEEDS_WORDS): string {
  const licence = openDataLicence(words);
  return [`Licence: ${licence.title} (${licence.path}).`, '', ...licence.attribution].join('\n');
}
