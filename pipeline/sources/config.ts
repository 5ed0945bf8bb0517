// Where the network sources live. Every base URL can be pointed elsewhere (a mirror, or the
// replay server the tests start on 127.0.0.1) through the environment or the command line.

export interface SourceConfig {
  /** Directory listing the police.uk archives: `<base>/YYYY-MM.zip`, `<base>/latest.zip`. */
  readonly policeArchiveBaseUrl: string;
  /** The police.uk API root: `<base>/crimes-street-dates`, `<base>/crimes-street/all-crime`. */
  readonly policeApiBaseUrl: string;
  /** postcodes.io root: `POST <base>/postcodes` does bulk reverse geocoding. */
  readonly postcodesBaseUrl: string;
  /** The council's polling-district layer: `<url>/query` answers ArcGIS REST queries. */
  readonly leedsMapServerUrl: string;
}

export const DEFAULT_SOURCE_CONFIG: SourceConfig = {
  policeArchiveBaseUrl: 'https://data.police.uk/data/archive/',
  policeApiBaseUrl: 'https://data.police.uk/api/',
  postcodesBaseUrl: 'https://api.postcodes.io/',
  leedsMapServerUrl:
    'https://mapservices.leeds.gov.uk/arcgis/rest/services/Public/Boundary/MapServer/7',
};

/** Environment variable for each setting; the CLI accepts the same names as `--name=value`. */
export const SOURCE_ENV_VARS = {
  policeArchiveBaseUrl: 'POLICE_ARCHIVE_BASE_URL',
  policeApiBaseUrl: 'POLICE_API_BASE_URL',
  postcodesBaseUrl: 'POSTCODES_BASE_URL',
  leedsMapServerUrl: 'LEEDS_MAPSERVER_URL',
} as const satisfies Record<keyof SourceConfig, string>;

/**
 * The configuration in force: explicit overrides beat the environment, which beats the
 * defaults. Every URL is checked and given a trailing slash so relative paths resolve under it.
 */
export function resolveSourceConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Partial<SourceConfig> = {},
): SourceConfig {
  const pick = (key: keyof SourceConfig): string =>
    checkedBaseUrl(
      SOURCE_ENV_VARS[key],
      overrides[key] ?? env[SOURCE_ENV_VARS[key]] ?? DEFAULT_SOURCE_CONFIG[key],
      DEFAULT_SOURCE_CONFIG[key],
    );
  return {
    policeArchiveBaseUrl: pick('policeArchiveBaseUrl'),
    policeApiBaseUrl: pick('policeApiBaseUrl'),
    postcodesBaseUrl: pick('postcodesBaseUrl'),
    leedsMapServerUrl: pick('leedsMapServerUrl'),
  };
}

/**
 * `raw` as a base URL with a trailing slash, or an error naming the setting (`name`) and an
 * `example` of a good value.
 */
export function checkedBaseUrl(name: string, raw: string, example: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new Error(
      `${name} is not a valid URL: "${raw}". Give an absolute http(s) URL, e.g. ${example}`,
      { cause },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} must be an http(s) URL, got "${raw}"`);
  }
  return withTrailingSlash(url.href);
}

function withTrailingSlash(href: string): string {
  return href.endsWith('/') ? href : `${href}/`;
}

/** Resolve `path` under a base URL, read as a folder whether or not it ends with a slash. */
export function sourceUrl(base: string, path: string): URL {
  return new URL(path.replace(/^\/+/, ''), withTrailingSlash(base));
}
