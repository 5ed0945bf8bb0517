import { describe, expect, it } from 'vitest';
import { CRIME_TYPES } from '../../../src/shared/constants.ts';
import {
  defaultState,
  parseState,
  readState,
  serialiseState,
  type StateContext,
} from '../../../src/lib/map-state.ts';
import { monthRange } from '../../../src/shared/months.ts';
import {
  choroplethScale,
  choroplethValues,
  CHOROPLETH_COLOURS,
} from '../../../src/lib/map-scale.ts';
import { formatRate } from '../../../src/lib/format.ts';

const context: StateContext = {
  months: monthRange('2024-03', '2025-03'),
  wards: [
    { code: 'E05011385', slug: 'armley' },
    { code: 'E05012647', slug: 'beeston-and-holbeck' },
  ],
};

describe('parseState(search, context)', () => {
  it('reads every parameter of a shared link', () => {
    const state = parseState(
      '?type=burglary,violent-crime&from=2025-02&to=2025-03&view=wards&measure=rate&intensity=8&min=5&cc=1&ward=armley&c=53.8123,-1.5432&z=13.5',
      context,
    );
    expect(state).toEqual({
      types: ['Burglary', 'Violence and sexual offences'],
      from: '2025-02',
      to: '2025-03',
      view: 'wards',
      measure: 'rate',
      intensity: 8,
      threshold: 5,
      excludeCityCentre: true,
      ward: 'armley',
      centre: [53.8123, -1.5432],
      zoom: 13.5,
    });
  });

  it('accepts a ward by ONS code, as the ward reports link to the map', () => {
    expect(parseState('?ward=E05012647', context).ward).toBe('beeston-and-holbeck');
  });

  it('reads names typed with capitals as the lower-case names the map writes', () => {
    expect(
      parseState('?type=Drugs,BURGLARY&view=Wards&measure=RATE&ward=Armley', context),
    ).toMatchObject({
      types: ['Burglary', 'Drugs'],
      view: 'wards',
      measure: 'rate',
      ward: 'armley',
    });
    expect(parseState('?ward=e05012647', context).ward).toBe('beeston-and-holbeck');
  });

  it('reads a value with spaces around it as the value, as it reads a type or a number', () => {
    const { state, notes } = readState(
      '?type=+drugs+&from=2025-02%20&to=%202025-03&view=wards+&measure=%20Rate&intensity=+8&min=5+&cc=1%20&ward=armley+&c=53.8123,-1.5432+&z=+13.5',
      context,
    );
    expect(notes).toEqual([]);
    expect(state).toEqual(
      parseState(
        '?type=drugs&from=2025-02&to=2025-03&view=wards&measure=rate&intensity=8&min=5&cc=1&ward=armley&c=53.8123,-1.5432&z=13.5',
        context,
      ),
    );
    // Spaces alone are no value, as an empty one is.
    expect(readState('?ward=+&view=%20&from=++', context)).toEqual({
      state: defaultState(context),
      notes: [],
    });
  });

  it('takes every type of a link that gives type= more than once, as a form sends a list', () => {
    expect(parseState('?type=drugs&type=burglary,shoplifting', context).types).toEqual([
      'Burglary',
      'Drugs',
      'Shoplifting',
    ]);
    expect(parseState('?type=&type=drugs', context).types).toEqual(['Drugs']);
  });

  it('falls back to the defaults for unknown or out-of-range values', () => {
    const state = parseState(
      '?view=3d&intensity=99&ward=atlantis&from=2019-01&to=2031-05',
      context,
    );
    expect(state.view).toBe('heat');
    expect(state.intensity).toBe(defaultState(context).intensity);
    expect(parseState('?measure=per-km&min=7', context)).toMatchObject({
      measure: 'count',
      threshold: 1,
    });
    expect(state.ward).toBeNull();
    expect([state.from, state.to]).toEqual(['2024-03', '2025-03']);
  });

  it('reads a month that is not a calendar month as none, never as a month beyond the data', () => {
    // "2025-13" sorts after the last month (2025-03), "2024-00" before the first (2024-03).
    for (const query of ['?from=2025-13', '?to=2024-00', '?from=2025-3&to=2024-3']) {
      const state = parseState(query, context);
      expect([state.from, state.to], query).toEqual(['2024-03', '2025-03']);
    }
  });

  it('swaps a reversed month range', () => {
    const state = parseState('?from=2025-03&to=2024-06', context);
    expect([state.from, state.to]).toEqual(['2024-06', '2025-03']);
  });
});

describe('readState(search, context) notes', () => {
  it('has no note for a link the map wrote, nor for empty values or names it does not use', () => {
    const written = serialiseState(
      parseState(
        '?type=burglary,violent-crime&from=2025-02&to=2025-03&view=wards&measure=rate&intensity=8&min=5&cc=1&ward=armley&c=53.8123,-1.5432&z=13.5',
        context,
      ),
      context,
    );
    expect(written).toContain('measure=rate');
    expect(readState(written, context).notes).toEqual([]);
    expect(readState('?from=&to=&ward=&cc=0&fbclid=abc&utm_source=x', context).notes).toEqual([]);
  });

  it('has no note for any view the map can be in, its centre panned far out of the district too', () => {
    const defaults = defaultState(context);
    const centres: [number, number][] = [
      [53.8, -1.55],
      [51.5074, -0.1278], // panned to London
      [55.9533, -3.1883], // and to Edinburgh
      [53.8, -2.9], // west of the box only
      [54.5, -1.55], // north of it only
      [53.39999, -0.89999], // just past two edges
    ];
    const views = [
      { ...defaults },
      { ...defaults, types: [], from: '2024-05', to: '2024-05' }, // a month in the gap
      { ...defaults, types: CRIME_TYPES.slice(0, 3), from: '2024-03', to: '2025-02' },
      { ...defaults, view: 'wards' as const, measure: 'rate' as const, excludeCityCentre: true },
      { ...defaults, ward: 'beeston-and-holbeck', intensity: 1, threshold: 20 },
    ];
    for (const view of views) {
      for (const centre of centres) {
        for (const zoom of [8, 10.25, 17]) {
          const written = serialiseState({ ...view, centre, zoom }, context);
          const { state, notes } = readState(written, context);
          expect(notes, written).toEqual([]);
          expect(state.centre, written).not.toBeNull();
          expect(state.zoom, written).toBe(Math.round(zoom * 2) / 2);
          expect([state.types, state.from, state.to, state.ward], written).toEqual([
            view.types,
            view.from,
            view.to,
            view.ward,
          ]);
        }
      }
    }
    // Inside the box, the centre comes back as written; outside, at the nearest edge.
    const reopened = (centre: [number, number]) =>
      parseState(serialiseState({ ...defaults, centre, zoom: 12 }, context), context).centre;
    expect(reopened([53.81234, -1.54321])).toEqual([53.8123, -1.5432]);
    expect(reopened([51.5074, -0.1278])).toEqual([53.4, -0.9]);
  });

  it('says, for each value it cannot use, what the link asked and what the map shows instead', () => {
    const cases: [string, string, RegExp][] = [
      ['?from=2019-01', '2024-03', /Jan 2019.*before.*starts at Mar 2024/],
      ['?from=2024-06&to=2099-01', '2024-06', /Jan 2099.*after.*ends at Mar 2025/],
      ['?from=2025-13', '2024-03', /"2025-13" is not a month.*starts at Mar 2024/],
      ['?from=2025-03&to=2024-06', '2024-06', /Mar 2025, is after the last \(to\), Jun 2024/],
    ];
    for (const [query, from, note] of cases) {
      const { state, notes } = readState(query, context);
      expect(state.from, query).toBe(from);
      expect(notes, query).toHaveLength(1);
      expect(notes[0], query).toMatch(note);
    }
    // The wrong way round and beyond the data at both ends: swapped first, so each note
    // names the end the map shows.
    const swapped = readState('?from=2099-01&to=2019-01', context);
    expect([swapped.state.from, swapped.state.to]).toEqual(['2024-03', '2025-03']);
    expect(swapped.notes).toHaveLength(3);
    expect(swapped.notes[0]).toMatch(/Jan 2099, is after the last \(to\), Jan 2019/);
    expect(swapped.notes[1]).toMatch(/Jan 2019, is before .* starts at Mar 2024/);
    expect(swapped.notes[2]).toMatch(/Jan 2099, is after .* ends at Mar 2025/);
    const { state, notes } = readState(
      '?type=drugs,burglery,Shop-lifting&view=3d&measure=per-km&intensity=0&min=7&cc=yes&ward=atlantis&c=51.5,-0.12&z=12',
      context,
    );
    expect(state).toEqual({ ...defaultState(context), types: ['Drugs'] });
    expect(notes).toHaveLength(8);
    for (const [i, words] of [
      ['"burglery" and "Shop-lifting"', 'not crime types', 'leaves them out'],
      ['"3d"', 'heatmap'],
      ['"per-km"', 'counts'],
      ['"0"', 'uses 5'],
      ['"7"', 'uses 1'],
      ['"yes"', 'leaves the centre in'],
      ['"atlantis"', 'no ward is open'],
      ['"51.5,-0.12"', 'outside Leeds', 'whole of Leeds'],
    ].entries()) {
      for (const w of words) expect(notes[i], w).toContain(w);
    }
  });

  it('says which centre or zoom it could not use, and opens the whole district', () => {
    for (const [query, words] of [
      ['?c=53.81,-1.55', 'without a zoom'],
      ['?z=12', 'without a map centre'],
      ['?c=NaN,NaN&z=12', '"NaN,NaN" is not a latitude and longitude'],
      ['?c=53.81,-1.55&z=30', '"30" is not a number from 8 to 17'],
      ['?c=53.81,-1.55&z=abc', '"abc" is not a number'],
    ] as const) {
      const { state, notes } = readState(query, context);
      expect(state, query).toMatchObject({ centre: null, zoom: null });
      expect(notes, query).toHaveLength(1);
      expect(notes[0], query).toContain(words);
    }
  });

  it('shows every crime type for a link whose types are all unknown, and says it ignored them', () => {
    const all = defaultState(context).types;
    for (const [query, words] of [
      ['?type=burglery', '"burglery" is not a crime type the map knows'],
      ['?type=Burglery,drgus', '"Burglery" and "drgus" are not crime types'],
      ['?type=burglery&type=', '"burglery" is not a crime type'],
      ['?type=,burglery,', '"burglery" is not a crime type'],
    ] as const) {
      const { state, notes } = readState(query, context);
      expect(state.types, query).toEqual(all);
      expect(notes, query).toEqual([expect.stringContaining(words)]);
      expect(notes[0], query).toMatch(/ignores (it|them) and shows every crime type\.$/);
    }
    // A known type among them is what the link asked for: the unknown are left out.
    const some = readState('?type=burglery,drugs', context);
    expect(some.state.types).toEqual(['Drugs']);
    expect(some.notes).toEqual([expect.stringMatching(/"burglery" .* leaves it out\.$/)]);
    // "type=" alone is the map's own link for no type chosen, and stays so, without a note.
    expect(readState('?type=', context)).toEqual({
      state: { ...defaultState(context), types: [] },
      notes: [],
    });
  });

  it('shows every month, and says so, for a window that holds none of the data', () => {
    const all = ['2024-03', '2025-03'];
    for (const [query, asked, where] of [
      ['?from=2019-01&to=2019-12', 'Jan 2019 – Dec 2019', 'before'],
      ['?from=2026-01&to=2026-06', 'Jan 2026 – Jun 2026', 'after'],
      ['?from=2019-01&to=2019-01', 'Jan 2019', 'before'],
      ['?from=2099-01&to=2099-01', 'Jan 2099', 'after'],
      ['?from=2099-01', 'from Jan 2099', 'after'],
      ['?to=2019-05', 'up to May 2019', 'before'],
      ['?from=2024-02&to=2024-01', 'Jan 2024 – Feb 2024', 'before'],
    ] as const) {
      const { state, notes } = readState(query, context);
      expect([state.from, state.to], query).toEqual(all);
      const said = notes.at(-1);
      expect(said, query).toContain(`The link asks for ${asked}, all ${where} the map's data`);
      expect(said, query).toMatch(/the map shows all its months, Mar 2024 – Mar 2025\.$/);
    }
    // Reversed: the swap is said, then the window it gives.
    expect(readState('?from=2024-02&to=2024-01', context).notes).toEqual([
      expect.stringContaining('Feb 2024, is after the last (to), Jan 2024'),
      expect.stringContaining('Jan 2024 – Feb 2024, all before'),
    ]);
    // A month that is not one counts as not given: the other end alone decides.
    expect(readState('?from=abc&to=2019-01', context)).toEqual({
      state: defaultState(context),
      notes: [
        expect.stringContaining('"abc" is not a month'),
        expect.stringContaining('The link asks for up to Jan 2019, all before'),
      ],
    });
    // A window with some of the data keeps it: the end beyond the data moves to the data's.
    for (const [query, from, to, count] of [
      ['?from=2019-01&to=2024-06', '2024-03', '2024-06', 1],
      ['?from=2024-06&to=2030-01', '2024-06', '2025-03', 1],
      ['?from=2019-01&to=2030-01', '2024-03', '2025-03', 2],
      ['?from=2024-03&to=2024-03', '2024-03', '2024-03', 0],
      ['?from=2025-03&to=2025-03', '2025-03', '2025-03', 0],
      ['?from=2024-06&to=2024-06', '2024-06', '2024-06', 0],
    ] as const) {
      const { state, notes } = readState(query, context);
      expect([state.from, state.to], query).toEqual([from, to]);
      expect(notes, query).toHaveLength(count);
    }
  });

  it('names both the centre and the zoom when neither can be used', () => {
    for (const [query, centreWords, zoomWords] of [
      ['?c=51.5,-0.12&z=30', '"51.5,-0.12" is outside Leeds', '"30" is not a number from 8 to 17'],
      ['?c=abc&z=abc', '"abc" is not a latitude and longitude', '"abc" is not a number'],
      ['?c=53.81&z=1e1', '"53.81" is not a latitude', '"1e1" is not a number'],
      ['?c=NaN,NaN&z=-3', '"NaN,NaN" is not a latitude', '"-3" is not a number'],
    ] as const) {
      const { state, notes } = readState(query, context);
      expect(state, query).toEqual(defaultState(context));
      expect(notes, query).toEqual([
        expect.stringContaining(centreWords),
        expect.stringContaining(zoomWords),
      ]);
    }
    // One the map cannot use, without the other: named for what it is, not only as alone.
    for (const [query, words] of [
      ['?c=abc', '"abc" is not a latitude and longitude'],
      ['?z=99', '"99" is not a number from 8 to 17'],
    ] as const) {
      expect(readState(query, context).notes, query).toEqual([expect.stringContaining(words)]);
    }
  });

  it('uses the first of a value given twice, and says so', () => {
    const { state, notes } = readState('?ward=beeston-and-holbeck&ward=armley', context);
    expect(state.ward).toBe('beeston-and-holbeck');
    expect(notes).toEqual([expect.stringMatching(/ward 2 times.*first, "beeston-and-holbeck"/)]);
  });

  it('reads an empty value given beside another as none given, for every parameter', () => {
    const { state, notes } = readState(
      '?from=&from=2025-02&to=+&to=2025-02&view=&view=wards&measure=&measure=rate&intensity=&intensity=8&min=&min=5&cc=&cc=1&ward=&ward=armley&c=&c=53.8123,-1.5432&z=&z=13.5',
      context,
    );
    expect(notes).toEqual([]);
    expect(state).toEqual({
      types: CRIME_TYPES,
      from: '2025-02',
      to: '2025-02',
      view: 'wards',
      measure: 'rate',
      intensity: 8,
      threshold: 5,
      excludeCityCentre: true,
      ward: 'armley',
      centre: [53.8123, -1.5432],
      zoom: 13.5,
    });
    // Two values given, an empty one between them: the first given is used, and named.
    const two = readState('?ward=armley&ward=&ward=beeston-and-holbeck&min=&min=5&min=20', context);
    expect(two.state).toMatchObject({ ward: 'armley', threshold: 5 });
    expect(two.notes).toEqual([
      expect.stringMatching(/heat threshold \(min\) 2 times: the map uses the first, "5"\.$/),
      expect.stringMatching(/ward 2 times: the map uses the first, "armley"\.$/),
    ]);
  });

  it('quotes at most 40 characters of a value, and a long list of unknown types by its first 3', () => {
    const long = 'x'.repeat(5000);
    const { notes } = readState(`?ward=${long}&type=a,b,c,d,e,a`, context);
    expect(notes[0]).toMatch(/^"a", "b", "c" and 2 more are not crime types/);
    expect(notes[1]).toContain(`"${'x'.repeat(39)}…"`);
    expect(notes[1]?.length).toBeLessThan(100);
  });
});

describe('parseState(search, context) centre and zoom', () => {
  it('takes numbers only as plain decimals, and names any other form it was given', () => {
    const centre = '53.81,-1.55';
    for (const [query, words] of [
      [`?c=${centre}&z=0x10`, '"0x10" is not a number'],
      [`?c=${centre}&z=1e1`, '"1e1" is not a number'],
      [`?c=${centre}&z=Infinity`, '"Infinity" is not a number'],
      [`?c=${centre}&z=0b1010`, '"0b1010" is not a number'],
      ['?c=0x35,-1.55&z=12', '"0x35,-1.55" is not a latitude and longitude'],
      ['?c=5.381e1,-1.55&z=12', '"5.381e1,-1.55" is not a latitude and longitude'],
      ['?c=53.81,-155e-2&z=12', '"53.81,-155e-2" is not a latitude and longitude'],
      ['?intensity=0x8', '"0x8" is not a whole number'],
      ['?intensity=8e0', '"8e0" is not a whole number'],
      ['?min=1e1', '"1e1" is not one of'],
      ['?min=0x5', '"0x5" is not one of'],
    ] as const) {
      const { state, notes } = readState(query, context);
      expect(state, query).toEqual(defaultState(context));
      expect(notes, query).toEqual([expect.stringContaining(words)]);
    }
    // Plain decimals, with a minus sign, a point or leading zeros, are read as given.
    expect(parseState('?c=53.81,-01.550&z=012.5&intensity=07&min=010', context)).toMatchObject({
      centre: [53.81, -1.55],
      zoom: 12.5,
      intensity: 7,
      threshold: 10,
    });
  });

  it('opens the whole district unless both a centre near Leeds and a map zoom are given', () => {
    for (const query of [
      '?c=53.81,-1.55',
      '?z=12',
      '?c=51.5,-0.12&z=12',
      '?c=53.81&z=12',
      '?c=53.81,-1.55&z=30',
      '?c=,&z=12',
      '?c=53.81,-1.55,4&z=12',
    ]) {
      expect(parseState(query, context), query).toMatchObject({ centre: null, zoom: null });
    }
  });

  it('rounds a centre to 4 decimals and a zoom to half steps, as the URL keeps them', () => {
    const state = parseState('?c=53.812345,-1.543219&z=12.3', context);
    expect(state).toMatchObject({ centre: [53.8123, -1.5432], zoom: 12.5 });
    expect(serialiseState(state, context)).toBe('?c=53.8123,-1.5432&z=12.5');
  });
});

describe('serialiseState(state, context)', () => {
  it('gives an empty query for the default view', () => {
    expect(serialiseState(defaultState(context), context)).toBe('');
  });

  it('round-trips through parseState', () => {
    const state = {
      ...defaultState(context),
      types: [CRIME_TYPES[2], CRIME_TYPES[13]].filter((t) => t !== undefined),
      from: '2024-05',
      view: 'wards' as const,
      excludeCityCentre: true,
      ward: 'armley',
    };
    const query = serialiseState(state, context);
    expect(query).toBe('?type=burglary,violent-crime&from=2024-05&view=wards&cc=1&ward=armley');
    expect(parseState(query, context)).toEqual(state);
  });

  it('keeps "no type selected" distinct from "all types"', () => {
    const none = { ...defaultState(context), types: [] };
    expect(parseState(serialiseState(none, context), context).types).toEqual([]);
  });
});

describe('choroplethScale(values)', () => {
  it('puts about the same number of wards in each colour, lightest for the fewest crimes', () => {
    const values = [1, 5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120];
    const scale = choroplethScale(values);
    const perColour = new Map<string | null, number>();
    for (const v of values)
      perColour.set(scale.colour(v), (perColour.get(scale.colour(v)) ?? 0) + 1);
    expect([...perColour.values()]).toEqual([2, 2, 2, 2, 2, 2]);
    expect(scale.colour(1)).toBe(CHOROPLETH_COLOURS[0]);
    expect(scale.colour(5120)).toBe(CHOROPLETH_COLOURS.at(-1));
  });

  it('gives 0 a class of its own, the counts above it sharing the other colours', () => {
    const values = [0, 5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120];
    const { legend, colour } = choroplethScale(values);
    expect(legend[0]).toEqual({ colour: CHOROPLETH_COLOURS[0], from: 0, to: 0 });
    expect(values.filter((v) => colour(v) === colour(0))).toEqual([0]);
    expect(legend.map((c) => c.colour)).toEqual([...CHOROPLETH_COLOURS]);
    expect(legend[1]?.from).toBe(1);
    for (const v of values) {
      expect(legend.find((c) => v >= c.from && v <= c.to)?.colour, String(v)).toBe(colour(v));
    }
  });

  it('colours a rate above 0 that is printed "<0.1" apart from 0, under a legend line of its own', () => {
    // Bicycle thefts per 1,000 residents in March 2025: 13 wards with 1 theft (0.035 to 0.049,
    // printed "<0.1"), 8 with none.
    const rates = [
      0.532,
      0.415,
      0.271,
      0.172,
      0.138,
      0.111,
      0.096,
      0.092,
      0.082,
      0.082,
      0.081,
      0.061,
      0.049,
      0.048,
      0.046,
      0.043,
      0.042,
      0.041,
      0.04,
      0.04,
      0.039,
      0.038,
      0.038,
      0.036,
      0.035,
      ...Array<number>(8).fill(0),
    ];
    const { legend, colour } = choroplethScale(rates, 0.1);
    expect(legend.map((c) => [c.colour, formatRate(c.from), formatRate(c.to)])).toEqual([
      [CHOROPLETH_COLOURS[0], '0.0', '0.0'],
      [CHOROPLETH_COLOURS[3], '<0.1', '<0.1'],
      [CHOROPLETH_COLOURS[5], '0.1', '0.5'],
    ]);
    // Each rate in the colour of the legend line its printed value falls in.
    for (const r of rates) {
      const printed = formatRate(r);
      const line = printed === '0.0' ? 0 : printed === '<0.1' ? 1 : 2;
      expect(colour(r), `${r} (${printed})`).toBe(legend[line]?.colour);
    }
  });

  it('starts the classes at "<0.1" when no rate is 0 and the smallest print as "<0.1"', () => {
    const { legend, colour } = choroplethScale([0.03, 0.04, 0.2, 0.5, 1.2], 0.1);
    expect(formatRate(legend[0]?.from ?? null)).toBe('<0.1');
    expect(formatRate(legend[0]?.to ?? null)).toBe('<0.1');
    expect(legend[1]?.from).toBe(0.1);
    expect(colour(0.03)).toBe(CHOROPLETH_COLOURS[0]);
    expect(colour(0.2)).not.toBe(colour(0.03));
  });

  it('gives a legend whose classes cover every count from the smallest to the largest once', () => {
    const values = [3, 17, 17, 42, 99, 100, 101, 250, 1170];
    const { legend, colour } = choroplethScale(values);
    expect(legend[0]?.from).toBe(3);
    expect(legend.at(-1)?.to).toBe(1170);
    legend.slice(1).forEach((c, i) => expect(c.from).toBe((legend[i]?.to ?? 0) + 1));
    for (const v of values) {
      const cls = legend.find((c) => v >= c.from && v <= c.to);
      expect(cls?.colour, String(v)).toBe(colour(v));
    }
  });

  it('gives rate classes in tenths that meet without a gap and hold every rate', () => {
    const values = [12.34, 20.05, 20.06, 31.4, 44.44, 58.1, 60, 75.25, 99.99, 140.5, 230.71, 12.35];
    const { legend, colour } = choroplethScale(values, 0.1);
    legend.slice(1).forEach((c, i) => expect(c.from).toBeCloseTo((legend[i]?.to ?? 0) + 0.1, 9));
    for (const v of values) {
      const shown = Math.round(v * 10) / 10;
      const cls = legend.find((c) => shown >= c.from - 1e-9 && shown <= c.to + 1e-9);
      expect(cls?.colour, String(v)).toBe(colour(v));
    }
  });

  it('paints the smallest value the lightest colour when many wards share it', () => {
    // One crime type over one month: most wards have none. Quantiles that coincide at 0 used
    // to leave the light classes empty and paint the wards without a crime a dark red.
    const values = [...Array<number>(20).fill(0), 1, 1, 2, 3, 5, 8];
    const { legend, colour } = choroplethScale(values);
    expect(colour(0)).toBe(CHOROPLETH_COLOURS[0]);
    expect(colour(8)).toBe(CHOROPLETH_COLOURS.at(-1));
    expect(legend[0]).toEqual({ colour: CHOROPLETH_COLOURS[0], from: 0, to: 0 });
    // Lighter to darker along the legend, each class holding the values it says.
    const ramp = legend.map((c) => CHOROPLETH_COLOURS.indexOf(c.colour as never));
    expect(ramp).toEqual([...ramp].sort((a, b) => a - b));
    expect(new Set(ramp).size).toBe(ramp.length);
    for (const v of values) {
      expect(legend.find((c) => v >= c.from && v <= c.to)?.colour, String(v)).toBe(colour(v));
    }
  });

  it('gives the wards above a smallest value shared by most a colour of their own', () => {
    const values = [...Array<number>(30).fill(0), 4];
    const { legend, colour } = choroplethScale(values);
    expect(colour(0)).toBe(CHOROPLETH_COLOURS[0]);
    expect(colour(4)).toBe(CHOROPLETH_COLOURS.at(-1));
    expect(legend).toEqual([
      { colour: CHOROPLETH_COLOURS[0], from: 0, to: 0 },
      { colour: CHOROPLETH_COLOURS.at(-1), from: 1, to: 4 },
    ]);
  });

  it('never gives a rate bound of -0, which the legend would print as "-0.0"', () => {
    const rates = [...Array<number>(20).fill(0), 0.047, 0.1, 0.13, 0.2, 0.3, 0.41, 0.5];
    const { legend } = choroplethScale(rates, 0.1);
    for (const c of legend) {
      expect(Object.is(c.from, -0), JSON.stringify(c)).toBe(false);
      expect(Object.is(c.to, -0), JSON.stringify(c)).toBe(false);
      expect(formatRate(c.from)).not.toMatch(/^-/);
      expect(formatRate(c.to)).not.toMatch(/^-/);
    }
  });

  it('leaves a ward without a rate uncoloured and out of the classes, never a rate of 0', () => {
    // A ward without residents: no rate.
    const rates = choroplethValues('rate', [0, 300, 410, 520], [null, 12.3, 18.4, 25.1]);
    expect(rates).toEqual([null, 12.3, 18.4, 25.1]);
    const { legend, colour, withoutValue } = choroplethScale(rates, 0.1);
    expect(colour(null)).toBeNull();
    expect(withoutValue).toBe(1);
    expect(legend[0]?.from).toBe(12.3);
    expect(colour(12.3)).toBe(CHOROPLETH_COLOURS[0]);
    // Counts have a value for every ward, but one left out whole with the centre (Sheffield's
    // City ward with the centre left out: wardsWhollyInCentre), which has none by either.
    expect(choroplethValues('count', [0, 300], [null, 12.3])).toEqual([0, 300]);
    expect(choroplethValues('count', [0, 300], [null, 12.3], new Set([0]))).toEqual([null, 300]);
    expect(choroplethValues('rate', [0, 300], [null, 12.3], new Set([0]))).toEqual([null, 12.3]);
  });

  it('uses one class when every ward has the same count (e.g. no type selected)', () => {
    expect(choroplethScale([0, 0, 0]).legend).toEqual([
      { colour: CHOROPLETH_COLOURS[0], from: 0, to: 0 },
    ]);
  });
});
