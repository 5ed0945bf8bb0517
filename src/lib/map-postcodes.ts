// Finding a place typed into the map's search box: a postcode (full, sector or district) in
// the published postcode index, or a ward by name. Pure.
import { MAP_AREA, type MapArea } from './map-area.ts';
import {
  POSTCODE_UNIT_STEP_DEGREES,
  indexPostcodeAreas,
  normalisePostcode,
  postcodeArea,
  type PostcodeIndexFile,
} from '../shared/postcode-index.ts';
import { wardSlug } from '../shared/ward-slug.ts';
import { listInWords } from './format.ts';

export type PlaceMatch =
  | {
      kind: 'postcode';
      label: string;
      lat: number;
      lon: number;
      ward: string;
      precision: 'unit' | 'sector' | 'district';
    }
  | { kind: 'wards'; wards: string[] }
  | { kind: 'none'; message: string };

/** Zoom to show a found place at: a street for a full postcode, a neighbourhood for a sector. */
export const PLACE_ZOOM = { unit: 15, sector: 14, district: 13 } as const;

/**
 * The place of a postcode in the index, or why there is none. The postcode areas the list
 * holds are those of the index's districts (Leeds's list holds LS alone; a list fetched by
 * `npm run area -- add` holds every area of the district's postcodes). A postcode of another
 * area may be in the district only when the list is of whole postcode areas.
 */
export function findPostcode(
  index: PostcodeIndexFile,
  text: string,
  area: Pick<MapArea, 'district' | 'postcodeListHolds'> = MAP_AREA,
): PlaceMatch | null {
  const postcode = normalisePostcode(text);
  if (postcode === null) return null;
  const { kind, key } = postcode;
  const outward = key.split(' ')[0] ?? key;
  const district = area.district;
  const notFound = (what: string): PlaceMatch => {
    const listed = indexPostcodeAreas(index);
    return {
      kind: 'none',
      message:
        listed.length === 0
          ? `${what}: the ${district} map has no postcode list; search by ward name.`
          : area.postcodeListHolds === 'district' || listed.includes(postcodeArea(outward))
            ? `${what} is not in the ${district} wards: it may be outside the ${district} district, newer than the postcode list, or not in use.`
            : // Parts of a district can have another area's postcodes (WF and BD in Leeds), which
              // the list does not hold: not found is not "not in the district".
              `${what} is not in this map's postcode list, which holds only the ${listInWords(listed)} postcodes: if it is in the ${district} district, search for its ward by name.`,
    };
  };
  const place = (lat: number, lon: number, wardIndex: number): PlaceMatch => ({
    kind: 'postcode',
    label: key,
    lat,
    lon,
    ward: index.wards[wardIndex] ?? '',
    precision: kind,
  });
  if (kind === 'district') {
    const d = index.districts[key];
    return d === undefined ? notFound(`Postcode district ${key}`) : place(...d);
  }
  const sectorKey = kind === 'sector' ? key : key.slice(0, -2);
  const sector = index.sectors[sectorKey];
  if (sector === undefined) return notFound(kind === 'sector' ? `Postcode sector ${key}` : key);
  if (kind === 'sector') return place(...sector);
  const letters = key.slice(-2);
  const units = index.units[sectorKey] ?? [];
  for (let i = 0; i + 3 < units.length; i += 4) {
    if (units[i] !== letters) continue;
    const step = POSTCODE_UNIT_STEP_DEGREES;
    const lat = sector[0] + Number(units[i + 1]) * step;
    const lon = sector[1] + Number(units[i + 2]) * step;
    return place(Math.round(lat * 1e5) / 1e5, Math.round(lon * 1e5) / 1e5, Number(units[i + 3]));
  }
  return notFound(key);
}

/** The joining word of ward names: "Hunslet & Riverside" is searched as "hunslet and riverside". */
const AND = 'and';

/**
 * Whether each typed word starts a word of a ward's name (as slug words), in the order typed,
 * with words of the name skipped between them: "hyde park" fits "headingley and hyde park",
 * skipping its "and" as any other word. A typed "and" that starts no word of the name is left
 * out, so "and" is optional on both sides; but some word must match, so "and" alone finds
 * the names with a word starting "and", not every name.
 */
function startsWordsInOrder(
  typed: readonly string[],
  name: readonly string[],
  matched = false,
): boolean {
  const [first, ...rest] = typed;
  if (first === undefined) return matched;
  for (let i = 0; i < name.length; i += 1) {
    if (name[i]?.startsWith(first) === true && startsWordsInOrder(rest, name.slice(i + 1), true))
      return true;
  }
  return first === AND && startsWordsInOrder(rest, name, matched);
}

/**
 * Wards whose name has words that start with the words typed, in the order typed, as slugs,
 * best match first. Words match from their start, never inside a word: "ls" (the start of
 * every Leeds postcode) and "ton" find no ward, "head" finds Headingley & Hyde Park. In order,
 * as a name is read: "park" then "hyde" is no way to write Hyde Park. The text and the names
 * are compared as slugs (wardSlug, from which each ward's slug is made), so in any case,
 * accents left off, with "and", "&" or neither, and with any spacing or punctuation
 * ("hunslet and riverside", "Hunslet & Riverside", "hunslet riverside", "hunslet &"). Text
 * that reads as a postcode, district or sector ("LS6", "LS6 2", "ls62aa") is never a ward:
 * the search looks it up as a postcode.
 */
export function findWards(wards: readonly { slug: string }[], text: string): string[] {
  // Text of no letter or digit is blank: "&" alone would otherwise be searched as "and".
  if (!/[\p{L}\p{N}]/u.test(text)) return [];
  if (normalisePostcode(text) !== null) return [];
  const slug = wardSlug(text);
  // Text of letters no slug spells (Greek, say) is blank too, not the start of every word.
  if (slug === '') return [];
  const typed = slug.split('-');
  const hits = wards.filter((w) => startsWordsInOrder(typed, w.slug.split('-')));
  // The one ward whose whole name was typed, with or without its "and"s.
  const withoutAnd = (words: readonly string[]) => words.filter((word) => word !== AND).join('-');
  const exact = hits.find((w) => withoutAnd(w.slug.split('-')) === withoutAnd(typed));
  if (exact !== undefined) return [exact.slug];
  // Names that start with the first word typed come first.
  const later = (w: { slug: string }) => Number(!w.slug.startsWith(typed[0] ?? ''));
  return hits.sort((a, b) => later(a) - later(b)).map((w) => w.slug);
}

/** How the place search speaks, as the area has a postcode list or not (MapArea). */
export interface SearchWords {
  /** The search box's label: "Find a postcode or ward", "Find a ward". */
  label: string;
  /** The box's autocomplete: postcodes when there is a list to search. */
  autocomplete: 'postal-code' | 'off';
  /** What an empty search asks for. */
  prompt: string;
  /** What a search that matches nothing says. */
  noMatch(text: string): string;
}

export function searchWords(
  area: Pick<MapArea, 'district' | 'hasPostcodes' | 'postcodeExample'>,
): SearchWords {
  const example = area.postcodeExample;
  const searched = area.hasPostcodes ? 'postcode or ward' : 'ward';
  return {
    label: `Find a ${searched}`,
    autocomplete: area.hasPostcodes ? 'postal-code' : 'off',
    prompt: !area.hasPostcodes
      ? 'Type a ward name.'
      : example === null
        ? `Type a ${area.district} postcode or a ward name.`
        : `Type a ${area.district} postcode, such as ${example} 1AA or ${example}, or a ward name.`,
    noMatch: (text) => `No ${area.district} ${searched} matches “${text.trim()}”.`,
  };
}
