// Census 2021 usual residents (TS001, Nomis dataset NM_2021_1) for a list of LSOA 2021 codes,
// from the Nomis API as CSV: the codes go in batches as the `geography` list, the total of
// residence types (c2021_restype_3=0) as a count (measures=20100), and each answer is paged
// with RecordOffset until its RECORD_COUNT rows have arrived.
import { parse } from 'csv-parse/sync';
import type { LsoaResidents } from '../nomis-population.ts';
import { quoteOutside } from '../log-safe.ts';
import { chunks } from './chunks.ts';
import { sourceUrl } from './config.ts';
import { shortUrl } from './http-errors.ts';
import { cutShortFault, endsAtClose, type HttpClient, type Log } from './http.ts';
import { errorMessage } from '../../src/shared/error-message.ts';

export const NOMIS_API_BASE_URL = 'https://www.nomisweb.co.uk/api/v01/';
/** Census 2021 TS001, "Number of usual residents in households and communal establishments". */
export const TS001_DATASET = 'NM_2021_1';
/** Codes per request: a URL of about 1 KB, and far below Nomis's 25,000 cells an answer. */
const CODES_PER_REQUEST = 100;
/** More pages than this for one batch means RecordOffset is not advancing. */
const MAX_PAGES = 100;

const COLUMNS = [
  'GEOGRAPHY_NAME',
  'GEOGRAPHY_CODE',
  'OBS_VALUE',
  'RECORD_OFFSET',
  'RECORD_COUNT',
] as const;

export interface NomisSource {
  client: HttpClient;
  baseUrl: string;
  log?: Log;
}

/** The TS001 query URL for `codes`, from row `offset`. */
export function ts001Url(baseUrl: string, codes: readonly string[], offset: number): URL {
  const url = sourceUrl(baseUrl, `dataset/${TS001_DATASET}.data.csv`);
  url.search = new URLSearchParams({
    date: 'latest',
    geography: codes.join(','),
    c2021_restype_3: '0',
    measures: '20100',
    select: COLUMNS.join(',').toLowerCase(),
    RecordOffset: String(offset),
  }).toString();
  return url;
}

interface Page {
  rows: LsoaResidents[];
  /** Rows the whole query holds (RECORD_COUNT); 0 when the answer has no rows. */
  total: number;
}

/** One CSV answer; an error names the URL and the line. */
export function parseTs001Page(text: string, where: string): Page {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, bom: true }) as Record<
      string,
      string
    >[];
  } catch (error) {
    throw new Error(`${where} did not answer a CSV table: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const absent = COLUMNS.filter((c) => !header.includes(c));
  if (absent.length > 0) {
    throw new Error(
      `${where} answered no ${absent.join(', ')} column (got ${quoteOutside(header, 120)}): ` +
        `is ${TS001_DATASET} still Census 2021 TS001? Check the URL against the Nomis API`,
    );
  }
  const rows = records.map((record, i): LsoaResidents => {
    const value = record['OBS_VALUE'] ?? '';
    if (!/^\d+$/.test(value)) {
      throw new Error(
        `${where}: row ${i + 1} (${quoteOutside(record['GEOGRAPHY_CODE'] ?? '', 40)}) has residents ` +
          `${quoteOutside(value, 40)}, not a whole number`,
      );
    }
    return {
      name: (record['GEOGRAPHY_NAME'] ?? '').trim(),
      code: (record['GEOGRAPHY_CODE'] ?? '').trim(),
      residents: Number(value),
    };
  });
  return { rows, total: records.length === 0 ? 0 : Number(records[0]!['RECORD_COUNT']) };
}

/**
 * The residents of every LSOA in `codes`, as Nomis lists them (a code Nomis does not know is
 * simply absent: the caller checks that every LSOA has its count).
 */
export async function fetchLsoaResidents(
  source: NomisSource,
  codes: readonly string[],
): Promise<LsoaResidents[]> {
  const all: LsoaResidents[] = [];
  for (const batch of chunks(codes, CODES_PER_REQUEST)) {
    const rows: LsoaResidents[] = [];
    for (let page = 0; ; page += 1) {
      const url = ts001Url(source.baseUrl, batch, rows.length);
      if (page >= MAX_PAGES) {
        throw new Error(`${url.href}: still rows to come after ${MAX_PAGES} pages; try again`);
      }
      const answer = await source.client.retrying('GET', url, async () => {
        const { response, bytes } = await source.client.send(url);
        const body = await bytes();
        try {
          return parseTs001Page(body.toString('utf8'), url.href);
        } catch (error) {
          if (!endsAtClose(response)) throw error;
          throw cutShortFault(
            `GET ${shortUrl(url.href)}`,
            response,
            body,
            `do not read as TS001's CSV table`,
            'that table',
            error,
          );
        }
      });
      rows.push(...answer.rows);
      if (rows.length >= answer.total) break;
      if (answer.rows.length === 0) {
        throw new Error(
          `${url.href}: answered no rows at offset ${rows.length} of ${answer.total}; try again`,
        );
      }
    }
    all.push(...rows);
  }
  source.log?.(`Nomis ${TS001_DATASET}: residents of ${all.length} LSOAs`);
  return all;
}
