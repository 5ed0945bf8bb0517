// ⚠️ This module ships to the browser: the pipeline, the pages and the map island all
// import it. Keep it free of Node APIs and of anything large.

/** The 14 police.uk crime types, in the order police.uk lists them. */
export const CRIME_TYPES = [
  'Anti-social behaviour',
  'Bicycle theft',
  'Burglary',
  'Criminal damage and arson',
  'Drugs',
  'Other crime',
  'Other theft',
  'Possession of weapons',
  'Public order',
  'Robbery',
  'Shoplifting',
  'Theft from the person',
  'Vehicle crime',
  'Violence and sexual offences',
] as const;

export type CrimeType = (typeof CRIME_TYPES)[number];

/**
 * The one type that is not a crime: police.uk counts anti-social behaviour incidents beside
 * crimes, so a total over every type is "crimes and anti-social behaviour".
 */
export const ANTI_SOCIAL_BEHAVIOUR: CrimeType = 'Anti-social behaviour';

/**
 * police.uk API category slugs (crimes-street, crime-categories) -> archive names.
 * "all-crime" is a query category only and never appears on a crime.
 */
export const API_CATEGORY_TO_CRIME_TYPE: Readonly<Record<string, CrimeType>> = {
  'anti-social-behaviour': 'Anti-social behaviour',
  'bicycle-theft': 'Bicycle theft',
  burglary: 'Burglary',
  'criminal-damage-arson': 'Criminal damage and arson',
  drugs: 'Drugs',
  'other-crime': 'Other crime',
  'other-theft': 'Other theft',
  'possession-of-weapons': 'Possession of weapons',
  'public-order': 'Public order',
  robbery: 'Robbery',
  shoplifting: 'Shoplifting',
  'theft-from-the-person': 'Theft from the person',
  'vehicle-crime': 'Vehicle crime',
  'violent-crime': 'Violence and sexual offences',
};

/** The columns police.uk's street-level and outcomes CSVs both start with, in its order. */
const CRIME_PLACE_COLUMNS = [
  'Crime ID',
  'Month',
  'Reported by',
  'Falls within',
  'Longitude',
  'Latitude',
  'Location',
  'LSOA code',
  'LSOA name',
] as const;

/** Columns of a police.uk street-level CSV, in the order police.uk writes them. */
export const STREET_COLUMNS = [
  ...CRIME_PLACE_COLUMNS,
  'Crime type',
  'Last outcome category',
  'Context',
] as const;

/** Columns of a police.uk outcomes CSV. */
export const OUTCOME_COLUMNS = [...CRIME_PLACE_COLUMNS, 'Outcome type'] as const;

/** Columns of a police.uk stop-and-search CSV. */
export const STOP_SEARCH_COLUMNS = [
  'Type',
  'Date',
  'Part of a policing operation',
  'Policing operation',
  'Latitude',
  'Longitude',
  'Gender',
  'Age range',
  'Self-defined ethnicity',
  'Officer-defined ethnicity',
  'Legislation',
  'Object of search',
  'Outcome',
  'Outcome linked to object of search',
  'Removal of more than just outer clothing',
] as const;

/** Columns our master CSV adds after the police.uk ones. */
export const ENRICHMENT_COLUMNS = [
  'Ward Name',
  'Ward Code',
  'LSOA 2021',
  'Postcode District',
  'Postcode District Estimated',
  'Polling District',
  'Outcome',
] as const;

export const MASTER_COLUMNS = [...STREET_COLUMNS, ...ENRICHMENT_COLUMNS] as const;

export const LEEDS_DISTRICT_CODE = 'E08000035';

/**
 * The city centre, as the map's "exclude city centre" switch defines it: crimes whose
 * postcode district is LS1 or LS2. Stated on the map page in these words.
 */
export const CITY_CENTRE_POSTCODE_DISTRICTS = ['LS1', 'LS2'] as const;

/** The force whose files we read, and British Transport Police, whose rows we keep inside Leeds. */
export const FORCES = ['west-yorkshire', 'btp'] as const;
export type Force = (typeof FORCES)[number];

export const DATA_SOURCE = {
  name: 'police.uk',
  url: 'https://data.police.uk/',
  licence: 'Open Government Licence v3.0',
  licenceUrl: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
  attribution:
    'Contains public sector information licensed under the Open Government Licence v3.0.',
} as const;

// The locator's method parameters (pipeline/geo.ts), which the About page states.

/**
 * How far outside the district outline a point may lie and still count as Leeds, metres.
 * The ONS "generalised clipped" boundaries are simplified to about 20 m, so a real Leeds
 * snap point near the edge can fall a few metres outside them: in the sample months 12 of
 * 26,721 Leeds crimes lie outside the ward polygons, all within 10 m. 50 m allows for the
 * full 20 m generalisation plus a snap point set back on a street near the boundary, while
 * staying far below the distance to the neighbouring districts' settlements (their crimes
 * lie hundreds of metres or more from the outline). Points this close but outside are
 * given the nearest ward.
 */
export const OUTLINE_TOLERANCE_M = 50;

/**
 * How far the nearest LS postcode may be for its district to be used, metres. Postcode
 * units hold a few dozen addresses, so in built-up Leeds the nearest one is usually within
 * 100 m (median 26 m over the sample rows); on the rural fringe (farms, moorland) it can be
 * several hundred metres. But parts of the district have WF or BD postcodes (Tingley and
 * East Ardsley WF3, Drighlington BD11, Allerton Bywater WF10) that the LS list does not
 * hold: there the nearest LS postcode is 1 to 3 km away and its district would be wrong.
 * Beyond 1 km the district comes from `postcodePlaces` (postcodes.io answers, cached by
 * coordinate) when the run has them; otherwise see POSTCODE_FALLBACK_RADIUS_M in pipeline/geo.ts.
 */
export const POSTCODE_RADIUS_M = 1_000;
