// The months the published outputs besides the site data describe: the map data's (its
// header) and the downloads' (their manifest). Published beside site data of other months,
// the map and the Data page's files would tell another story than the pages; the commit step
// checks them against the site data's months (refresh-steps.ts).
import { gunzipIfNeeded, readMapDataHeader } from '../src/shared/map-data.ts';
import { downloadsManifestSchema } from '../src/shared/open-data.ts';
import { parseOrThrow } from '../src/shared/schema.ts';

/** The months with data of a map data file (gzipped or not), read from its header. */
export async function mapDataMonths(bytes: Uint8Array): Promise<string[]> {
  const { header } = readMapDataHeader(await gunzipIfNeeded(bytes));
  return header.months.filter((_, i) => header.hasData[i] === 1);
}

/** The months of the yearly files a downloads manifest (`file`, its text) lists. */
export function downloadsMonths(text: string, file: string): string[] {
  return parseOrThrow(downloadsManifestSchema, JSON.parse(text), file).files.flatMap(
    (f) => f.months,
  );
}
