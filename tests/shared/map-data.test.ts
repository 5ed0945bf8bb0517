import { beforeAll, describe, expect, it } from 'vitest';
import { buildMapData, buildWardShapes } from '../../pipeline/map-data.ts';
import { LEEDS_CENTRE } from '../../pipeline/population.ts';
import { centreTest } from '../../src/shared/area.ts';
import { encodeMapData } from '../../src/shared/encode-map-data.ts';
import { ByteWriter, MapDataEncoder } from '../../src/shared/map-data-encoder.ts';
import { packPoints } from '../../src/shared/map-points.ts';
import { loadArea } from '../../pipeline/area.ts';
import { loadGeography } from '../../pipeline/geo.ts';
import { referenceFiles } from '../../pipeline/run-context.ts';
import { buildWards } from '../../pipeline/wards.ts';
import { CITY_CENTRE_POSTCODE_DISTRICTS, CRIME_TYPES } from '../../src/shared/constants.ts';
import {
  ByteReader,
  COORDINATE_SCALE,
  FLAG_CITY_CENTRE,
  MAP_DATA_FILE_NAME,
  MAP_DATA_MAGIC,
  MapDataFormatError,
  NO_WARD,
  decodeMapData,
  gunzipIfNeeded,
  readMapDataHeader,
  type MapData,
} from '../../src/shared/map-data.ts';
import { districtWords, LEEDS_WORDS } from '../../src/shared/open-data.ts';
import type { MonthSummary, Ward } from '../../src/shared/schema.ts';
import { sampleSummaries } from '../support/sample-summaries.ts';
import { seededRandom } from '../support/seeded-random.ts';

const LEEDS_WARDS_FILE = 'data/reference/wards.geojson';

let summaries: MonthSummary[];
let wards: Ward[];
let decoded: MapData;

beforeAll(async () => {
  ({ summaries, wards } = await sampleSummaries());
  decoded = decodeMapData(encodeMapData(summaries, wards));
}, 60_000);

/** Totals by [ward code][type] of one summary, summed straight from its points. */
function summaryWardTypeTotals(summary: MonthSummary): Map<string, number[]> {
  const totals = new Map<string, number[]>();
  for (const point of summary.points) {
    const row = totals.get(point.ward) ?? CRIME_TYPES.map(() => 0);
    point.counts.forEach((n, t) => (row[t] = (row[t] ?? 0) + n));
    totals.set(point.ward, row);
  }
  return totals;
}

describe('encodeMapData / decodeMapData', () => {
  it('keeps every calendar month from the first to the last sample month and flags the gaps', () => {
    expect(decoded.months[0]).toBe('2024-03');
    expect(decoded.months.at(-1)).toBe('2025-03');
    expect(decoded.months).toHaveLength(13);
    const withData = decoded.months.filter((_, m) => decoded.hasData[m]);
    expect(withData).toEqual(['2024-03', '2025-02', '2025-03']);
    // A gap month has no entries at all.
    const april = decoded.months.indexOf('2024-04');
    expect(decoded.monthStart[april + 1]).toBe(decoded.monthStart[april]);
  });

  it('decodes per-month ward and type totals equal to the sample summaries', () => {
    const T = CRIME_TYPES.length;
    for (const summary of summaries) {
      const m = decoded.months.indexOf(summary.month);
      const expected = summaryWardTypeTotals(summary);
      for (const [code, counts] of expected) {
        const w = code === '' ? decoded.wards.length : wards.findIndex((x) => x.code === code);
        expect(w, `ward ${code}`).toBeGreaterThanOrEqual(0);
        const base = (m * decoded.wardSlots + w) * T;
        expect(
          [...decoded.monthWardType.subarray(base, base + T)],
          `${summary.month} ${code}`,
        ).toEqual(counts);
      }
      // And against the summariser's own ward table, which counts rows, not points.
      for (const [code, counts] of Object.entries(summary.wardType)) {
        const w = wards.findIndex((x) => x.code === code);
        const base = (m * decoded.wardSlots + w) * T;
        expect([...decoded.monthWardType.subarray(base, base + T)]).toEqual(counts);
      }
    }
  });

  it("decodes entries whose counts add up to each month's kept rows", () => {
    for (const summary of summaries) {
      const m = decoded.months.indexOf(summary.month);
      let total = 0;
      for (let e = decoded.monthStart[m] ?? 0; e < (decoded.monthStart[m + 1] ?? 0); e++) {
        total += decoded.entryCount[e] ?? 0;
      }
      expect(total).toBe(summary.kept);
    }
  });

  it('round-trips every point: position to 1e-5 degrees, ward and city-centre flag', () => {
    const cityCentre = new Set<string>(CITY_CENTRE_POSTCODE_DISTRICTS);
    const decodedPoints = new Map<string, { ward: number; flags: number }>();
    for (let p = 0; p < decoded.pointCount; p++) {
      const key = `${Math.round((decoded.pointLon[p] ?? 0) * COORDINATE_SCALE)},${Math.round(
        (decoded.pointLat[p] ?? 0) * COORDINATE_SCALE,
      )}`;
      decodedPoints.set(key, {
        ward: decoded.pointWard[p] ?? -1,
        flags: decoded.pointFlags[p] ?? -1,
      });
    }
    for (const summary of summaries) {
      for (const point of summary.points) {
        const key = `${Math.round(point.lon * COORDINATE_SCALE)},${Math.round(point.lat * COORDINATE_SCALE)}`;
        const found = decodedPoints.get(key);
        expect(found, key).toBeDefined();
        const ward = point.ward === '' ? NO_WARD : wards.findIndex((w) => w.code === point.ward);
        expect(found?.ward).toBe(ward);
        expect(found?.flags).toBe(cityCentre.has(point.postcodeDistrict) ? FLAG_CITY_CENTRE : 0);
      }
    }
  });

  it('precomputes city-centre totals equal to the sample points in LS1 and LS2', () => {
    const T = CRIME_TYPES.length;
    for (const summary of summaries) {
      const m = decoded.months.indexOf(summary.month);
      const expected = summary.points
        .filter((p) => p.postcodeDistrict === 'LS1' || p.postcodeDistrict === 'LS2')
        .reduce((a, p) => a + p.counts.reduce((x, y) => x + y, 0), 0);
      expect(expected).toBeGreaterThan(0);
      const slice = decoded.cityCentreMonthWardType.subarray(
        m * decoded.wardSlots * T,
        (m + 1) * decoded.wardSlots * T,
      );
      expect(slice.reduce((a, b) => a + b, 0)).toBe(expected);
    }
  });

  it('gives the same data whatever the order of the summaries', () => {
    const reversed = encodeMapData([...summaries].reverse(), wards);
    expect(reversed).toEqual(encodeMapData(summaries, wards));
  });

  it('sums points of a month at one quantised position and ward, and keeps another ward there apart', () => {
    const first = summaries[0] as MonthSummary;
    const found = first.points.find((p) => p.ward !== '') as MonthSummary['points'][number];
    const point = { ...found, lon: Math.round(found.lon * COORDINATE_SCALE) / COORDINATE_SCALE };
    const otherWard = wards.find((w) => w.code !== point.ward) as Ward;
    const counts = CRIME_TYPES.map((_, t) => (t === 0 ? 2 : 0));
    // A quarter of the quantisation step away: the same position in the map data.
    const near = { ...point, lon: point.lon + 0.25 / COORDINATE_SCALE, counts };
    const elsewhere = { ...point, ward: otherWard.code, counts };
    const data = decodeMapData(
      encodeMapData([{ ...first, month: '2030-01', points: [point, near, elsewhere] }], wards),
    );
    expect(data.pointCount).toBe(2);
    const byWard = new Map<number, number>();
    for (let e = 0; e < data.entryPoint.length; e++) {
      if (data.entryType[e] !== 0) continue;
      const ward = data.pointWard[data.entryPoint[e] ?? 0] ?? -1;
      byWard.set(ward, (byWard.get(ward) ?? 0) + (data.entryCount[e] ?? 0));
    }
    expect(byWard.get(wards.indexOf(otherWard))).toBe(2);
    expect(byWard.get(wards.findIndex((w) => w.code === point.ward))).toBe(
      (point.counts[0] ?? 0) + 2,
    );
  });

  it('refuses counts at one place that sum past what an entry holds (2^32 - 1)', () => {
    const first = summaries[0] as MonthSummary;
    const found = first.points.find((p) => p.ward !== '') as MonthSummary['points'][number];
    const point = { ...found, lon: Math.round(found.lon * COORDINATE_SCALE) / COORDINATE_SCALE };
    const half = CRIME_TYPES.map((_, t) => (t === 0 ? 2 ** 31 : 0));
    const near = { ...point, lon: point.lon + 0.25 / COORDINATE_SCALE, counts: half };
    const month = (points: MonthSummary['points']) => [{ ...first, month: '2030-01', points }];
    expect(() => encodeMapData(month([{ ...point, counts: half }, near]), wards)).toThrow(
      /at most 4294967295 crimes of one type at one place in a month, got 4294967296/,
    );
    // One short of it is kept whole.
    const under = CRIME_TYPES.map((_, t) => (t === 0 ? 2 ** 31 - 1 : 0));
    const data = decodeMapData(encodeMapData(month([{ ...point, counts: under }, near]), wards));
    expect(Math.max(...data.entryCount)).toBe(2 ** 32 - 1);
  });

  it('reads sparse months of many places, whose point steps and counts take one byte or several', () => {
    const next = seededRandom(7);
    const first = summaries[0] as MonthSummary;
    const T = CRIME_TYPES.length;
    // Places on a grid of whole map units (so none merge), each in a ward or in none.
    const places = Array.from({ length: 1200 }, (_, i) => ({
      lon: (-155_000 + (i % 40) * 37) / COORDINATE_SCALE,
      lat: (5_380_000 + Math.floor(i / 40) * 41) / COORDINATE_SCALE,
      ward: i % 7 === 0 ? '' : (wards[i % wards.length] as Ward).code,
      postcodeDistrict: i % 5 === 0 ? 'LS1' : 'LS6',
    }));
    // Counts of one byte and of two, three and four (the count less 1 is stored); the large
    // ones rare enough that every total fits the decoder's 32-bit arrays.
    const count = (): number => {
      const r = next();
      if (r < 0.001) return 100_000_000;
      if (r < 0.02) return 2_000_000;
      return [1, 2, 128, 129, 200, 16_385][Math.floor(next() * 6)] as number;
    };
    const months: MonthSummary[] = [];
    // Three years, so the last checkpoint falls on the last month, with four months missing.
    for (let m = 0; m < 36; m++) {
      if (m % 10 === 3) continue;
      // From nearly every place to one in a hundred: steps between a month's places of 1 to 300.
      const share = [0.9, 0.3, 0.01][m % 3] as number;
      const points = places
        .filter(() => next() < share)
        .map((place) => ({
          ...place,
          counts: CRIME_TYPES.map(() => (next() < 0.3 ? count() : 0)),
        }))
        .filter((point) => point.counts.some((n) => n > 0));
      const month = `${2020 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      months.push({ ...first, month, points });
    }
    const data = decodeMapData(encodeMapData(months, wards));
    const pointOf = new Map<string, number>();
    for (let p = 0; p < data.pointCount; p++) {
      const lon = Math.round((data.pointLon[p] ?? 0) * COORDINATE_SCALE);
      pointOf.set(`${lon},${Math.round((data.pointLat[p] ?? 0) * COORDINATE_SCALE)}`, p);
    }
    let longSteps = 0;
    let longCounts = 0;
    expect(data.months).toHaveLength(36);
    for (const summary of months) {
      const m = data.months.indexOf(summary.month);
      const expected = new Map<string, number>();
      for (const point of summary.points) {
        const key = `${Math.round(point.lon * COORDINATE_SCALE)},${Math.round(point.lat * COORDINATE_SCALE)}`;
        point.counts.forEach((n, t) => n > 0 && expected.set(`${pointOf.get(key)} ${t}`, n));
      }
      const read = new Map<string, number>();
      let previous = 0;
      for (let e = data.monthStart[m] ?? 0; e < (data.monthStart[m + 1] ?? 0); e++) {
        const point = data.entryPoint[e] ?? 0;
        if (point - previous >= 128) longSteps += 1;
        previous = point;
        if ((data.entryCount[e] ?? 0) > 128) longCounts += 1;
        read.set(`${point} ${data.entryType[e]}`, data.entryCount[e] ?? 0);
      }
      expect(read, summary.month).toEqual(expected);
      // The month's totals by ward and type, and of the city centre, from its own points.
      const wardType = new Float64Array(data.wardSlots * T);
      const centre = new Float64Array(data.wardSlots * T);
      for (const point of summary.points) {
        const w = point.ward === '' ? wards.length : wards.findIndex((x) => x.code === point.ward);
        point.counts.forEach((n, t) => {
          wardType[w * T + t] = (wardType[w * T + t] ?? 0) + n;
          if (point.postcodeDistrict === 'LS1') centre[w * T + t] = (centre[w * T + t] ?? 0) + n;
        });
      }
      const slice = [m * data.wardSlots * T, (m + 1) * data.wardSlots * T] as const;
      expect([...data.monthWardType.slice(...slice)], summary.month).toEqual([...wardType]);
      expect([...data.cityCentreMonthWardType.slice(...slice)], summary.month).toEqual([...centre]);
    }
    // The missing months: gaps, with no entries and no totals.
    const gaps = data.months.filter((month) => !months.some((s) => s.month === month));
    expect(gaps).toHaveLength(4);
    for (const month of gaps) {
      const m = data.months.indexOf(month);
      expect(data.hasData[m], month).toBe(false);
      expect(data.monthStart[m + 1], month).toBe(data.monthStart[m]);
      const slice = [m * data.wardSlots * T, (m + 1) * data.wardSlots * T] as const;
      expect(
        data.monthWardType.slice(...slice).every((n) => n === 0),
        month,
      ).toBe(true);
    }
    expect(longSteps).toBeGreaterThan(10);
    expect(longCounts).toBeGreaterThan(100);
    expect(data.entryCount.reduce((a, b) => Math.max(a, b), 0)).toBe(100_000_000);
    // Each checkpoint: every count of the months before it, per place and type, and per place
    // (summed as plain numbers, so a total that did not fit the decoder's arrays would show).
    expect(data.checkpoints).toBe(4);
    for (let c = 0; c < data.checkpoints; c++) {
      const byType = new Float64Array(data.pointCount * T);
      const all = new Float64Array(data.pointCount);
      for (const summary of months.filter((s) => data.months.indexOf(s.month) < c * 12)) {
        for (const point of summary.points) {
          const p = pointOf.get(
            `${Math.round(point.lon * COORDINATE_SCALE)},${Math.round(point.lat * COORDINATE_SCALE)}`,
          ) as number;
          point.counts.forEach((n, t) => {
            byType[p * T + t] = (byType[p * T + t] ?? 0) + n;
            all[p] = (all[p] ?? 0) + n;
          });
        }
      }
      const stride = data.pointCount * T;
      expect([...data.pointTypeCumulative.slice(c * stride, (c + 1) * stride)], `${c}`).toEqual([
        ...byType,
      ]);
      expect(
        [...data.pointCumulative.slice(c * data.pointCount, (c + 1) * data.pointCount)],
        `${c}`,
      ).toEqual([...all]);
    }
  });

  it('rejects two summaries of the same month', () => {
    const first = summaries[0] as MonthSummary;
    expect(() => encodeMapData([first, first], wards)).toThrow(/Two summaries for 2024-03/);
  });

  it('rejects a point in a ward that is not among the wards given', () => {
    expect(() => encodeMapData(summaries, wards.slice(1))).toThrow(/not among the wards/);
  });
});

describe('buildMapData(months, wards, words)', () => {
  /** The months folded into an encoder, as a run folds them (month-folds.ts). */
  function folded(months: readonly MonthSummary[]): MapDataEncoder {
    const encoder = new MapDataEncoder(centreTest(LEEDS_CENTRE));
    for (const { month, points } of months)
      encoder.add({ month, points: packPoints(month, points) });
    return encoder;
  }

  it('returns gzipped bytes that gunzipIfNeeded and decodeMapData read back', async () => {
    const { mapData, fileName } = buildMapData(folded(summaries), wards, LEEDS_WORDS);
    expect(fileName).toBe(MAP_DATA_FILE_NAME);
    expect([mapData[0], mapData[1]]).toEqual([0x1f, 0x8b]);
    const again = decodeMapData(await gunzipIfNeeded(mapData));
    expect(again.entryCount).toEqual(decoded.entryCount);
    expect(again.pointLon).toEqual(decoded.pointLon);
  });

  it('keeps the three sample months under 100 kB gzipped', () => {
    expect(buildMapData(folded(summaries), wards, LEEDS_WORDS).mapData.length).toBeLessThan(
      100_000,
    );
  });
});

/** `bytes` (map data, not gzipped) with its version and header JSON replaced. */
function rewritten(
  bytes: Uint8Array,
  version: number,
  header: (json: Record<string, unknown>) => Record<string, unknown>,
): Uint8Array {
  const { header: old, bodyOffset } = readMapDataHeader(bytes);
  const json = new TextEncoder().encode(JSON.stringify(header({ ...old })));
  const out = new Uint8Array(12 + json.length + bytes.length - bodyOffset);
  out.set(new TextEncoder().encode(MAP_DATA_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, version, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(bytes.subarray(bodyOffset), 12 + json.length);
  return out;
}

describe("the map data's licence and attribution", () => {
  it("names the licence and the crime records' source, then every source of the district", async () => {
    for (const slug of ['leeds', 'sheffield']) {
      const { config } = await loadArea(slug);
      const encoder = new MapDataEncoder(centreTest(LEEDS_CENTRE));
      for (const { month, points } of summaries)
        encoder.add({ month, points: packPoints(month, points) });
      const { mapData } = buildMapData(encoder, wards, districtWords(config));
      const data = decodeMapData(await gunzipIfNeeded(mapData));
      expect(data.licence, slug).toBe('OGL-UK-3.0');
      expect(data.attribution, slug).toMatch(
        /^Contains public sector information licensed under the Open Government Licence v3\.0\. Crime records: police\.uk \(https:\/\/data\.police\.uk\/\)\./,
      );
      const year = config.boundaries.copyrightYear;
      expect(data.attribution, slug).toContain(
        `Boundaries and Census 2021 population: Office for National Statistics, Open Government Licence v3.0. Contains OS data © Crown copyright and database right ${year}.`,
      );
      // The postcode list's notice only where the district has one (Sheffield has none).
      expect(data.attribution.includes('Royal Mail'), slug).toBe(config.postcodes !== null);
    }
  });

  it('refuses a file of format version 1, which has neither, saying to rebuild it', () => {
    const current = encodeMapData(summaries, wards);
    const older = rewritten(current, 1, ({ licence: _l, attribution: _a, ...rest }) => rest);
    expect(() => decodeMapData(older)).toThrow(
      'Map data is not readable: format version 1, this site reads version 2; rebuild the map data with the pipeline',
    );
    expect(() => readMapDataHeader(older)).toThrow(MapDataFormatError);
  });

  it('refuses a header without the licence or the attribution, or with either empty', () => {
    const current = encodeMapData(summaries, wards);
    const edits: ((h: Record<string, unknown>) => Record<string, unknown>)[] = [
      ({ licence: _l, ...rest }) => rest,
      ({ attribution: _a, ...rest }) => rest,
      (h) => ({ ...h, attribution: '' }),
      (h) => ({ ...h, licence: ['OGL-UK-3.0'] }),
    ];
    for (const edit of edits) {
      expect(() => decodeMapData(rewritten(current, 2, edit))).toThrow(
        /header lacks the licence or the attribution; rebuild the map data with the pipeline/,
      );
    }
    // The same file with its header untouched is read: the helper changes nothing else.
    expect(decodeMapData(rewritten(current, 2, (h) => h)).attribution).toContain('police.uk');
  });
});

describe('ByteReader reads back what ByteWriter writes', () => {
  // Every length a varint can have: 1 byte up to 8 (2^49 and above, to the largest safe integer).
  const VALUES = [
    0,
    1,
    127,
    128,
    255,
    300,
    16_383,
    16_384,
    2 ** 21 - 1,
    2 ** 21,
    2 ** 28 + 3,
    2 ** 35 + 5,
    2 ** 42 + 7,
    2 ** 49 - 1,
    2 ** 49 + 3,
    Number.MAX_SAFE_INTEGER,
  ];

  it('varints of every length, one after another, and the offset after the last', () => {
    const writer = new ByteWriter();
    for (const value of VALUES) writer.varint(value);
    const bytes = writer.result();
    const reader = new ByteReader(bytes, 0);
    expect(VALUES.map(() => reader.varint())).toEqual(VALUES);
    expect(reader.offset).toBe(bytes.length);
  });

  it('zigzag varints of either sign', () => {
    const signed = VALUES.flatMap((v) => (v === 0 ? [0] : [v, -v])).filter((v) =>
      Number.isSafeInteger(Math.abs(v) * 2),
    );
    const writer = new ByteWriter();
    for (const value of signed) writer.zigzag(value);
    const reader = new ByteReader(writer.result(), 0);
    expect(signed.map(() => reader.zigzag())).toEqual(signed);
  });

  it('names the byte where a varint is cut off, or runs past eight bytes', () => {
    const writer = new ByteWriter();
    writer.varint(2 ** 28 + 3);
    const cut = writer.result().subarray(0, 3);
    expect(() => new ByteReader(cut, 0).varint()).toThrow(/truncated at byte 3/);
    expect(() => new ByteReader(new Uint8Array(0), 0).varint()).toThrow(/truncated at byte 0/);
    const nine = new Uint8Array([0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01]);
    expect(() => new ByteReader(nine, 0).varint()).toThrow(/varint too long at byte 8/);
  });
});

describe('decodeMapData on bad input', () => {
  it('names the magic it expected', () => {
    expect(() => decodeMapData(new TextEncoder().encode('{"not":"map data"}'))).toThrow(
      /expected magic "LCMD"/,
    );
  });

  it('reports a truncated file instead of returning partial data', () => {
    const bytes = encodeMapData(summaries, wards);
    expect(() => decodeMapData(bytes.subarray(0, bytes.length - 10))).toThrow(MapDataFormatError);
  });
});

describe('buildWardShapes', () => {
  it('returns one simplified feature per ward with code, name and slug, inside Leeds', async () => {
    const geography = await loadGeography('data/reference');
    const text = buildWardShapes(geography.wards, wards, 2025, LEEDS_WARDS_FILE);
    const shapes = JSON.parse(text) as {
      licence: string;
      attribution: string;
      features: {
        properties: { code: string; name: string; slug: string };
        geometry: { coordinates: unknown };
      }[];
    };
    expect(shapes.features.map((f) => f.properties.code)).toEqual(wards.map((w) => w.code));
    expect(shapes.features[0]?.properties.slug).toBe(wards[0]?.slug);
    // A published file: it carries the boundaries' licence and notice, of the year given.
    expect(shapes.licence).toBe('OGL-UK-3.0');
    expect(shapes.attribution).toBe(
      'Boundaries and Census 2021 population: Office for National Statistics, Open Government Licence v3.0. Contains OS data © Crown copyright and database right 2025.',
    );
    expect(
      JSON.parse(buildWardShapes(geography.wards, wards, 2026, LEEDS_WARDS_FILE)).attribution,
    ).toMatch(/2026\.$/);
    // Smaller than the reference geometry it came from.
    const reference = JSON.stringify(geography.wards.map((w) => w.geometry));
    expect(text.length).toBeLessThan(reference.length * 0.7);
    const lons = JSON.stringify(shapes.features.map((f) => f.geometry.coordinates))
      .match(/-?\d+\.\d+/g)
      ?.map(Number)
      .filter((n) => n < 0);
    expect(Math.min(...(lons ?? []))).toBeGreaterThan(-1.81);
    expect(Math.max(...(lons ?? []))).toBeLessThan(-1.19);
  });

  it.each([
    { slug: 'leeds', file: 'data/reference/wards.geojson' },
    { slug: 'sheffield', file: 'data/areas/sheffield/wards.geojson' },
  ])(
    "names a ward that has no boundary, and $slug's ward boundaries ($file)",
    async ({ slug, file }) => {
      const area = await loadArea(slug);
      const geography = await loadGeography(referenceFiles(area));
      const areaWards = buildWards(geography, area.config.centre);
      const missing = areaWards.find((w) => w.code === geography.wards[0]?.code);
      expect(() =>
        buildWardShapes(
          geography.wards.slice(1),
          areaWards,
          2025,
          area.config.boundaries.wards.file,
        ),
      ).toThrow(
        `Ward ${missing?.code} (${missing?.name}) has no boundary in the reference geography; ` +
          `check ${file}.`,
      );
    },
  );
});
