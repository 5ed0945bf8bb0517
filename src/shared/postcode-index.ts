// ⚠️ This module ships to the browser: the map's place search reads the postcode index with
// these types, the pipeline writes it (pipeline/postcode-index.ts). Keep it free of Node APIs.
//
// public/data/postcodes.json: every LS postcode that lies in a Leeds ward, with its place and
// ward, grouped by sector so the file stays small (about 30,000 postcodes):
//
//   {
//     "version": 1,
//     "licence": "OGL-UK-3.0", "attribution": "Postcodes: Office for National Statistics, …",
//     "wards": ["adel-and-wharfedale", ...],          ward slugs, in the map data's order
//     "districts": { "LS6": [lat, lon, ward], ... },  centre of its postcodes, commonest ward
//     "sectors": { "LS6 1": [lat, lon, ward], ... },  likewise
//     "units": { "LS6 1": ["AA", dLat, dLon, ward, "AB", ...], ... }
//   }
//
// A unit's dLat and dLon are whole 1e-4 degrees (about 10 m) from its sector's centre, so most
// are two or three digits. Coordinates are WGS84 degrees.

export const POSTCODE_INDEX_FILE_NAME = 'postcodes.json';
export const POSTCODE_INDEX_VERSION = 1;
/** Units are stored in whole steps of this many degrees from their sector's centre. */
export const POSTCODE_UNIT_STEP_DEGREES = 1e-4;

/** [latitude, longitude, ward index] */
export type PostcodePlace = [number, number, number];

export interface PostcodeIndexFile {
  version: number;
  /** The postcode list's licence and notice, which travel with the file (none: no list). */
  licence?: string;
  attribution?: string;
  wards: string[];
  districts: Record<string, PostcodePlace>;
  sectors: Record<string, PostcodePlace>;
  /** Per sector: inward unit letters, dLat, dLon, ward, repeated. */
  units: Record<string, (string | number)[]>;
}

/** The postcode area of a postcode district: "LS" of "LS6", "S" of "S10". */
export function postcodeArea(district: string): string {
  return district.replace(/\d.*$/, '');
}

/** The postcode areas of an index's districts, in order ("HD", "WF"); none for an empty index. */
export function indexPostcodeAreas(index: Pick<PostcodeIndexFile, 'districts'>): string[] {
  return [...new Set(Object.keys(index.districts).map(postcodeArea))].sort();
}

/**
 * A typed postcode in its standard form: "ls61aa", " LS6  1AA " -> "LS6 1AA"; a sector
 * "ls6 1" -> "LS6 1"; a district "ls6" -> "LS6". null when it is none of these.
 */
export function normalisePostcode(
  text: string,
): { kind: 'unit' | 'sector' | 'district'; key: string } | null {
  const compact = text.toUpperCase().replace(/\s+/g, '');
  const unit = /^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$/.exec(compact);
  if (unit !== null) return { kind: 'unit', key: `${unit[1]} ${unit[2]}` };
  // A sector is written with its space ("LS6 1"); without it, "LS61" is the district LS61.
  const spaced = text.toUpperCase().trim().replace(/\s+/g, ' ');
  const sector = /^([A-Z]{1,2}\d[A-Z\d]?) (\d)$/.exec(spaced);
  if (sector !== null) return { kind: 'sector', key: `${sector[1]} ${sector[2]}` };
  if (/^[A-Z]{1,2}\d[A-Z\d]?$/.test(compact)) return { kind: 'district', key: compact };
  return null;
}
