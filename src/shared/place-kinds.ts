// ⚠️ This module ships to the browser: the pipeline and the pages import it. Keep it free of
// Node APIs and of anything large.

/**
 * The kinds of place police.uk names a snap point by when the point stands over a place
 * rather than a street: a crime there is "On or near Supermarket", whichever supermarket it
 * was. Every supermarket (car park, petrol station, ...) of a ward shares the one name, so a
 * count by location name adds up all of them: not one place, and not a street to rank.
 *
 * The list is police.uk's: the kinds in data.police.uk's count of its anonymous map points by
 * type (data.police.uk/about/, the master list of 2013), but for "Street" and "Added by Police
 * Force", which are not names a point is given (no row of the committed files is "On or near
 * Street" or "On or near Added by Police Force"). The committed West and South Yorkshire
 * street files (data/sample/, data/areas/sheffield/sample/) hold 17 of these 20 kinds;
 * Pedestrian Subway, Ferry Terminal and Motorway Service Area are in police.uk's list only.
 */
export const PLACE_KINDS = [
  'Airport/Airfield',
  'Bus/Coach Station',
  'Conference/Exhibition Centre',
  'Ferry Terminal',
  'Further/Higher Educational Building',
  'Hospital',
  'Motorway Service Area',
  'Nightclub',
  'Park/Open Space',
  'Parking Area',
  'Pedestrian Subway',
  'Petrol Station',
  'Police Station',
  'Prison',
  'Race Track',
  'Shopping Area',
  'Sports/Recreation Area',
  'Supermarket',
  'Theatre/Concert Hall',
  'Theme/Adventure Park',
] as const;

export type PlaceKind = (typeof PLACE_KINDS)[number];

/** How police.uk starts every location name, a street's or a kind of place's. */
const ON_OR_NEAR = 'On or near ';

const BY_LOCATION: ReadonlyMap<string, PlaceKind> = new Map(
  PLACE_KINDS.map((kind) => [ON_OR_NEAR + kind, kind]),
);

/**
 * The kind of place police.uk's `location` names ("On or near Supermarket" -> "Supermarket"),
 * or null for a street or a named place ("On or near Briggate", "On or near Leeds Station").
 * Exact, as police.uk writes the names: a street that only contains a kind's words
 * ("On or near Hospital Lane") is a street.
 */
export function placeKindOf(location: string): PlaceKind | null {
  return BY_LOCATION.get(location) ?? null;
}
