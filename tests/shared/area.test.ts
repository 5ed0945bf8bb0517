import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AreaConfigError,
  areaBuildInputs,
  areaMismatch,
  districtsOfAreas,
  otherDistrictWords,
  parseArea,
  readerDistrictName,
  slugMismatch,
  type AreaConfigInput,
} from '../../src/shared/area.ts';
import { SchemaError } from '../../src/shared/schema.ts';
import { areaOutputPath } from '../../src/shared/area-paths.ts';
import { LONE_SURROGATE } from '../support/lone-surrogate.ts';

/** A parsed area.json, edited freely by the cases below (JSON.parse's own type). */
type Json = ReturnType<typeof JSON.parse>;

const LEEDS = JSON.parse(
  readFileSync(new URL('../../data/areas/leeds/area.json', import.meta.url), 'utf8'),
) as AreaConfigInput;
const SHEFFIELD = JSON.parse(
  readFileSync(new URL('../../data/areas/sheffield/area.json', import.meta.url), 'utf8'),
) as AreaConfigInput;

/** A deep copy of Leeds's configuration with one change made by `edit`. */
function leedsWith(edit: (area: Json) => void): unknown {
  const copy = structuredClone(LEEDS) as Json;
  edit(copy);
  return copy;
}

function issuesOf(value: unknown): string[] {
  try {
    parseArea(value, 'data/areas/test/area.json');
  } catch (error) {
    expect(error).toBeInstanceOf(AreaConfigError);
    return [...(error as AreaConfigError).issues];
  }
  throw new Error('parseArea accepted a bad configuration');
}

describe('parseArea(value, source)', () => {
  it('accepts the committed Leeds and Sheffield configurations', () => {
    expect(parseArea(LEEDS, 'leeds').localAuthority).toEqual({ code: 'E08000035', name: 'Leeds' });
    const sheffield = parseArea(SHEFFIELD, 'sheffield');
    expect(sheffield.forces).toEqual(['south-yorkshire', 'btp']);
    expect(sheffield.boundaries.wards.codeProperty).toBe('WD20CD');
    expect(sheffield.postcodes).toBeNull();
  });

  it('accepts area slugs with numbers ("sheffield-2", "2026"), and not in force slugs', () => {
    for (const slug of ['sheffield-2', 'sheff2', '2026']) {
      expect(parseArea({ ...SHEFFIELD, slug }, slug).slug).toBe(slug);
    }
    expect(() => parseArea({ ...SHEFFIELD, forces: ['yorkshire-2'] }, 'sheffield')).toThrow(
      AreaConfigError,
    );
  });

  it('quotes a long bad value cut between characters, never inside an emoji', () => {
    // JSON.stringify's opening quote and `at` letters put the cut at either half of an emoji.
    for (let at = 70; at < 80; at++) {
      const slug = `${'x'.repeat(at)}${'😀'.repeat(20)}`;
      const [issue] = issuesOf(leedsWith((a) => (a.slug = slug)));
      expect(issue).not.toMatch(LONE_SURROGATE);
      const quoted = /\(got (".*)\)$/u.exec(issue ?? '')?.[1] ?? '';
      expect([...quoted]).toHaveLength(80);
      expect(quoted).toBe(`${[...JSON.stringify(slug)].slice(0, 79).join('')}…`);
    }
  });

  it('reads a left-out postcode file, polling-district source and centre as none', () => {
    const area = parseArea(
      leedsWith((a) => {
        delete a.postcodes;
        delete a.pollingDistricts;
        delete a.centre;
      }),
      'leeds',
    );
    expect([area.postcodes, area.pollingDistricts, area.centre]).toEqual([null, null, null]);
  });

  // Each case breaks one field; the error must name that field (its path) and no other, except
  // fields checked against it (a map centre must lie inside the bounds), listed as `also`.
  const cases: [field: string, edit: (a: Json) => void, also?: string[]][] = [
    ['slug', (a) => (a.slug = 'Leeds City')],
    ['slug', (a) => (a.slug = 'leeds_2')],
    ['forces.0', (a) => (a.forces = ['west-yorkshire-2', 'btp'])],
    ['siteName', (a) => (a.siteName = '  ')],
    ['localAuthority.code', (a) => (a.localAuthority.code = 'E05011384')],
    ['localAuthority.name', (a) => (a.localAuthority.name = '')],
    ['forces', (a) => (a.forces = [])],
    ['forces.1', (a) => (a.forces = ['west-yorkshire', 'West Yorkshire Police'])],
    ['forces', (a) => (a.forces = ['west-yorkshire', 'west-yorkshire'])],
    ['forces', (a) => (a.forces = ['btp', 'west-yorkshire'])],
    ['forceDistricts', (a) => (a.forceDistricts = [])],
    ['forceDistricts.1', (a) => (a.forceDistricts = ['Leeds', ' '])],
    ['boundaries.wards.file', (a) => (a.boundaries.wards.file = '/tmp/wards.geojson')],
    ['boundaries.wards.file', (a) => (a.boundaries.wards.file = '../shared/wards.geojson')],
    ['boundaries.wards.codeProperty', (a) => (a.boundaries.wards.codeProperty = 'WD25cd')],
    ['boundaries.wards.nameProperty', (a) => (a.boundaries.wards.nameProperty = 'WD20NM')],
    ['boundaries.lsoas.codeProperty', (a) => (a.boundaries.lsoas.codeProperty = 'LSOA11CD')],
    ['boundaries.lsoas.nameProperty', (a) => (a.boundaries.lsoas.nameProperty = 'LSOA11NM')],
    ['boundaries.outline', (a) => delete a.boundaries.outline],
    ['boundaries.copyrightYear', (a) => delete a.boundaries.copyrightYear],
    ['boundaries.copyrightYear', (a) => (a.boundaries.copyrightYear = '2025')],
    ['population.file', (a) => (a.population.file = '')],
    ['population.valueColumn', (a) => delete a.population.valueColumn],
    ['postcodes.file', (a) => (a.postcodes = { file: 7, copyrightYear: 2018 })],
    ['postcodes.holds', (a) => (a.postcodes.holds = 'postcode-area')],
    [
      'postcodes.copyrightYear',
      (a) => (a.postcodes = { file: 'data/x.csv', copyrightYear: '2018' }),
    ],
    ['pollingDistricts.url', (a) => (a.pollingDistricts.url = 'mapservices.leeds.gov.uk/7')],
    ['pollingDistricts.codeField', (a) => (a.pollingDistricts.codeField = 'POLLING DI')],
    ['pollingDistricts.wardField', (a) => (a.pollingDistricts.wardField = '')],
    ['pollingDistricts.codeField', (a) => (a.pollingDistricts.codeField = 7)],
    ['centre.kind', (a) => (a.centre = { kind: 'circle', label: 'city centre' })],
    ['centre.districts.1', (a) => (a.centre.districts = ['LS1', 'ls2'])],
    ['centre.wards', (a) => (a.centre = { kind: 'wards', label: 'centre', wards: [] })],
    ['centre.label', (a) => (a.centre.label = '')],
    ['centre', (a) => (a.postcodes = null)],
    ['map.centre.0', (a) => (a.map.centre = [153.8, -1.55]), ['map.centre']],
    ['map.centre', (a) => (a.map.centre = [52.5, -1.9])],
    ['map.zoom', (a) => (a.map.zoom = 10.5)],
    ['map.bounds.north', (a) => (a.map.bounds.north = 53), ['map.centre']],
    ['map.bounds.east', (a) => (a.map.bounds.east = -3), ['map.centre']],
    ['mapCentre', (a) => (a.mapCentre = [53.8, -1.55])],
  ];

  it("refuses, for the pipeline and the site alike, a configuration whose slug is not its folder's", () => {
    const leeds = parseArea(
      leedsWith(() => undefined),
      'data/areas/leeds/area.json',
    );
    expect(slugMismatch(leeds, 'leeds', 'data/areas/leeds/area.json')).toBeNull();
    expect(slugMismatch(leeds, 'leeds-copy', 'data/areas/leeds-copy/area.json')).toBe(
      'data/areas/leeds-copy/area.json: slug is "leeds" but the folder is "leeds-copy": make them the same.',
    );
  });

  it('says which name property goes with the ward code property given', () => {
    const issues = issuesOf(
      leedsWith((a) => {
        a.boundaries.wards.codeProperty = 'WD24CD';
        a.boundaries.wards.nameProperty = 'WD25NM';
      }),
    );
    expect(issues).toEqual([
      'boundaries.wards.nameProperty: must be of the same vintage as codeProperty WD24CD: WD24NM (got "WD25NM")',
    ]);
  });

  it.each(cases)('names %s when only that field is wrong', (field, edit, also = []) => {
    const issues = issuesOf(leedsWith(edit));
    const fields = issues.map((issue) => issue.slice(0, issue.indexOf(': ')));
    // An unknown key is reported at the object holding it, with the key named in the message.
    if (field === 'mapCentre') {
      expect(issues).toHaveLength(1);
      expect(issues[0]).toContain('mapCentre');
      return;
    }
    expect(fields).toContain(field);
    expect(new Set(fields)).toEqual(new Set([field, ...also]));
  });

  it('names a map centre outside map.bounds by its value and the sides it passes, with what to do', () => {
    // Leeds's box is south 53.4, north 54.2, west -2.2, east -0.9.
    const outside: [centre: [number, number], sides: string][] = [
      [[53.8, -2.4], 'west of map.bounds.west -2.2'],
      [[53.8, -0.5], 'east of map.bounds.east -0.9'],
      [[53.3, -1.55], 'south of map.bounds.south 53.4'],
      [[54.5, -0.5], 'north of map.bounds.north 54.2 and east of map.bounds.east -0.9'],
    ];
    for (const [centre, sides] of outside) {
      const issues = issuesOf(leedsWith((a) => (a.map.centre = centre)));
      expect(issues).toEqual([
        `map.centre: must lie inside map.bounds, but lies ${sides}: give a [latitude, ` +
          `longitude] inside the district, or widen map.bounds to hold it (got ${JSON.stringify(centre)})`,
      ]);
    }
  });

  it('says a map centre given as [longitude, latitude] is the wrong way round', () => {
    const issues = issuesOf(leedsWith((a) => (a.map.centre = [-1.55, 53.8])));
    expect(issues).toContain(
      'map.centre: must lie inside map.bounds, but lies south of map.bounds.south 53.4 and ' +
        'east of map.bounds.east -0.9: it reads as [longitude, latitude], give [53.8, -1.55] ' +
        '(got [-1.55,53.8])',
    );
  });

  it("refuses a district's name as ONS sorts it, in localAuthority.name and in siteName, naming the one to write", () => {
    const inverted: [onsName: string, name: string][] = [
      ['Kingston upon Hull, City of', 'Kingston upon Hull'],
      ['Bristol, City of', 'Bristol'],
      ['Herefordshire, County of', 'Herefordshire'],
    ];
    for (const [onsName, name] of inverted) {
      expect(issuesOf(leedsWith((a) => (a.localAuthority.name = onsName)))).toEqual([
        `localAuthority.name: is written as ONS sorts it, and pages would say it so: write it ` +
          `as readers say it, "${name}" (got ${JSON.stringify(onsName)})`,
      ]);
      const siteName = `${onsName} Crime Intelligence`;
      expect(
        issuesOf(
          leedsWith((a) => {
            a.localAuthority.name = name;
            a.siteName = siteName;
          }),
        ),
      ).toEqual([
        `siteName: holds a district's name as ONS sorts it ("${onsName.slice(onsName.indexOf(','))}"): ` +
          `write the name as readers say it, e.g. "${name} Crime Intelligence" (got ${JSON.stringify(siteName)})`,
      ]);
      expect(readerDistrictName(onsName)).toBe(name);
    }
    // Names with "of" that are not inverted stay as they are.
    for (const name of ['Isle of Wight', 'City of London', 'Vale of Glamorgan']) {
      expect(readerDistrictName(name)).toBe(name);
      expect(
        parseArea(
          leedsWith((a) => (a.localAuthority.name = name)),
          'x',
        ).localAuthority.name,
      ).toBe(name);
    }
  });

  it("refuses a boundaries copyright year before the wards' vintage, for each vintage", () => {
    const cases: [codeProperty: string, year: number][] = [
      ['WD25CD', 2021],
      ['WD25CD', 2024],
      ['WD24CD', 2023],
      ['WD20CD', 2011],
    ];
    for (const [codeProperty, year] of cases) {
      const vintage = `20${codeProperty.slice(2, 4)}`;
      const issues = issuesOf(
        leedsWith((a) => {
          a.boundaries.wards.codeProperty = codeProperty;
          a.boundaries.wards.nameProperty = codeProperty.replace('CD', 'NM');
          a.boundaries.copyrightYear = year;
        }),
      );
      expect(issues).toEqual([
        `boundaries.copyrightYear: is before the wards' vintage (${codeProperty}: ${vintage}), ` +
          "so every page's OS notice would give a year before the boundaries existed: give " +
          `the year they were published or fetched, ${vintage} or later (got ${year})`,
      ]);
    }
    // The vintage's own year and later ones pass: Sheffield's 2020 wards fetched in 2021.
    expect(parseArea(SHEFFIELD, 'sheffield').boundaries.copyrightYear).toBe(2021);
    const later = leedsWith((a) => (a.boundaries.copyrightYear = 2026));
    expect(parseArea(later, 'leeds').boundaries.copyrightYear).toBe(2026);
  });

  it('lists every bad field at once, with the value it was given, and says what to do', () => {
    let error: unknown;
    try {
      parseArea(
        leedsWith((a) => {
          a.localAuthority.code = 'Leeds';
          a.boundaries.wards.codeProperty = 'WD25';
          a.map.zoom = 30;
        }),
        'data/areas/leeds/area.json',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemaError);
    const message = (error as Error).message;
    expect(message).toContain('data/areas/leeds/area.json does not fit the schema');
    expect(message).toMatch(/^ {2}- localAuthority\.code: .*\(got "Leeds"\)$/m);
    expect(message).toMatch(/^ {2}- boundaries\.wards\.codeProperty: .*\(got "WD25"\)$/m);
    expect(message).toMatch(/^ {2}- map\.zoom: .*\(got 30\)$/m);
    expect(message).toContain('src/shared/area.ts');
  });
});

describe('areaMismatch(config, builtFrom)', () => {
  const leeds = parseArea(LEEDS, 'data/areas/leeds/area.json');
  const builtFrom = JSON.parse(JSON.stringify(areaBuildInputs(leeds))) as Json;
  const parsed = (edit: (area: Json) => void) =>
    parseArea(leedsWith(edit), 'data/areas/leeds/area.json');

  it('finds nothing between a configuration and the data built from it, whatever the key order', () => {
    expect(areaMismatch(leeds, builtFrom)).toEqual([]);
    const reordered = Object.fromEntries(Object.entries(builtFrom).reverse());
    expect(areaMismatch(leeds, reordered)).toEqual([]);
  });

  it('records the inputs as the committed site data has them, byte for byte, for each area', () => {
    // The committed site data of each area was written by the pipeline from its area.json: the
    // same configuration gives the same bytes, whatever fields only pages read it gained since.
    for (const [config, file, siteData] of [
      [LEEDS, 'data/areas/leeds/area.json', '../../src/data/site-data.json'],
      [
        SHEFFIELD,
        'data/areas/sheffield/area.json',
        '../../data/areas/sheffield/output/site-data.json',
      ],
    ] as const) {
      const committed = JSON.parse(
        readFileSync(new URL(siteData, import.meta.url), 'utf8'),
      ) as Json;
      expect(JSON.stringify(areaBuildInputs(parseArea(config, file))), file).toBe(
        JSON.stringify(committed.builtFrom),
      );
    }
  });

  it("ignores the words only pages say: the site's name, the centre's label, what the postcode list holds", () => {
    expect(
      areaMismatch(
        parsed((a) => (a.siteName = 'Leeds Crime Map')),
        builtFrom,
      ),
    ).toEqual([]);
    expect(
      areaMismatch(
        parsed((a) => (a.centre.label = 'town centre')),
        builtFrom,
      ),
    ).toEqual([]);
    // Data built before area.json said what the list holds still builds.
    const { holds: _holds, ...before } = builtFrom['postcodes'] as Json;
    expect(areaMismatch(leeds, { ...builtFrom, postcodes: before })).toEqual([]);
    expect(
      areaMismatch(
        parsed((a) => (a.postcodes.holds = 'district')),
        builtFrom,
      ),
    ).toEqual([]);
  });

  it.each([
    ['centre', (a: Json) => (a.centre.districts = ['LS1'])],
    ['boundaries', (a: Json) => (a.boundaries.copyrightYear = 2026)],
    ['forces', (a: Json) => (a.forces = ['west-yorkshire'])],
    ['map', (a: Json) => (a.map.centre = [53.81, -1.55])],
    ['pollingDistricts', (a: Json) => (a.pollingDistricts = null)],
    ['pollingDistricts', (a: Json) => (a.pollingDistricts.codeField = 'PD_NO')],
    ['pollingDistricts', (a: Json) => (a.pollingDistricts.wardField = 'Ward_Name')],
  ])('names %s when it changed after the data was built', (field, edit) => {
    expect(areaMismatch(parsed(edit), builtFrom)).toEqual([field]);
  });

  it("takes a polling districts layer's fields named as the defaults as the same input as left out", () => {
    const named = parsed((a) => {
      a.pollingDistricts.codeField = 'POLLING_DI';
      a.pollingDistricts.wardField = 'WARD';
    });
    expect(areaMismatch(named, builtFrom)).toEqual([]);
  });

  it('says the data records no configuration when it has none', () => {
    expect(areaMismatch(leeds, undefined)).toEqual(['(not recorded)']);
  });
});

describe('areaOutputPath(slug)', () => {
  it("is the district's output folder under data/areas for an area name", () => {
    expect(areaOutputPath('sheffield')).toBe('data/areas/sheffield/output');
    expect(areaOutputPath('leeds-2021')).toBe('data/areas/leeds-2021/output');
  });

  it.each(['../x', 'sheffield/../../etc', '/tmp/x', 'Sheffield', 'a b', ''])(
    'throws for %j, which is not an area name',
    (slug) => {
      expect(() => areaOutputPath(slug)).toThrow(
        `Area ${JSON.stringify(slug)} is not an area name`,
      );
    },
  );
});

describe('otherDistrictWords(config, known, source)', () => {
  const LEEDS_SOURCE = 'data/areas/leeds/area.json';
  const SHEFFIELD_SOURCE = 'data/areas/sheffield/area.json';
  const sheffieldWith = (edit: (area: Json) => void) => {
    const copy = structuredClone(SHEFFIELD) as Json;
    edit(copy);
    return parseArea(copy, SHEFFIELD_SOURCE);
  };
  /** What Sheffield's run knows: Leeds's area.json, as the committed repository has it. */
  const fromLeeds = districtsOfAreas([{ value: LEEDS, source: LEEDS_SOURCE }]);
  const fromSheffield = districtsOfAreas([{ value: SHEFFIELD, source: SHEFFIELD_SOURCE }]);

  it('passes the committed areas, each knowing the other', () => {
    expect(otherDistrictWords(parseArea(LEEDS, LEEDS_SOURCE), fromSheffield, LEEDS_SOURCE)).toBe(
      null,
    );
    expect(
      otherDistrictWords(
        sheffieldWith(() => {}),
        fromLeeds,
        SHEFFIELD_SOURCE,
      ),
    ).toBe(null);
  });

  it("refuses Leeds's siteName copied into Sheffield's, saying what, where and what to write", () => {
    expect(
      otherDistrictWords(
        sheffieldWith((a) => (a.siteName = LEEDS.siteName)),
        fromLeeds,
        SHEFFIELD_SOURCE,
      ),
    ).toBe(
      'data/areas/sheffield/area.json names another district where it should name its own:\n' +
        '  - siteName: "Leeds Crime Intelligence" names Leeds (the district of ' +
        'data/areas/leeds/area.json), but this area is Sheffield (localAuthority.name): write ' +
        'Sheffield\'s own, e.g. "Sheffield Crime Intelligence"\n' +
        "Correct these fields (copied from another area's area.json?): this area's pages show them, and its run reads them.",
    );
  });

  it.each<[string, (a: Json) => void, string]>([
    [
      'siteName in capitals',
      (a) => (a.siteName = 'LEEDS CRIME MAP'),
      'siteName: "LEEDS CRIME MAP" names Leeds',
    ],
    [
      'siteName naming a district of its own force',
      (a) => (a.siteName = 'Rotherham Crime Intelligence'),
      'siteName: "Rotherham Crime Intelligence" names Rotherham (one of its forceDistricts)',
    ],
    [
      "siteName naming a district of another area's force",
      (a) => (a.siteName = 'Crime in Wakefield'),
      'siteName: "Crime in Wakefield" names Wakefield (one of the forceDistricts of data/areas/leeds/area.json)',
    ],
    [
      "the centre's label",
      (a) => (a.centre.label = 'Leeds city centre'),
      'centre.label: "Leeds city centre" names Leeds',
    ],
    [
      "the polling districts' publisher",
      (a) =>
        (a.pollingDistricts = {
          url: 'https://example.org/MapServer/7',
          publisher: 'Leeds City Council',
        }),
      'pollingDistricts.publisher: "Leeds City Council" names Leeds',
    ],
    [
      "Leeds's name with Sheffield's code",
      (a) => (a.localAuthority.name = 'Leeds'),
      'localAuthority.name: "Leeds" is the name of E08000035, the district of data/areas/leeds/area.json, ' +
        'but localAuthority.code is E08000039',
    ],
  ])("refuses %s in Sheffield's area.json", (_, edit, problem) => {
    expect(otherDistrictWords(sheffieldWith(edit), fromLeeds, SHEFFIELD_SOURCE)).toContain(
      `\n  - ${problem}`,
    );
  });

  it.each<[string, string, RegExp | null]>([
    [
      "Leeds's layer, with Sheffield's publisher",
      LEEDS.pollingDistricts!.url,
      /^ {2}- pollingDistricts\.url: "https:\/\/mapservices\.leeds\.gov\.uk\/.*" names Leeds \(the district of data\/areas\/leeds\/area\.json\) in its address, so its layer is likely that council's, not Sheffield's: give the address of Sheffield's council's polling districts layer, or set pollingDistricts to null$/m,
    ],
    [
      "a layer of Rotherham's council, a district of its force",
      'https://maps.rotherham.gov.uk/arcgis/rest/services/Elections/MapServer/3',
      /^ {2}- pollingDistricts\.url: ".*" names Rotherham \(one of its forceDistricts\) in its address/m,
    ],
    [
      "Sheffield's own council's layer",
      'https://maps.sheffield.gov.uk/arcgis/rest/services/Boundaries/MapServer/7',
      null,
    ],
    [
      'a layer on a server that names no district',
      'https://services.arcgis.com/abc/arcgis/rest/services/PD/FeatureServer/0',
      null,
    ],
  ])("judges the polling districts' address in Sheffield's area.json: %s", (_, url, problem) => {
    const config = sheffieldWith(
      (a) => (a.pollingDistricts = { url, publisher: 'Sheffield City Council' }),
    );
    const message = otherDistrictWords(config, fromLeeds, SHEFFIELD_SOURCE);
    if (problem === null) expect(message).toBe(null);
    else expect(message).toMatch(problem);
  });

  it("passes Leeds's own polling districts' address", () => {
    const leeds = parseArea(LEEDS, LEEDS_SOURCE);
    expect(leeds.pollingDistricts?.url).toMatch(/leeds\.gov\.uk/);
    expect(otherDistrictWords(leeds, fromSheffield, LEEDS_SOURCE)).toBe(null);
  });

  it("refuses Sheffield's siteName copied into Leeds's", () => {
    const leeds = parseArea(
      leedsWith((a) => (a.siteName = SHEFFIELD.siteName)),
      LEEDS_SOURCE,
    );
    expect(otherDistrictWords(leeds, fromSheffield, LEEDS_SOURCE)).toContain(
      '  - siteName: "Sheffield Crime Intelligence" names Sheffield (the district of ' +
        'data/areas/sheffield/area.json), but this area is Leeds (localAuthority.name): write ' +
        'Leeds\'s own, e.g. "Leeds Crime Intelligence"',
    );
  });

  it.each<[string, string[]]>([
    ['City of Sheffield', ['Barnsley', 'Doncaster', 'Rotherham', 'Sheffield']],
    [
      'City of Sheffield',
      ['Barnsley', 'Doncaster', 'Rotherham', 'Sheffield', 'Sheffield, City of'],
    ],
    ['Sheffield', ['Barnsley', 'Doncaster', 'Rotherham', 'Sheffield, City of', 'Sheffield']],
  ])(
    'passes words naming the district as its LSOAs or ONS do: %s with forceDistricts %j',
    (name, forceDistricts) => {
      const config = sheffieldWith((a) => {
        a.localAuthority.name = name;
        a.forceDistricts = forceDistricts;
        a.pollingDistricts = {
          url: 'https://maps.sheffield.gov.uk/arcgis/rest/services/Boundaries/MapServer/7',
          publisher: 'Sheffield City Council',
        };
      });
      expect(config.siteName).toMatch(/\bSheffield\b/);
      expect(otherDistrictWords(config, fromLeeds, SHEFFIELD_SOURCE)).toBe(null);
    },
  );

  it("passes another district's name inside its own, and a second area of the same district", () => {
    const hull = sheffieldWith((a) => {
      a.localAuthority.name = 'Kingston upon Hull';
      a.siteName = 'Kingston upon Hull Crime Intelligence';
      a.forceDistricts = ['Kingston upon Hull', 'East Riding of Yorkshire'];
    });
    const known = [{ name: 'Hull', whose: 'the district of data/areas/hull/area.json' }];
    expect(otherDistrictWords(hull, known, 'x')).toBe(null);
    // A name in a longer word is not the name: "Leedsville", "Sheffielder".
    expect(
      otherDistrictWords(
        sheffieldWith((a) => (a.siteName = 'Leedsville')),
        fromLeeds,
        'x',
      ),
    ).toBe(null);
    // Leeds's configuration under another slug (tests/support/multi-area.ts's leeds-twin).
    const twin = parseArea({ ...LEEDS, slug: 'leeds-twin', siteName: 'Leeds Twin' }, 'x');
    expect(
      otherDistrictWords(twin, districtsOfAreas([{ value: LEEDS, source: LEEDS_SOURCE }]), 'x'),
    ).toBe(null);
  });
});
