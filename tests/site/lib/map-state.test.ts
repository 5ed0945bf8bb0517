import { describe, expect, it } from 'vitest';
import { CRIME_TYPES } from '../../../src/shared/constants.ts';
import {
  defaultState,
  parseState,
  serialiseState,
  type StateContext,
} from '../../../src/lib/map-state.ts';
import { monthRange } from '../../../src/shared/months.ts';
import { choroplethScale, CHOROPLETH_COLOURS } from '../../../src/lib/map-scale.ts';

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
      '?type=burglary,violent-crime&from=2025-02&to=2025-03&view=wards&intensity=8&cc=1&ward=armley',
      context,
    );
    expect(state).toEqual({
      types: ['Burglary', 'Violence and sexual offences'],
      from: '2025-02',
      to: '2025-03',
      view: 'wards',
      intensity: 8,
      excludeCityCentre: true,
      ward: 'armley',
    });
  });

  it('accepts a ward by ONS code, as the ward reports link to the map', () => {
    expect(parseState('?ward=E05012647', context).ward).toBe('beeston-and-holbeck');
  });

  it('falls back to the defaults for unknown or out-of-range values', () => {
    const state = parseState(
      '?view=3d&intensity=99&ward=atlantis&from=2019-01&to=2031-05',
      context,
    );
    expect(state.view).toBe('heat');
    expect(state.intensity).toBe(defaultState(context).intensity);
    expect(state.ward).toBeNull();
    expect([state.from, state.to]).toEqual(['2024-03', '2025-03']);
  });

  it('swaps a reversed month range', () => {
    const state = parseState('?from=2025-03&to=2024-06', context);
    expect([state.from, state.to]).toEqual(['2024-06', '2025-03']);
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
    const values = [0, 5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120];
    const scale = choroplethScale(values);
    const perColour = new Map<string, number>();
    for (const v of values)
      perColour.set(scale.colour(v), (perColour.get(scale.colour(v)) ?? 0) + 1);
    expect([...perColour.values()]).toEqual([2, 2, 2, 2, 2, 2]);
    expect(scale.colour(0)).toBe(CHOROPLETH_COLOURS[0]);
    expect(scale.colour(5120)).toBe(CHOROPLETH_COLOURS.at(-1));
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

  it('uses one class when every ward has the same count (e.g. no type selected)', () => {
    expect(choroplethScale([0, 0, 0]).legend).toEqual([
      { colour: CHOROPLETH_COLOURS[0], from: 0, to: 0 },
    ]);
  });
});
