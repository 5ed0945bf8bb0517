// ⚠️ This module ships to the browser (shared by the pipeline and the site's download
// endpoints). Writing CSV as RFC 4180 quotes it: a field is quoted only when it holds a quote,
// a comma or a line break, and quotes inside it are doubled. Rows end in a line feed, not
// RFC 4180's CRLF, which CSV_DIALECT says for readers that follow datapackage.json.

/**
 * How every CSV the project writes is laid out, as a Frictionless CSV Dialect. Its defaults
 * differ where the files do (rows end in "\r\n", spaces after a comma are skipped), so
 * datapackage.json gives each file this dialect.
 */
export const CSV_DIALECT = {
  delimiter: ',',
  lineTerminator: '\n',
  quoteChar: '"',
  doubleQuote: true,
  skipInitialSpace: false,
  header: true,
} as const;

const NEEDS_QUOTES = /[",\r\n]/;

/** One field, quoted when it must be. */
export function formatCsvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line, ending in CSV_DIALECT's line terminator ("\n"). */
export function formatCsvRow(values: readonly string[]): string {
  return `${values.map(formatCsvField).join(CSV_DIALECT.delimiter)}${CSV_DIALECT.lineTerminator}`;
}
