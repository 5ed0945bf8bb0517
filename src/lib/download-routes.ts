// What the download endpoints share: one route per table and format, and the response.
import { DOWNLOAD_FORMATS, type DownloadFormat } from '../shared/open-data.ts';
import { CONTENT_TYPES, tableFile, type ReportTable } from './report-tables.ts';
import { versioned } from './content-version.ts';

// A type alias (not an interface) so it fits Astro's Record<string, unknown> props.
export type DownloadProps = {
  table: ReportTable;
  format: DownloadFormat;
};

/** "crime-types.csv" */
export function downloadFileName(tableId: string, format: DownloadFormat): string {
  return `${tableId}.${format}`;
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
