import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { PLACE_KINDS, placeKindOf } from '../../src/shared/place-kinds.ts';

/** Every committed street file of both districts' samples. */
const STREET_FILES = [
  ...['2024-03', '2025-02', '2025-03'].map(
    (m) => `data/sample/archive/${m}/${m}-west-yorkshire-street.csv`,
  ),
  ...['2024-01', '2024-02', '2024-03', '2024-04'].map(
    (m) => `data/areas/sheffield/sample/archive/${m}/${m}-south-yorkshire-street.csv`,
  ),
];

/**
 * The location names of those files that name a kind of place and no street, read off the
 * files (a kind of police.uk's list of map points, src/shared/place-kinds.ts): the common
 * ones are given to points tens of kilometres apart, as every supermarket of both districts
 * is "On or near Supermarket".
 */
const KIND_NAMES_IN_FILES = [
  'On or near Airport/Airfield',
  'On or near Bus/Coach Station',
  'On or near Conference/Exhibition Centre',
  'On or near Further/Higher Educational Building',
  'On or near Hospital',
  'On or near Nightclub',
  'On or near Park/Open Space',
  'On or near Parking Area',
  'On or near Petrol Station',
  'On or near Police Station',
  'On or near Prison',
  'On or near Race Track',
  'On or near Shopping Area',
  'On or near Sports/Recreation Area',
  'On or near Supermarket',
  'On or near Theatre/Concert Hall',
  'On or near Theme/Adventure Park',
];

describe('placeKindOf(location)', () => {
  it('names the kind of every kind-of-place location in the committed street files, and of no street', () => {
    const locations = new Set<string>();
    for (const file of STREET_FILES) {
      const rows = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
      for (const row of rows) locations.add(row['Location'] ?? '');
    }
    expect(locations.size).toBeGreaterThan(10_000);
    const kinds = [...locations].filter((l) => placeKindOf(l) !== null).sort();
    expect(kinds).toEqual(KIND_NAMES_IN_FILES);
    for (const location of kinds) {
      expect(`On or near ${placeKindOf(location)}`).toBe(location);
    }
  });

  it("returns null for streets and named places that hold a kind's words", () => {
    for (const location of [
      'On or near Hospital Lane',
      'On or near Leeds City Bus Station',
      'On or near Pudsey Bus Station',
      'On or near Race Street',
      'On or near Racecourse Road',
      'On or near Supermarket Street',
      'Supermarket',
      'On or near ',
      '',
    ]) {
      expect(placeKindOf(location), location).toBeNull();
    }
  });

  it("knows each kind of police.uk's list once, the three not in the committed files among them", () => {
    expect(new Set(PLACE_KINDS).size).toBe(PLACE_KINDS.length);
    for (const kind of ['Pedestrian Subway', 'Ferry Terminal', 'Motorway Service Area']) {
      expect(placeKindOf(`On or near ${kind}`)).toBe(kind);
    }
  });
});
