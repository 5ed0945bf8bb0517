// Streaming CSV in and out. Rows are parsed as they arrive, checked against the columns the
// caller needs, and handed on with their file and line for error messages.
//
// The reader is a small RFC 4180 scanner rather than csv-parse: police.uk files are plain
// comma-separated UTF-8 with "double-quoted" fields, and over a million rows a run the
// general-purpose parser (byte by byte, options checked per character) took a third of the
// pipeline's time; scanning decoded text with indexOf and slicing fields out is several
// times faster. It is as strict as csv-parse was: a quote inside an unquoted field, text
// after a closing quote, an unclosed quote or a row with the wrong number of fields fails
// with the file and line.
import type { Readable } from 'node:stream';
import { InputError } from './input-error.ts';

export { formatCsvRow } from '../src/shared/csv-format.ts';

export interface CsvRow {
  /** 1-based line number in the file (the header is line 1) where the row ends. */
  line: number;
  values: Readonly<Record<string, string>>;
}

export interface ReadCsvOptions {
  /** Called with the size of every chunk read, for progress displays. */
  onBytes?: (bytes: number) => void;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** A problem with the CSV syntax at a line; readCsv names the file. */
class CsvSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

/**
 * Rows of the CSV in `input`, one at a time. Throws an InputError naming `where` when the file
 * is empty, when its header lacks any of `requiredColumns` (listing them), or when it is not
 * valid CSV (with the line). A UTF-8 byte-order mark is allowed; empty lines are skipped.
 */
export async function* readCsv(
  input: Readable,
  where: string,
  requiredColumns: readonly string[],
  options: ReadCsvOptions = {},
): AsyncGenerator<CsvRow> {
  // Fatal: bytes that are not UTF-8 fail with the file and line instead of becoming U+FFFD.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const scanner = new CsvScanner();
  const decode = (chunk: Buffer | string | undefined): string => {
    // A stream of strings (e.g. Readable.from(text)) has been decoded already.
    if (typeof chunk === 'string') return chunk;
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch (cause) {
      const lossy = chunk === undefined ? '' : new TextDecoder('utf-8').decode(chunk);
      const line = scanner.lineAfter(lossy.slice(0, Math.max(0, lossy.indexOf('\uFFFD'))));
      throw new InputError(
        `${where}:${line}`,
        'is not valid UTF-8 (police.uk files are UTF-8): the file is damaged or was saved in ' +
          'another encoding; download it again',
        { cause },
      );
    }
  };
  let columns: string[] | undefined;
  let first = true;

  function* rows(text: string, final: boolean): Generator<CsvRow> {
    for (const { line, fields } of scanner.scan(text, final)) {
      if (columns === undefined) {
        columns = checkHeader(fields, requiredColumns, where);
        continue;
      }
      if (fields.length !== columns.length) {
        throw new CsvSyntaxError(
          `Invalid Record Length: the header has ${columns.length} columns, got ${fields.length} on line ${line}`,
          line,
        );
      }
      const values: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 1) values[columns[i]!] = fields[i]!;
      yield { line, values };
    }
  }

  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      options.onBytes?.(chunk.length);
      let text = decode(chunk);
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      yield* rows(text, false);
    }
    yield* rows(decode(undefined), true);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new InputError(`${where}:${error.line}`, `is not valid CSV (${error.message})`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    input.destroy();
  }
  if (columns === undefined) {
    throw new InputError(
      where,
      'is empty (no header row): the file is truncated; download it again',
    );
  }
}

function checkHeader(header: string[], required: readonly string[], where: string): string[] {
  const names = header.map((name) => name.trim());
  const present = new Set(names);
  const missing = required.filter((name) => !present.has(name));
  if (missing.length > 0) {
    throw new InputError(
      where,
      `the header lacks column(s) ${missing.map((m) => `"${m}"`).join(', ')} ` +
        `(found: ${header.map((h) => `"${h}"`).join(', ')}); is this a police.uk file of the right kind?`,
    );
  }
  return names;
}

/** Splits text, fed in pieces, into records of fields. */
class CsvScanner {
  /** Text of an incomplete record carried over to the next piece. */
  private rest = '';
  /** Line number the next record starts on. */
  private line = 1;

  /** The complete records in the text so far; with `final`, the text has ended. */
  /** The line `ahead` (text not yet scanned) ends on. */
  lineAfter(ahead: string): number {
    return this.line + countLineBreaks(this.rest) + countLineBreaks(ahead);
  }

  *scan(piece: string, final: boolean): Generator<{ line: number; fields: string[] }> {
    const text = this.rest + piece;
    let pos = 0;
    while (pos < text.length) {
      const fields: string[] = [];
      const end = this.record(text, pos, final, fields);
      if (end < 0) break;
      const line = this.line + this.newlinesIn(fields);
      this.line = line + 1;
      pos = end;
      // An empty line has no fields: skipped.
      if (fields.length === 0) continue;
      yield { line, fields };
    }
    this.rest = text.slice(pos);
    if (final && this.rest !== '') {
      throw new CsvSyntaxError(
        `Quote Not Closed: the last field starts on line ${this.line}`,
        this.line,
      );
    }
  }

  /** Line breaks inside quoted fields: the record ends that many lines further on. */
  private newlinesIn(fields: readonly string[]): number {
    let count = 0;
    for (const field of fields) {
      for (let i = field.indexOf('\n'); i >= 0; i = field.indexOf('\n', i + 1)) count += 1;
    }
    return count;
  }

  /**
   * Read one record from `pos` into `fields`; the index after its line break, or -1 when the
   * text ends before the record does (and more text may follow).
   */
  private record(text: string, pos: number, final: boolean, fields: string[]): number {
    const n = text.length;
    const start = text.charCodeAt(pos);
    if (start === LF || start === CR) return this.lineEnd(text, pos, final);
    let i = pos;
    for (;;) {
      if (i < n && text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) return -1;
          if (q + 1 >= n && !final) return -1;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        fields.push(value);
        if (i >= n) return final ? n : -1;
        const c = text.charCodeAt(i);
        if (c === COMMA) {
          i += 1;
          continue;
        }
        if (c === LF || c === CR) return this.lineEnd(text, i, final);
        throw new CsvSyntaxError(
          `Invalid Closing Quote: got "${text[i]}" after a quoted field on line ${this.line}`,
          this.line,
        );
      }
      let j = i;
      let c = -1;
      for (; j < n; j += 1) {
        c = text.charCodeAt(j);
        if (c === COMMA || c === LF || c === CR) break;
        if (c === QUOTE) {
          throw new CsvSyntaxError(
            `Invalid Opening Quote: a quote inside the unquoted field "${text.slice(i, j + 1)}" on line ${this.line}`,
            this.line,
          );
        }
      }
      if (j >= n) {
        if (!final) return -1;
        fields.push(text.slice(i, n));
        return n;
      }
      fields.push(text.slice(i, j));
      if (c === COMMA) {
        i = j + 1;
        continue;
      }
      return this.lineEnd(text, j, final);
    }
  }

  /** The index after the line break at `i` ("\n", "\r\n" or "\r"); -1 if it may continue. */
  private lineEnd(text: string, i: number, final: boolean): number {
    if (text.charCodeAt(i) === LF) return i + 1;
    if (i + 1 < text.length) return text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
    return final ? i + 1 : -1;
  }
}

function countLineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}
