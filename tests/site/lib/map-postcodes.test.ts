import { describe, expect, it } from 'vitest';
import { normalisePostcode, type PostcodeIndexFile } from '../../../src/shared/postcode-index.ts';
import { findPostcode, findWards, searchWords } from '../../../src/lib/map-postcodes.ts';
import { LEEDS_MAP_AREA, type MapArea } from '../../../src/lib/map-area.ts';

/** Two sectors of one district, places in whole 1e-4 degree steps from the sector centre. */
const INDEX: PostcodeIndexFile = {
  version: 1,
  licence: 'OGL-UK-3.0',
  attribution: 'Postcodes: a test list.',
  wards: ['headingley-and-hyde-park', 'weetwood'],
  districts: { LS6: [53.82, -1.57, 0] },
  sectors: { 'LS6 1': [53.81, -1.56, 0], 'LS6 3': [53.83, -1.58, 1] },
  units: { 'LS6 1': ['AA', 12, -5, 0, 'AB', -3, 4, 1], 'LS6 3': ['AA', 0, 0, 1] },
};

describe('normalisePostcode(text)', () => {
  it('reads a full postcode, a sector or a district in any case and spacing', () => {
    expect(normalisePostcode(' ls61aa ')).toEqual({ kind: 'unit', key: 'LS6 1AA' });
    expect(normalisePostcode('LS6   1AA')).toEqual({ kind: 'unit', key: 'LS6 1AA' });
    expect(normalisePostcode('ls6 1')).toEqual({ kind: 'sector', key: 'LS6 1' });
    expect(normalisePostcode('Ls6')).toEqual({ kind: 'district', key: 'LS6' });
    expect(normalisePostcode('LS11 5AB')).toEqual({ kind: 'unit', key: 'LS11 5AB' });
  });

  it('returns null for text that is no postcode', () => {
    for (const text of ['', 'Armley', 'LS', '6LS', 'LS6 1A1'])
      expect(normalisePostcode(text)).toBeNull();
  });
});

describe('findPostcode(index, text)', () => {
  it("gives a full postcode's own place and ward", () => {
    expect(findPostcode(INDEX, 'ls6 1ab')).toEqual({
      kind: 'postcode',
      label: 'LS6 1AB',
      lat: 53.8097,
      lon: -1.5596,
      ward: 'weetwood',
      precision: 'unit',
    });
  });

  it("gives a sector's or a district's centre and commonest ward", () => {
    expect(findPostcode(INDEX, 'LS63')).toMatchObject({ kind: 'none' });
    expect(findPostcode(INDEX, 'LS6 3')).toMatchObject({ lat: 53.83, ward: 'weetwood' });
    expect(findPostcode(INDEX, 'ls6')).toMatchObject({
      lat: 53.82,
      ward: 'headingley-and-hyde-park',
      precision: 'district',
    });
  });

  it('says why a postcode is not found: not in the Leeds wards, or not in the LS list', () => {
    const unknown = findPostcode(INDEX, 'LS6 1ZZ');
    expect(unknown).toMatchObject({ kind: 'none' });
    expect(unknown?.kind === 'none' && unknown.message).toContain(
      'LS6 1ZZ is not in the Leeds wards',
    );
    // Tingley (WF3) and Drighlington (BD11) are in Leeds, with postcodes the LS list lacks:
    // not found is never said to be outside Leeds, for them or for London.
    for (const [typed, shown] of [
      ['wf3 1aa', 'WF3 1AA'],
      ['BD11', 'Postcode district BD11'],
      ['wf3 1', 'Postcode sector WF3 1'],
      ['sw1a 1aa', 'SW1A 1AA'],
    ]) {
      const found = findPostcode(INDEX, typed as string);
      const message = found?.kind === 'none' ? found.message : '';
      expect(message, typed).toBe(
        `${shown} is not in this map's postcode list, which holds only the LS postcodes: if it is in the Leeds district, search for its ward by name.`,
      );
      expect(message, typed).not.toMatch(/not a Leeds postcode|outside/);
    }
  });

  /** Kirklees's postcodes: HD and WF (and area.json may name no example district). */
  const KIRKLEES: PostcodeIndexFile = {
    ...INDEX,
    wards: ['dewsbury-east'],
    districts: { HD1: [53.64, -1.78, 0], WF12: [53.69, -1.62, 0] },
    sectors: { 'WF12 7': [53.69, -1.61, 0] },
    units: { 'WF12 7': ['AA', 0, 0, 0] },
  };
  const kirklees = (holds: MapArea['postcodeListHolds']) => (typed: string) => {
    const found = findPostcode(KIRKLEES, typed, { district: 'Kirklees', postcodeListHolds: holds });
    return found?.kind === 'none' ? found.message : JSON.stringify(found);
  };

  it("says a postcode a list of the whole district lacks is not in the district's wards, whatever its area", () => {
    // A list fetched by `npm run area -- add` holds every postcode of the district: a postcode
    // of another area is not one of the district's, so nothing sends the user to look for it.
    const message = kirklees('district');
    for (const [typed, shown] of [
      ['WF12 7ZZ', 'WF12 7ZZ'],
      ['hd9', 'Postcode district HD9'],
      ['LS6 1AA', 'LS6 1AA'],
      ['bd11', 'Postcode district BD11'],
    ]) {
      expect(message(typed!), typed).toBe(
        `${shown} is not in the Kirklees wards: it may be outside the Kirklees district, newer than the postcode list, or not in use.`,
      );
    }
  });

  it("names the postcode areas a list of whole areas holds, from the index, not from Leeds's", () => {
    const message = kirklees('postcode-areas');
    expect(message('hd9')).toBe(
      'Postcode district HD9 is not in the Kirklees wards: it may be outside the Kirklees district, newer than the postcode list, or not in use.',
    );
    expect(message('LS6 1AA')).toBe(
      "LS6 1AA is not in this map's postcode list, which holds only the HD and WF postcodes: if it is in the Kirklees district, search for its ward by name.",
    );
  });

  it('says there is no postcode list only where the index holds none', () => {
    const empty: PostcodeIndexFile = { ...INDEX, districts: {}, sectors: {}, units: {} };
    const found = findPostcode(empty, 'S10 2TN', {
      district: 'Sheffield',
      postcodeListHolds: null,
    });
    expect(found).toEqual({
      kind: 'none',
      message: 'S10 2TN: the Sheffield map has no postcode list; search by ward name.',
    });
  });

  it('returns null for text that is no postcode, so the caller can try ward names', () => {
    expect(findPostcode(INDEX, 'Weetwood')).toBeNull();
  });
});

describe('findWards(wards, text)', () => {
  const wards = [
    { slug: 'morley-north', name: 'Morley North' },
    { slug: 'morley-south', name: 'Morley South' },
    { slug: 'middleton-park', name: 'Middleton Park' },
    { slug: 'moortown', name: 'Moortown' },
  ];

  it('finds wards by the start of words of their name, in any case, names that start with it first', () => {
    expect(findWards(wards, 'morley')).toEqual(['morley-north', 'morley-south']);
    expect(findWards(wards, 'PARK')).toEqual(['middleton-park']);
    expect(findWards(wards, 'mo')).toEqual(['morley-north', 'morley-south', 'moortown']);
    expect(findWards(wards, 'nor')).toEqual(['morley-north']);
  });

  /** Leeds wards as the map has them, some named with "&". */
  const leeds = [
    'chapel-allerton',
    'gipton-and-harehills',
    'headingley-and-hyde-park',
    'hunslet-and-riverside',
    'killingbeck-and-seacroft',
    'little-london-and-woodhouse',
    'middleton-park',
    'moortown',
    'rothwell',
    'temple-newsam',
  ].map((slug) => ({ slug }));

  it('never matches text inside a word: "ls" of "Harehills" is not a ward', () => {
    // "ls" is where every Leeds postcode starts, and the search box's prompt names it.
    for (const text of ['ls', 'LS', 'ill', 'ton', 'town', 'lls', 'ehills', 'ingley', 'croft'])
      expect(findWards(leeds, text), text).toEqual([]);
  });

  it('finds a ward by the starts of its words, in order, with "and" or "&" or neither', () => {
    for (const [text, found] of [
      ['head', 'headingley-and-hyde-park'],
      ['headingley hyde park', 'headingley-and-hyde-park'],
      ['hyde park', 'headingley-and-hyde-park'],
      ['head hy p', 'headingley-and-hyde-park'],
      ['little lon', 'little-london-and-woodhouse'],
      ['little & wood', 'little-london-and-woodhouse'],
      ['hunslet &', 'hunslet-and-riverside'],
      ['hunslet and', 'hunslet-and-riverside'],
      ['hunslet riverside', 'hunslet-and-riverside'],
      ['gipton and har', 'gipton-and-harehills'],
      ['gipton & har', 'gipton-and-harehills'],
      ['GIPTON & HAREHILLS', 'gipton-and-harehills'],
      ['Gipton Harehills', 'gipton-and-harehills'],
      ['harehills', 'gipton-and-harehills'],
      ['Killingbeck and Seacroft', 'killingbeck-and-seacroft'],
    ] as const) {
      expect(findWards(leeds, text), text).toEqual([found]);
    }
    // In the order the name is read: "park hyde" is no way of writing Hyde Park.
    expect(findWards(leeds, 'park hyde')).toEqual([]);
    expect(findWards(leeds, 'park')).toEqual(['headingley-and-hyde-park', 'middleton-park']);
  });

  it('never takes a postcode, district or sector for a ward', () => {
    // Wards whose words start like Leeds postcodes would otherwise be found by them.
    const named = [...leeds, { slug: 'ls6-village' }, { slug: 'ls-6-2-aa' }, { slug: 'ls62aa' }];
    for (const text of [
      'LS6',
      'ls6',
      'LS6 2',
      'LS6 2AA',
      'ls62aa',
      ' ls6  2aa ',
      'WF3 1AA',
      'BD11',
    ])
      expect(findWards(named, text), text).toEqual([]);
  });

  it('picks the one ward whose whole name was typed', () => {
    expect(findWards(wards, ' moortown ')).toEqual(['moortown']);
  });

  it('reads "and" and "&" alike, and any spacing or punctuation between words', () => {
    const named = [
      ...wards,
      { slug: 'hunslet-and-riverside', name: 'Hunslet & Riverside' },
      { slug: 'burmantofts-and-richmond-hill', name: 'Burmantofts and Richmond Hill' },
    ];
    for (const text of [
      'hunslet and riverside',
      'Hunslet & Riverside',
      'HUNSLET&RIVERSIDE',
      'hunslet-and-riverside',
      '  hunslet   and  riverside ',
    ]) {
      expect(findWards(named, text), text).toEqual(['hunslet-and-riverside']);
    }
    expect(findWards(named, 'burmantofts & richmond')).toEqual(['burmantofts-and-richmond-hill']);
    expect(findWards(named, 'and')).toEqual([
      'hunslet-and-riverside',
      'burmantofts-and-richmond-hill',
    ]);
    expect(findWards(named, 'morley, north')).toEqual(['morley-north']);
    // Accents as typed or left out.
    const welsh = [{ slug: 'ynys-mon', name: 'Ynys Môn' }];
    expect(findWards(welsh, 'Ynys Mon')).toEqual(['ynys-mon']);
    expect(findWards(welsh, 'ynys môn')).toEqual(['ynys-mon']);
  });

  it('finds nothing for blank text or a name of no ward', () => {
    expect(findWards(wards, '  ')).toEqual([]);
    expect(findWards(wards, '&')).toEqual([]);
    expect(findWards(wards, 'Bradford')).toEqual([]);
    // Among wards named with "and": "&" alone is still blank, not the word "and".
    const withAnd = [...wards, { slug: 'hunslet-and-riverside', name: 'Hunslet & Riverside' }];
    for (const text of ['&', ' & ', '-&-', ', &'])
      expect(findWards(withAnd, text), text).toEqual([]);
  });
});

describe('searchWords(area)', () => {
  it('offers postcodes and wards where the area has a postcode list', () => {
    const words = searchWords(LEEDS_MAP_AREA);
    expect(words.label).toBe('Find a postcode or ward');
    expect(words.autocomplete).toBe('postal-code');
    expect(words.prompt).toBe('Type a Leeds postcode, such as LS6 1AA or LS6, or a ward name.');
    expect(words.noMatch(' zzz ')).toBe('No Leeds postcode or ward matches “zzz”.');
  });

  it('offers postcodes where the area has a postcode list but area.json names no example', () => {
    // postcodes.example is optional: its absence is no reason to say there is no list.
    const words = searchWords({ district: 'Kirklees', hasPostcodes: true, postcodeExample: null });
    expect(words.label).toBe('Find a postcode or ward');
    expect(words.autocomplete).toBe('postal-code');
    expect(words.prompt).toBe('Type a Kirklees postcode or a ward name.');
    expect(words.noMatch('zzz')).toBe('No Kirklees postcode or ward matches “zzz”.');
  });

  it('offers wards alone, and no postcode autocomplete, where the area has no postcode list', () => {
    const words = searchWords({
      district: 'Sheffield',
      hasPostcodes: false,
      postcodeExample: null,
    });
    expect(words.label).toBe('Find a ward');
    expect(words.autocomplete).toBe('off');
    expect(words.prompt).toBe('Type a ward name.');
    expect(words.noMatch('zzz')).toBe('No Sheffield ward matches “zzz”.');
    expect([words.label, words.prompt, words.noMatch('S10')].join(' ')).not.toMatch(/postcode/i);
  });
});
