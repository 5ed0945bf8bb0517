// ⚠️ This module ships to the browser (shared by the pipeline and the site's download
// endpoints). Writing CSV as RFC 4180: a field is quoted only when it holds a quote, a comma
// or a line break, and quotes inside it are doubled.

const NEEDS_QUOTES = /[",\r\n]/;

/** One field, quoted when it must be. */
export function formatCsvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line, ending in "\n". */
export function formatCsvRow(values: readonly string[]): string {
  return `${values.map(formatCsvField).join(',')}\n`;
}
