// A district's boundaries from the ONS Open Geography Portal's ArcGIS FeatureServers: its wards
// (by the ward-to-district lookup, then their polygons), its LSOA 2021 (by the LSOA-to-district
// lookup, then their polygons) and its own outline. Each layer is named by its service; the
// vintage of its code fields is read from that name (WD24_LAD24_UK_LU holds WD24CD and
// LAD24CD), so a newer vintage is a new service name, not new code.
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { IN_CLAUSE_MAX, inClause, queryLayer, type QueryOptions } from './arcgis.ts';
import { quoteOutside } from '../log-safe.ts';
import { chunks } from './chunks.ts';
import { sourceUrl } from './config.ts';
import type { HttpClient } from './http.ts';

/** The Portal's hosted services. */
export const ONS_GEOGRAPHY_BASE_URL =
  'https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/';

/** The FeatureServer services read, by what they hold. */
export interface OnsServices {
  /** Ward to local-authority-district lookup, e.g. WD24_LAD24_UK_LU (WD24CD, WD24NM, LAD24CD, LAD24NM). */
  wardLookup: string;
  /** Ward boundaries of the lookup's ward vintage, e.g. Wards_May_2024_Boundaries_UK_BGC. */
  wards: string;
  /** LSOA 2021 to district lookup, e.g. LSOA21_WD24_LAD24_EW_LU (LSOA21CD, LAD24CD). */
  lsoaLookup: string;
  /** LSOA 2021 boundaries (LSOA21CD, LSOA21NM). */
  lsoas: string;
  /** Local-authority-district boundaries, e.g. Local_Authority_Districts_May_2024_Boundaries_UK_BGC. */
  districts: string;
}

/**
 * The May 2024 vintage (the latest whose lookups reach LSOA 2021), generalised (20 m) and
 * clipped to the coastline (BGC): detailed enough for point-in-polygon at street level.
 */
export const DEFAULT_ONS_SERVICES: OnsServices = {
  wardLookup: 'WD24_LAD24_UK_LU',
  wards: 'Wards_May_2024_Boundaries_UK_BGC',
  lsoaLookup: 'LSOA21_WD24_LAD24_EW_LU',
  lsoas: 'Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5',
  districts: 'Local_Authority_Districts_May_2024_Boundaries_UK_BGC',
};

export interface OnsSource {
  client: HttpClient;
  baseUrl: string;
  services: OnsServices;
  query?: QueryOptions;
}

/** The code and name fields of each layer, from the services' names. */
export interface OnsFields {
  wardCode: string;
  wardName: string;
  /** The district code field of the ward lookup. */
  wardLookupDistrict: string;
  lsoaLookupDistrict: string;
  districtCode: string;
  districtName: string;
}

export const LSOA_CODE_FIELD = 'LSOA21CD';
export const LSOA_NAME_FIELD = 'LSOA21NM';

const WARD_LOOKUP_NAME = /^WD(\d\d)_LAD(\d\d)_/;
const LSOA_LOOKUP_NAME = /^LSOA21_WD\d\d_LAD(\d\d)_/;
const DISTRICTS_NAME = /_(?:19|20)(\d\d)_/;

/** Fields named after the services' vintages; an error names a service whose name says none. */
export function onsFields(services: OnsServices): OnsFields {
  const ward = WARD_LOOKUP_NAME.exec(services.wardLookup);
  const lsoa = LSOA_LOOKUP_NAME.exec(services.lsoaLookup);
  const district = DISTRICTS_NAME.exec(services.districts);
  const bad = [
    ward ? null : `the ward lookup "${services.wardLookup}" is not named like WD24_LAD24_UK_LU`,
    lsoa
      ? null
      : `the LSOA lookup "${services.lsoaLookup}" is not named like LSOA21_WD24_LAD24_EW_LU`,
    district
      ? null
      : `the district boundaries "${services.districts}" do not name a year like Local_Authority_Districts_May_2024_Boundaries_UK_BGC`,
  ].filter((m) => m !== null);
  if (bad.length > 0 || !ward || !lsoa || !district) {
    throw new Error(
      `${bad.join('; ')}: the code fields are read from these names; give the Portal's service names`,
    );
  }
  return {
    wardCode: `WD${ward[1]}CD`,
    wardName: `WD${ward[1]}NM`,
    wardLookupDistrict: `LAD${ward[2]}CD`,
    lsoaLookupDistrict: `LAD${lsoa[1]}CD`,
    districtCode: `LAD${district[1]}CD`,
    districtName: `LAD${district[1]}NM`,
  };
}

function layer(source: OnsSource, service: string): URL {
  return sourceUrl(source.baseUrl, `${service}/FeatureServer/0/query`);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

export interface CodeName {
  code: string;
  name: string;
}

/** The district's wards, by code, from the ward lookup; none for a code the lookup lacks. */
export async function fetchWardList(source: OnsSource, districtCode: string): Promise<CodeName[]> {
  const fields = onsFields(source.services);
  const rows = await queryLayer(
    source.client,
    layer(source, source.services.wardLookup),
    {
      where: `${fields.wardLookupDistrict} = '${districtCode}'`,
      outFields: [fields.wardCode, fields.wardName],
      orderByField: fields.wardCode,
      returnGeometry: false,
    },
    source.query,
  );
  const wards = new Map<string, string>();
  for (const row of rows) {
    const code = text(row.properties[fields.wardCode]);
    const name = text(row.properties[fields.wardName]);
    if (code === '' || name === '') {
      throw new Error(
        `${source.services.wardLookup}: a row for ${districtCode} has no ${fields.wardCode} or ${fields.wardName}`,
      );
    }
    const known = wards.get(code);
    if (known !== undefined && known !== name) {
      throw new Error(
        `${source.services.wardLookup}: ward ${quoteOutside(code, 40)} is named both ` +
          `${quoteOutside(known, 100)} and ${quoteOutside(name, 100)}`,
      );
    }
    wards.set(code, name);
  }
  return [...wards].map(([code, name]) => ({ code, name })).sort(byCode);
}

/** The district's LSOA 2021 codes, from the LSOA lookup. */
export async function fetchLsoaList(source: OnsSource, districtCode: string): Promise<string[]> {
  const fields = onsFields(source.services);
  const rows = await queryLayer(
    source.client,
    layer(source, source.services.lsoaLookup),
    {
      where: `${fields.lsoaLookupDistrict} = '${districtCode}'`,
      outFields: [LSOA_CODE_FIELD],
      orderByField: LSOA_CODE_FIELD,
      returnGeometry: false,
    },
    source.query,
  );
  const codes = new Set(rows.map((row) => text(row.properties[LSOA_CODE_FIELD])));
  codes.delete('');
  return [...codes].sort();
}

type Boundary<P> = Feature<Polygon | MultiPolygon, P>;

/**
 * The polygons of `codes` on `service`, one per code, in the order of `codes`, with only the
 * code and name fields. A code with no polygon, or with two, stops with the codes.
 */
async function fetchBoundaries(
  source: OnsSource,
  service: string,
  codes: readonly string[],
  codeField: string,
  nameField: string,
): Promise<Boundary<Record<string, string>>[]> {
  const byCode = new Map<string, Boundary<Record<string, string>>>();
  const twice = new Set<string>();
  for (const batch of chunks(codes, IN_CLAUSE_MAX)) {
    const rows = await queryLayer(
      source.client,
      layer(source, service),
      {
        where: inClause(codeField, batch),
        outFields: [codeField, nameField],
        orderByField: codeField,
        returnGeometry: true,
      },
      source.query,
    );
    for (const row of rows) {
      const code = text(row.properties[codeField]);
      if (byCode.has(code)) twice.add(code);
      byCode.set(code, {
        type: 'Feature',
        properties: { [codeField]: code, [nameField]: text(row.properties[nameField]) },
        geometry: row.geometry as Polygon | MultiPolygon,
      });
    }
  }
  const missing = codes.filter((code) => !byCode.has(code));
  if (missing.length > 0 || twice.size > 0) {
    throw new Error(
      `${service}: ` +
        [
          missing.length > 0
            ? `has no ${codeField} polygon for ${missing.length} of ${codes.length}, e.g. ${missing.slice(0, 5).join(', ')}`
            : '',
          twice.size > 0 ? `has two polygons for ${[...twice].slice(0, 5).join(', ')}` : '',
        ]
          .filter((m) => m !== '')
          .join('; ') +
        `. Check that the service holds the same vintage as its lookup (${codeField}).`,
    );
  }
  return codes.map((code) => byCode.get(code)!);
}

export type BoundaryCollection = FeatureCollection<Polygon | MultiPolygon, Record<string, string>>;

/** The wards' polygons, with the ward fields (WD24CD, WD24NM) only, ordered by code. */
export async function fetchWardBoundaries(
  source: OnsSource,
  wards: readonly CodeName[],
): Promise<BoundaryCollection> {
  const fields = onsFields(source.services);
  const features = await fetchBoundaries(
    source,
    source.services.wards,
    wards.map((w) => w.code),
    fields.wardCode,
    fields.wardName,
  );
  return { type: 'FeatureCollection', features };
}

/** The LSOAs' polygons, with LSOA21CD and LSOA21NM only, ordered by code. */
export async function fetchLsoaBoundaries(
  source: OnsSource,
  codes: readonly string[],
): Promise<BoundaryCollection> {
  const features = await fetchBoundaries(
    source,
    source.services.lsoas,
    codes,
    LSOA_CODE_FIELD,
    LSOA_NAME_FIELD,
  );
  return { type: 'FeatureCollection', features };
}

/** The district's own outline, with the properties the area's outline file has (LADCD, LADNM). */
export async function fetchDistrictOutline(
  source: OnsSource,
  districtCode: string,
): Promise<Feature<Polygon | MultiPolygon, { LADCD: string; LADNM: string }>> {
  const fields = onsFields(source.services);
  const [outline] = await fetchBoundaries(
    source,
    source.services.districts,
    [districtCode],
    fields.districtCode,
    fields.districtName,
  );
  return {
    type: 'Feature',
    properties: {
      LADCD: districtCode,
      LADNM: outline!.properties[fields.districtName] ?? '',
    },
    geometry: outline!.geometry,
  };
}

function byCode(a: CodeName, b: CodeName): number {
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
