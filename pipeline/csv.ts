// Streaming CSV in and out. Rows are parsed as they arrive (csv-parse), checked against the
// columns the caller needs, and handed on with their file and line for error messages.
import type { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { InputError } from './input-error.ts';

export interface CsvRow {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  values: Readonly<Record<string, string>>;
}

export interface ReadCsvOptions {
  /** Called with the size of every chunk read, for progress displays. */
  onBytes?: (bytes: number) => void;
}

/**
 * Rows of the CSV in `input`, one at a time. Throws an InputError naming `where` when the file
 * is empty, when its header lacks any of `requiredColumns` (listing them), or when it is not
 * valid CSV (with the line). A UTF-8 byte-order mark is allowed.
 */
export async function* readCsv(
  input: Readable,
  where: string,
  requiredColumns: readonly string[],
  options: ReadCsvOptions = {},
): AsyncGenerator<CsvRow> {
  let headerSeen = false;
  const parser = parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    columns: (header: string[]) => {
      headerSeen = true;
      const present = new Set(header.map((name) => name.trim()));
      const missing = requiredColumns.filter((name) => !present.has(name));
      if (missing.length > 0) {
        throw new InputError(
          where,
          `the header lacks column(s) ${missing.map((m) => `"${m}"`).join(', ')} ` +
            `(found: ${header.map((h) => `"${h}"`).join(', ')}); is this a police.uk file of the right kind?`,
        );
      }
      return header.map((name) => name.trim());
    },
  });
  if (options.onBytes) {
    const onBytes = options.onBytes;
    input.on('data', (chunk: Buffer) => onBytes(chunk.length));
  }
  input.once('error', (error) => parser.destroy(error));
  input.pipe(parser);

  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      yield { line: info.lines, values: record };
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (error instanceof CsvError) {
      const line = typeof error['lines'] === 'number' ? `:${error['lines']}` : '';
      throw new InputError(`${where}${line}`, `is not valid CSV (${error.message})`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    input.destroy();
  }
  if (!headerSeen) {
    throw new InputError(
      where,
      'is empty (no header row): the file is truncated; download it again',
    );
  }
}

/** One CSV line (with "\n"), quoting fields that hold a comma, quote or line break, as police.uk does. */
export function formatCsvRow(values: readonly string[]): string {
  return `${values.map(formatCsvField).join(',')}\n`;
}

const NEEDS_QUOTES = /[",\r\n]/;

function formatCsvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
