// What the download endpoints share: one route per table and format, and the response.
import { DOWNLOAD_FORMATS, type DownloadFormat } from '../shared/open-data.ts';
import { CONTENT_TYPES, tableFile, type ReportTable } from './report-tables.ts';
import { versioned } from './content-version.ts';
import { area } from './area.ts';

// A type alias (not an interface) so it fits Astro's Record<string, unknown> props.
export type DownloadProps = {
  table: ReportTable;
  format: DownloadFormat;
};

/** "crime-types.csv" */
export function downloadFileName(tableId: string, format: DownloadFormat): string {
  return `${tableId}.${format}`;
}

/**
 * The name of the table `tableId` of the report page at `page` among every table the site
 * publishes: "ward-armley-crime-types" of "wards/armley/", "year-2025-wards" of "years/2025/".
 * datapackage.json names its resource so.
 */
export function tableName(page: string, tableId: string): string {
  const [kind, subject] = page.split('/');
  return `${kind === 'wards' ? 'ward' : 'year'}-${subject}-${tableId}`;
}

/**
 * The name a browser saves the table's file under ("leeds-ward-armley-crime-types.csv"): the
 * district, the ward or year and the table, as the yearly files name theirs. A CSV holds
 * neither its ward nor its year, and every ward page has a "crime-types.csv": saved under
 * that name, the tables of several wards would be told apart by nothing but "(1)", "(2)".
 */
export function savedFileName(page: string, tableId: string, format: DownloadFormat): string {
  return `${area.slug}-${tableName(page, tableId)}.${format}`;
}

export function downloadPaths(
  tables: readonly ReportTable[],
): { file: string; props: DownloadProps }[] {
  return tables.flatMap((table) =>
    DOWNLOAD_FORMATS.map((format) => ({
      file: downloadFileName(table.spec.id, format),
      props: { table, format },
    })),
  );
}

/**
 * The site path of `table`'s file in `format` on the report page at `page` ("wards/armley/"),
 * versioned by what the file holds (content-version.ts): a refresh that changes a table
 * changes its address, and one that leaves it as it was keeps it.
 */
export function tableFilePath(page: string, table: ReportTable, format: DownloadFormat): string {
  return versioned(page + downloadFileName(table.spec.id, format), tableFile(table, format));
}

export function downloadResponse({ table, format }: DownloadProps): Response {
  return new Response(tableFile(table, format), {
    headers: { 'Content-Type': CONTENT_TYPES[format] },
  });
}
