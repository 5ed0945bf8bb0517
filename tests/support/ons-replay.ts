// The ONS Open Geography Portal's feature services and the Nomis API, as the replay server
// plays them for the area command's tests: ArcGIS `<service>/FeatureServer/0/query` answers
// GeoJSON FeatureCollections filtered by `where` (`F = 'x'` or `F IN ('x','y')`), ordered by
// `orderByFields`, paged by resultOffset/resultRecordCount under a server cap, with
// `properties.exceededTransferLimit` while more remain; errors come as HTTP 200 with an
// `error` object, as ArcGIS sends them. Nomis answers TS001 as CSV with RECORD_OFFSET and
// RECORD_COUNT columns, capped per answer and paged by RecordOffset. The content is the
// committed reference data of Sheffield (WD20 wards) and Leeds (WD25 wards), and for the ONS
// Postcode Directory's layer the committed LS postcodes (data/reference/postcodes-ls.csv).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { OnsServices } from '../../pipeline/sources/ons-geography.ts';
import type { RecordedRequest, Reply, ReplayServer } from './replay-server.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

type Row = Feature<Geometry | null, Record<string, string | number | null>>;

export interface ArcgisLayer {
  rows: Row[];
  /** The most features one answer holds (the layer's maxRecordCount). */
  maxRecordCount: number;
}

export interface DistrictFixture {
  code: string;
  name: string;
  /** The area's files, relative to the repository. */
  wards: string;
  lsoas: string;
  outline: string;
  population: string;
  /** The ward fields' vintage in the ward files, e.g. "20" for WD20CD. */
  wardYear: string;
  services: Pick<OnsServices, 'wardLookup' | 'wards'>;
}

export const SHEFFIELD: DistrictFixture = {
  code: 'E08000039',
  name: 'Sheffield',
  wards: 'data/areas/sheffield/wards.geojson',
  lsoas: 'data/areas/sheffield/lsoa21.geojson',
  outline: 'data/areas/sheffield/outline.geojson',
  population: 'data/areas/sheffield/population-lsoa21.csv',
  wardYear: '20',
  services: { wardLookup: 'WD20_LAD20_UK_LU_v2', wards: 'Wards_December_2020_UK_BGC' },
};

export const LEEDS: DistrictFixture = {
  code: 'E08000035',
  name: 'Leeds',
  wards: 'data/reference/wards.geojson',
  lsoas: 'data/reference/lsoa21.geojson',
  outline: 'data/reference/leeds-outline.geojson',
  population: 'data/reference/population-lsoa21.csv',
  wardYear: '25',
  services: { wardLookup: 'WD25_LAD25_UK_LU', wards: 'Wards_May_2025_Boundaries_UK_BGC' },
};

/** The default services of the LSOAs and districts (pipeline/sources/ons-geography.ts). */
const LSOA_LOOKUP = 'LSOA21_WD24_LAD24_EW_LU';
const LSOAS = 'Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5';
const DISTRICTS = 'Local_Authority_Districts_May_2024_Boundaries_UK_BGC';

export function readCollection(file: string): FeatureCollection<Geometry, Record<string, string>> {
  return JSON.parse(readFileSync(path.resolve(REPO, file), 'utf8')) as FeatureCollection<
    Geometry,
    Record<string, string>
  >;
}

/** LSOA code -> [name, residents] from a population CSV (Nomis's own names); `file` relative to the repository or absolute. */
export function readPopulation(file: string): Map<string, [string, number]> {
  const [, ...lines] = readFileSync(path.resolve(REPO, file), 'utf8').trim().split(/\r?\n/);
  return new Map(
    lines.map((line) => {
      const [name = '', code = '', residents = ''] = line.split(',');
      return [code, [name, Number(residents)]];
    }),
  );
}

const row = (properties: Row['properties'], geometry: Geometry | null = null): Row => ({
  type: 'Feature',
  properties,
  geometry,
});

export interface OnsWorld {
  /** service name -> layer */
  layers: Map<string, ArcgisLayer>;
  /** LSOA code -> [name, residents] */
  residents: Map<string, [string, number]>;
}

/** The layers and residents of the districts, with each layer capped at `maxRecordCount`. */
export function onsWorld(districts: readonly DistrictFixture[], maxRecordCount = 2000): OnsWorld {
  const layers = new Map<string, ArcgisLayer>();
  const add = (service: string, rows: Row[]) => {
    const layer = layers.get(service) ?? { rows: [], maxRecordCount };
    layer.rows.push(...rows);
    layers.set(service, layer);
  };
  const residents = new Map<string, [string, number]>();
  for (const d of districts) {
    const [code, name] = [`WD${d.wardYear}CD`, `WD${d.wardYear}NM`];
    const wards = readCollection(d.wards).features;
    add(
      d.services.wardLookup,
      wards.map((w) =>
        row({
          [code]: w.properties[code]!,
          [name]: w.properties[name]!,
          [`LAD${d.wardYear}CD`]: d.code,
          [`LAD${d.wardYear}NM`]: d.name,
        }),
      ),
    );
    add(
      d.services.wards,
      wards.map((w) =>
        row({ [code]: w.properties[code]!, [name]: w.properties[name]! }, w.geometry),
      ),
    );
    const lsoas = readCollection(d.lsoas).features;
    add(
      LSOA_LOOKUP,
      lsoas.map((l) =>
        row({ LSOA21CD: l.properties['LSOA21CD']!, LAD24CD: d.code, LAD24NM: d.name }),
      ),
    );
    add(
      LSOAS,
      lsoas.map((l) =>
        row(
          { LSOA21CD: l.properties['LSOA21CD']!, LSOA21NM: l.properties['LSOA21NM']! },
          l.geometry,
        ),
      ),
    );
    const [outline] = readCollection(d.outline).features;
    add(DISTRICTS, [row({ LAD24CD: d.code, LAD24NM: d.name }, outline!.geometry)]);
    for (const [lsoa, value] of readPopulation(d.population)) residents.set(lsoa, value);
  }
  return { layers, residents };
}

/** The ONS Postcode Directory layer the tests name, and its district field. */
export const POSTCODE_SOURCE = {
  service: 'ONSPD_Online_Latest_Centroids',
  districtField: 'LAD25CD',
} as const;

/** Every TERMINATED_EVERY-th postcode of the layer is marked terminated (DOTERM set). */
export const TERMINATED_EVERY = 50;

/**
 * The postcode directory's rows from data/reference/postcodes-ls.csv, as the service answers
 * them (PCDS, LAT and LONG as numbers, the district code, DOTERM null for live postcodes).
 */
export function postcodeLayer(maxRecordCount = 2000): ArcgisLayer {
  const [, ...lines] = readFileSync(path.resolve(REPO, 'data/reference/postcodes-ls.csv'), 'utf8')
    .trim()
    .split(/\r?\n/);
  return {
    maxRecordCount,
    rows: lines.map((line, i) => {
      const [postcode = '', lat = '', lon = '', district = ''] = line.split(',');
      return row({
        PCDS: postcode,
        LAT: Number(lat),
        LONG: Number(lon),
        [POSTCODE_SOURCE.districtField]: district,
        DOTERM: i % TERMINATED_EVERY === TERMINATED_EVERY - 1 ? '202001' : null,
      });
    }),
  };
}

/** The services root and the Nomis API root on `server`. */
export function onsUrls(server: ReplayServer): { onsBaseUrl: string; nomisBaseUrl: string } {
  return { onsBaseUrl: `${server.url}ons/`, nomisBaseUrl: `${server.url}nomis/api/v01/` };
}

export function layerPath(service: string): string {
  return `/ons/${service}/FeatureServer/0/query`;
}

export const NOMIS_PATH = '/nomis/api/v01/dataset/NM_2021_1.data.csv';

/** ArcGIS answers an unreadable query with HTTP 200 and this. */
function arcgisError(message: string): Reply {
  return {
    body: { error: { code: 400, message: 'Unable to complete operation.', details: [message] } },
  };
}

/** One layer's query answer, as ArcGIS computes it. */
export function answerQuery(layer: ArcgisLayer, request: RecordedRequest): Reply {
  const q = request.query;
  if (q.get('f') !== 'geojson' || q.get('outSR') !== '4326') {
    return arcgisError('this replay answers f=geojson with outSR=4326 only');
  }
  const [where = '', isNull] = (q.get('where') ?? '').split(/ AND (?=\w+ IS NULL$)/);
  const nullField = isNull === undefined ? null : isNull.replace(/ IS NULL$/, '');
  const equals = /^(\w+) = '([^']*)'$/.exec(where);
  const among = /^(\w+) IN \((.*)\)$/.exec(where);
  let field: string;
  let wanted: Set<string>;
  if (equals) {
    field = equals[1]!;
    wanted = new Set([equals[2]!]);
  } else if (among) {
    field = among[1]!;
    wanted = new Set([...among[2]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!));
  } else {
    return arcgisError(`'Invalid field: ${where}' parameter is invalid`);
  }
  const outFields = (q.get('outFields') ?? '').split(',');
  if (
    layer.rows.length > 0 &&
    ![field, ...outFields, ...(nullField === null ? [] : [nullField])].every(
      (f) => f in layer.rows[0]!.properties,
    )
  ) {
    return arcgisError(`'Invalid field' in where or outFields: ${field}, ${outFields.join(',')}`);
  }
  const order = q.get('orderByFields') ?? field;
  const matched = layer.rows
    .filter((r) => wanted.has(String(r.properties[field] ?? '')))
    .filter((r) => nullField === null || r.properties[nullField] === null)
    .sort((a, b) => (a.properties[order]! < b.properties[order]! ? -1 : 1));
  const offset = Number(q.get('resultOffset') ?? 0);
  const count = Math.min(
    Number(q.get('resultRecordCount') ?? layer.maxRecordCount),
    layer.maxRecordCount,
  );
  const page = matched.slice(offset, offset + count);
  const geometry = q.get('returnGeometry') !== 'false';
  return {
    headers: { 'content-type': 'application/geo+json; charset=utf-8' },
    body: {
      type: 'FeatureCollection',
      features: page.map((r, i) => ({
        type: 'Feature',
        id: offset + i + 1,
        geometry: geometry ? r.geometry : null,
        properties: Object.fromEntries(outFields.map((f) => [f, r.properties[f] ?? null])),
      })),
      ...(offset + page.length < matched.length
        ? { properties: { exceededTransferLimit: true } }
        : {}),
    },
  };
}

/** The Nomis TS001 CSV answer for the request's geography list and RecordOffset. */
export function answerNomis(
  residents: Map<string, [string, number]>,
  request: RecordedRequest,
  maxRows = 25_000,
): Reply {
  const codes = (request.query.get('geography') ?? '').split(',');
  const rows = codes.filter((c) => residents.has(c));
  const offset = Number(request.query.get('RecordOffset') ?? 0);
  const page = rows.slice(offset, offset + maxRows);
  const lines = [
    '"GEOGRAPHY_NAME","GEOGRAPHY_CODE","OBS_VALUE","RECORD_OFFSET","RECORD_COUNT"',
    ...page.map((code, i) => {
      const [name, value] = residents.get(code)!;
      return `"${name}","${code}",${value},${offset + i},${rows.length}`;
    }),
  ];
  return { headers: { 'content-type': 'text/csv' }, body: `${lines.join('\r\n')}\r\n` };
}

/** Route every layer of `world` and Nomis on `server`. */
export function serveOns(server: ReplayServer, world: OnsWorld, nomisMaxRows?: number): void {
  for (const [service, layer] of world.layers) {
    server.route('GET', layerPath(service), (request) => answerQuery(layer, request));
  }
  server.route('GET', NOMIS_PATH, (request) => answerNomis(world.residents, request, nomisMaxRows));
}

/** The services a run for `district` names (its ward vintage, the default LSOAs and districts). */
export function servicesFor(district: DistrictFixture): OnsServices {
  return { ...district.services, lsoaLookup: LSOA_LOOKUP, lsoas: LSOAS, districts: DISTRICTS };
}
