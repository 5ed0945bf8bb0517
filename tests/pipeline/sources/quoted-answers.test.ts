// Text from a server (a body that is not JSON, an ArcGIS error's message, a field of an answer)
// quoted in an error stays one line: its line breaks shown as "\n", its control characters as
// escapes, cut to a few words when long, so a message reads as one line of the log.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { quoteOutside } from '../../../pipeline/log-safe.ts';
import { HttpClient } from '../../../pipeline/sources/http.ts';
import { parseTs001Page } from '../../../pipeline/sources/nomis.ts';
import { fetchWardList } from '../../../pipeline/sources/ons-geography.ts';
import { fetchPollingDistricts } from '../../../pipeline/sources/polling-districts.ts';
import { reverseGeocode } from '../../../pipeline/sources/postcodes.ts';
import { fetchDistrictPostcodes } from '../../../pipeline/sources/ons-postcodes.ts';
import { layerPath, LEEDS, POSTCODE_SOURCE } from '../../support/ons-replay.ts';
import type { ReplayServer } from '../../support/replay-server.ts';
import { replayPerTest } from '../../support/replay-sources.ts';
import { LONE_SURROGATE } from '../../support/lone-surrogate.ts';

let server: ReplayServer;
let dir: string;
replayPerTest('quoted-answers-', (s, d) => {
  server = s;
  dir = d;
});

/** What a proxy in front of a server answers while it is down: an HTML page, over many lines. */
const MAINTENANCE_PAGE =
  '<!DOCTYPE html>\n<html>\n  <head>\n\t<title>503 Service Unavailable</title>\n  </head>\n' +
  '  <body><h1>Down for maintenance</h1><p>Back soon.</p></body>\n</html>\n';

const client = (): HttpClient => new HttpClient({ minBackoffMs: 1, maxBackoffMs: 2, retries: 1 });

/** The message of what `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

describe('quoteOutside(text, maxChars)', () => {
  it('quotes text on one line, its breaks and control characters escaped, cut when long', () => {
    expect(quoteOutside('a\nb\tc\r\x1bd\u2028e', 20)).toBe('"a\\nb\\tc\\x0d\\x1bd\\u2028e"');
    expect(quoteOutside('abcdef', 3)).toBe('"abc…"');
    expect(quoteOutside('short', 5)).toBe('"short"');
  });

  it('cuts between characters: an emoji or other astral character at the cut is never halved', () => {
    // Each of these is two UTF-16 code units; a cut by code units at an odd place halves one.
    for (const astral of ['😀', '𠮷', '𝒜']) {
      const text = `x${astral.repeat(10)}`;
      expect(quoteOutside(text, 2)).toBe(`"x${astral}…"`);
      expect(quoteOutside(text, 4)).toBe(`"x${astral.repeat(3)}…"`);
      expect(quoteOutside(text, 11)).toBe(`"${text}"`);
      expect(quoteOutside(text, 3)).not.toMatch(LONE_SURROGATE);
    }
  });
});

describe('a message quoting a server answer stays one line', () => {
  it.each([
    [
      'an HTML error page',
      MAINTENANCE_PAGE,
      '"<!DOCTYPE html>\\n<html>\\n  <head>\\n\\t<title>503',
    ],
    [
      'a pretty-printed body with control characters',
      'Error:\r\n  \x1b[31mdown\u2028for now\x07',
      '"Error:\\x0d\\n  \\x1b[31mdown\\u2028for now\\x07"',
    ],
  ])('json() quotes %s that is not JSON', async (_what, body, quoted) => {
    server.route('GET', '/api/crimes-street-dates', [{ body }]);
    const message = await failure(client().json(`${server.url}api/crimes-street-dates`));
    expect(message).toContain(`with a body that is not JSON: ${quoted}`);
    expect(message).not.toMatch(/[\n\r\t\u2028]/);
  });

  it('json() cuts a long body it quotes to 120 characters', async () => {
    server.route('GET', '/api/crimes-street-dates', [{ body: MAINTENANCE_PAGE }]);
    const message = await failure(client().json(`${server.url}api/crimes-street-dates`));
    const quoted = /not JSON: (".*?…")/.exec(message)?.[1] ?? '';
    expect(quoted.endsWith('…"')).toBe(true);
    expect(JSON.parse(quoted.replace('…', ''))).toBe(MAINTENANCE_PAGE.slice(0, 120));
  });

  it('json() cuts a long body of emoji between characters, and says it was cut', async () => {
    const body = `x${'😀'.repeat(300)}`;
    server.route('GET', '/api/crimes-street-dates', [{ body }]);
    const message = await failure(client().json(`${server.url}api/crimes-street-dates`));
    expect(message).not.toMatch(LONE_SURROGATE);
    const quoted = /not JSON: (".*?…")/u.exec(message)?.[1] ?? '';
    expect(JSON.parse(quoted.replace('…', ''))).toBe(`x${'😀'.repeat(119)}`);
  });

  it.each([
    [121, `"${'😀'.repeat(121)}"`],
    [122, `"${'😀'.repeat(120)}…"`],
    [500, `"${'😀'.repeat(120)}…"`],
  ])(
    'json() quotes a body of %i four-byte characters whole only when it is whole',
    async (n, quoted) => {
      server.route('GET', '/api/crimes-street-dates', [{ body: '😀'.repeat(n) }]);
      const message = await failure(client().json(`${server.url}api/crimes-street-dates`));
      expect(message).toContain(`not JSON: ${quoted} (`);
    },
  );

  it("the council's ArcGIS server: an error message with an emoji at the cut", async () => {
    const text = `x${'😀'.repeat(300)}`;
    server.route('GET', '/mapserver/query', [{ body: { error: { code: 500, message: text } } }]);
    const message = await failure(
      fetchPollingDistricts({
        client: client(),
        mapServerUrl: `${server.url}mapserver`,
        cacheFile: path.join(dir, 'polling-districts.geojson'),
      }),
    );
    expect(message).not.toMatch(LONE_SURROGATE);
    expect(message).toContain(`answered an ArcGIS error 500: "x${'😀'.repeat(199)}…"`);
  });

  it("the council's ArcGIS server: an error whose message is an HTML page", async () => {
    server.route('GET', '/mapserver/query', [
      { body: { error: { code: 400, message: MAINTENANCE_PAGE } } },
    ]);
    const message = await failure(
      fetchPollingDistricts({
        client: client(),
        mapServerUrl: `${server.url}mapserver`,
        cacheFile: path.join(dir, 'polling-districts.geojson'),
      }),
    );
    expect(message).toMatch(/answered an ArcGIS error 400: "<!DOCTYPE html>\\n<html>\\n {2}<head>/);
    expect(message).not.toMatch(/[\n\t]/);
  });

  it("the council's ArcGIS server: a polling district sent twice, whose ward name has a line break", async () => {
    const feature = {
      attributes: { POLLING_DI: 'ADL1\n::error::x', WARD: 'Adel &\nWharfedale' },
      geometry: {
        rings: [
          [
            [-1.6, 53.85],
            [-1.6, 53.86],
            [-1.59, 53.86],
            [-1.6, 53.85],
          ],
        ],
      },
    };
    server.route('GET', '/mapserver/query', (request) =>
      request.query.get('returnCountOnly') === 'true'
        ? { body: { count: 2 } }
        : { body: { features: [feature, feature] } },
    );
    const message = await failure(
      fetchPollingDistricts({
        client: client(),
        mapServerUrl: `${server.url}mapserver`,
        cacheFile: path.join(dir, 'polling-districts.geojson'),
      }),
    );
    expect(message).toContain(
      'polling district "ADL1\\n::error::x" (ward "Adel &\\nWharfedale") came twice while paging',
    );
    expect(message).not.toContain('\n');
  });

  it("postcodes.io: a long error in the answer's body, cut between characters", async () => {
    // Two letters, then emoji: a cut by UTF-16 code units at 197 falls inside one.
    const error = `xx${'😀'.repeat(300)}`;
    server.route('POST', '/postcodes', [{ body: { status: 400, error } }]);
    const message = await failure(
      reverseGeocode([{ lon: -1.55, lat: 53.8 }], {
        client: client(),
        postcodesBaseUrl: server.url,
        cacheFile: path.join(dir, 'postcodes.json'),
      }),
    );
    expect(message).not.toMatch(LONE_SURROGATE);
    expect(message).not.toMatch(/\\ud[89a-f]/i);
    expect(message).toContain(
      `body says status 400: "xx${'😀'.repeat(197)}…"; nothing of it was used`,
    );
  });

  it('ONS Postcode Directory: a long value that is not a postcode, cut between characters', async () => {
    const pcds = `x${'😀'.repeat(60)}`;
    server.route('GET', layerPath(POSTCODE_SOURCE.service), [
      {
        body: {
          type: 'FeatureCollection',
          features: [
            { type: 'Feature', properties: { PCDS: pcds, LAT: 53.8, LONG: -1.55 }, geometry: null },
          ],
        },
      },
    ]);
    const message = await failure(
      fetchDistrictPostcodes(
        { client: client(), baseUrl: `${server.url}ons/`, source: POSTCODE_SOURCE },
        LEEDS.code,
      ),
    );
    expect(message).not.toMatch(LONE_SURROGATE);
    expect(message).toContain(`PCDS "x${'😀'.repeat(37)}… is not a postcode`);
  });

  it('postcodes.io: a bulk answer of another shape is named in one line', async () => {
    server.route('POST', '/postcodes', [{ body: { status: 200, result: [{ result: null }] } }]);
    const message = await failure(
      reverseGeocode([{ lon: -1.55, lat: 53.8 }], {
        client: client(),
        postcodesBaseUrl: server.url,
        cacheFile: path.join(dir, 'postcodes.json'),
      }),
    );
    expect(message).toMatch(
      /did not answer one result per geolocation \(1 asked\): result\.0\.query: /,
    );
    expect(message).not.toContain('\n');
  });

  it('ONS: a ward named two ways, one name with a line break', async () => {
    const row = (name: string) => ({
      type: 'Feature',
      properties: { WD25CD: 'E05001234', WD25NM: name },
      geometry: null,
    });
    server.route('GET', layerPath(LEEDS.services.wardLookup), [
      {
        body: {
          type: 'FeatureCollection',
          features: [row('Adel & Wharfedale'), row('Adel &\r\nWharfedale')],
        },
      },
    ]);
    const message = await failure(
      fetchWardList(
        {
          client: client(),
          baseUrl: `${server.url}ons/`,
          services: {
            wardLookup: LEEDS.services.wardLookup,
            wards: LEEDS.services.wards,
            lsoaLookup: 'LSOA21_WD25_LAD25_EW_LU',
            lsoas: 'Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5',
            districts: 'Local_Authority_Districts_May_2025_Boundaries_UK_BGC',
          },
        },
        LEEDS.code,
      ),
    );
    expect(message).toContain(
      'ward "E05001234" is named both "Adel & Wharfedale" and "Adel &\\x0d\\nWharfedale"',
    );
    expect(message).not.toMatch(/[\r\n]/);
  });

  it.each([
    [
      'residents',
      '"E01011264 name","E01011264","12\n34",0,1',
      '"E01011264") has residents "12\\n34"',
    ],
    ['code', '"n","E0101\n1264","x",0,1', '"E0101\\n1264") has residents "x"'],
  ])('Nomis: a row with a line break in its %s', (_what, row, quoted) => {
    const csv = `"GEOGRAPHY_NAME","GEOGRAPHY_CODE","OBS_VALUE","RECORD_OFFSET","RECORD_COUNT"\n${row}\n`;
    const error = (() => {
      try {
        parseTs001Page(csv, 'https://nomis.example/TS001');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toContain(quoted);
    expect(error?.message).not.toContain('\n');
  });
});
