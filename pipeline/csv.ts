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

export { formatCsvField, formatCsvRow } from '../src/shared/csv-format.ts';

export interface CsvRow {
  /** 1-based line number in the file (the header is line 1) where the row ends. */
  line: number;
  /** The row's fields, in the order of the header's columns. */
  fields: readonly string[];
  /** The row's fields by column name. */
  readonly values: Readonly<Record<string, string>>;
  /**
   * The row's text, without its line break, when the header is the required columns in
   * their order and the row is a plain line (CsvScanner.plainLine: no quote, ending in a line
   * break; nearly every police.uk row): its fields are then this text split at its commas.
   * Undefined for any other row (one with a quoted field, the file's last line without a line
   * break, a line ending in a bare carriage return).
   */
  text?: string | undefined;
}

export interface ReadCsvOptions {
  /** Called with the size of every chunk read, for progress displays. */
  onBytes?: (bytes: number) => void;
  /**
   * What to do about a file that is empty, lacks a column or is not valid CSV or UTF-8, in its
   * error. By default (an input file) the advice for an input (INPUT_DAMAGED for CSV); a file
   * of the pipeline's own cache says CACHE_DAMAGED.
   */
  damaged?: string;
  /**
   * Read bytes that are not UTF-8 as U+FFFD instead of refusing the file: for police.uk's
   * street files, whose rows the pipeline repairs and counts (text-repair.ts), so that one bad
   * byte in a street name costs that row's name, not the month.
   */
  replaceInvalidUtf8?: boolean;
}

/** What to do about an input file that is not valid CSV or UTF-8. */
export const INPUT_DAMAGED =
  'the file is damaged or was edited: download it again (every police.uk archive of the next ' +
  'three years holds the month too), or correct that line';

/** What to do about a file of the pipeline's own cache that is not valid CSV or UTF-8. */
export const CACHE_DAMAGED =
  "a file of the pipeline's own cache, damaged: delete it and run again, months step included " +
  '(the month is then read from its input again)';

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
 * is empty, when its header lacks any of `requiredColumns` (listing them) or has one of them
 * twice, or when it is not valid CSV (with the line). A UTF-8 byte-order mark is allowed;
 * empty lines are skipped.
 */
export async function* readCsv(
  input: Readable,
  where: string,
  requiredColumns: readonly string[],
  options: ReadCsvOptions = {},
): AsyncGenerator<CsvRow> {
  const rows = new CsvRows(where, requiredColumns, options);
  try {
    for await (const piece of pieces(input, options)) {
      rows.add(piece);
      for (let row = rows.next(); row !== null; row = rows.next()) yield row;
    }
  } catch (error) {
    throw rows.explain(error);
  } finally {
    input.destroy();
  }
  rows.end();
}

/**
 * readCsv's rows given to `row` one after another, the same rows with the same errors, for a
 * reader of many rows: one step of an async iteration per row cost more than finding the
 * row's fields. `row` returns a promise when the next row must wait for it (a write), and
 * only then is it awaited. A row batched up instead, to iterate over a few hundred at a time,
 * lived on through collections of the young objects and took the garbage collector more time
 * than the iteration it saved.
 */
export async function readCsvEach(
  input: Readable,
  where: string,
  requiredColumns: readonly string[],
  row: (row: CsvRow) => Promise<void> | undefined,
  options: ReadCsvOptions = {},
): Promise<void> {
  const rows = new CsvRows(where, requiredColumns, options);
  try {
    for await (const piece of pieces(input, options)) {
      rows.add(piece);
      for (let next = rows.next(); next !== null; next = rows.next()) {
        const pending = row(next);
        if (pending) await pending;
      }
    }
  } catch (error) {
    throw rows.explain(error);
  } finally {
    input.destroy();
  }
  rows.end();
}

/** The pieces of `input` as read, then undefined for its end (CsvRows.add). */
async function* pieces(
  input: Readable,
  options: ReadCsvOptions,
): AsyncGenerator<Buffer | string | undefined> {
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    options.onBytes?.(chunk.length);
    yield chunk;
  }
  yield undefined;
}

/**
 * A row as readCsv gives it. Its values by column name are made when first asked for: a
 * reader of a month's street rows takes them by position (CsvRow.fields); an object of twelve
 * named fields made for each of its rows, with each field then looked up by name, cost about
 * a twentieth of a month's time on one thread.
 */
class ReadRow implements CsvRow {
  readonly line: number;
  readonly fields: readonly string[];
  readonly text: string | undefined;
  readonly #columns: readonly string[];
  #values: Record<string, string> | undefined;

  constructor(line: number, fields: readonly string[], columns: readonly string[], text?: string) {
    this.line = line;
    this.fields = fields;
    this.text = text;
    this.#columns = columns;
  }

  get values(): Readonly<Record<string, string>> {
    if (this.#values === undefined) {
      const values: Record<string, string> = {};
      for (let i = 0; i < this.fields.length; i += 1) values[this.#columns[i]!] = this.fields[i]!;
      this.#values = values;
    }
    return this.#values;
  }
}

/** The rows of a CSV file fed in pieces (readCsv), checked against its header. */
class CsvRows {
  // Fatal unless the reader repairs rows: bytes that are not UTF-8 then fail with the file
  // and line instead of becoming U+FFFD.
  private readonly decoder: TextDecoder;
  private readonly scanner = new CsvScanner();
  private columns: string[] | undefined;
  /** Whether the header is the required columns, in their order and no others. */
  private inOrder = false;
  private first = true;

  private readonly where: string;
  private readonly requiredColumns: readonly string[];
  /** What to do about the file when it is not valid CSV or UTF-8 (ReadCsvOptions.damaged). */
  private readonly damaged: string | undefined;

  constructor(where: string, requiredColumns: readonly string[], options: ReadCsvOptions) {
    this.where = where;
    this.requiredColumns = requiredColumns;
    this.damaged = options.damaged;
    this.decoder = new TextDecoder('utf-8', { fatal: options.replaceInvalidUtf8 !== true });
  }

  /** The next piece of the file (its end: undefined), whose rows next() then gives. */
  add(chunk: Buffer | string | undefined): void {
    let text = this.decode(chunk);
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.scanner.feed(text, chunk === undefined);
  }

  /** The next complete row of the pieces added, or null when they hold no more. */
  next(): CsvRow | null {
    for (;;) {
      const record = this.scanner.next();
      if (record === null) return null;
      const { line, fields, text } = record;
      if (this.columns === undefined) {
        const columns = checkHeader(fields, this.requiredColumns, this.where, this.damaged);
        this.columns = columns;
        this.inOrder =
          columns.length === this.requiredColumns.length &&
          columns.every((name, i) => name === this.requiredColumns[i]);
        continue;
      }
      const columns = this.columns;
      if (fields.length !== columns.length) {
        throw new CsvSyntaxError(
          `Invalid Record Length: the header has ${columns.length} columns, got ${fields.length} on line ${line}`,
          line,
        );
      }
      return new ReadRow(line, fields, columns, this.inOrder ? text : undefined);
    }
  }

  /** Once the file has ended: throws when it had no header row. */
  end(): void {
    if (this.columns === undefined) {
      throw new InputError(
        this.where,
        `is empty (no header row): ${this.damaged ?? 'the file is truncated; download it again'}`,
      );
    }
  }

  /** `error` as thrown to the reader: a CSV syntax error as an InputError naming the file. */
  explain(error: unknown): unknown {
    if (error instanceof CsvSyntaxError) {
      return new InputError(
        `${this.where}:${error.line}`,
        `is not valid CSV (${error.message}): ${this.damaged ?? INPUT_DAMAGED}`,
        { cause: error },
      );
    }
    return error;
  }

  private decode(chunk: Buffer | string | undefined): string {
    // A stream of strings (e.g. Readable.from(text)) has been decoded already.
    if (typeof chunk === 'string') return chunk;
    try {
      return chunk === undefined
        ? this.decoder.decode()
        : this.decoder.decode(chunk, { stream: true });
    } catch (cause) {
      const lossy = chunk === undefined ? '' : new TextDecoder('utf-8').decode(chunk);
      const line = this.scanner.lineAfter(lossy.slice(0, Math.max(0, lossy.indexOf('\uFFFD'))));
      throw new InputError(
        `${this.where}:${line}`,
        this.damaged === undefined
          ? 'is not valid UTF-8 (police.uk files are UTF-8): the file is damaged or was saved ' +
              'in another encoding; download it again'
          : `is not valid UTF-8: ${this.damaged}`,
        { cause },
      );
    }
  }
}

function checkHeader(
  header: string[],
  required: readonly string[],
  where: string,
  damaged: string | undefined,
): string[] {
  const names = header.map((name) => name.trim());
  const present = new Set(names);
  const missing = required.filter((name) => !present.has(name));
  const found = `(found: ${header.map((h) => `"${h}"`).join(', ')})`;
  if (missing.length > 0) {
    throw new InputError(
      where,
      `the header lacks column(s) ${missing.map((m) => `"${m}"`).join(', ')} ${found}; ` +
        (damaged ?? 'is this a police.uk file of the right kind?'),
    );
  }
  // A row's values are taken by column name: of two columns with one name, one would be read
  // and the other ignored, and which of them holds the values cannot be told.
  const repeated = required.filter((name) => names.indexOf(name) !== names.lastIndexOf(name));
  if (repeated.length > 0) {
    throw new InputError(
      where,
      `the header has column(s) ${repeated.map((m) => `"${m}"`).join(', ')} more than once ` +
        `${found}, and which of them holds the values cannot be told; ` +
        (damaged ?? 'download the file again, or remove the extra column'),
    );
  }
  return names;
}

/** A record as CsvScanner finds it: the line it ends on, its fields, and a plain line's text. */
interface ScannedRecord {
  line: number;
  fields: string[];
  text?: string;
}

/** Splits text, fed in pieces, into records of fields. */
class CsvScanner {
  /** Line number the next record starts on. */
  private line = 1;
  /** The text fed and not yet read from `pos` on: an incomplete record waits for the next piece. */
  private text = '';
  /** Where in `text` the next record starts. */
  private pos = 0;
  /** Whether `text` is the end of the file. */
  private final = false;
  /**
   * The first line feed, quote and carriage return in `text` at or after where they were last
   * looked for (text.length: none there), looked for again once `pos` has passed them: text
   * with none of one is searched once, not again for every record.
   */
  private lfAt = -1;
  private quoteAt = -1;
  private crAt = -1;

  /** The line `ahead` (text not yet scanned) ends on. */
  lineAfter(ahead: string): number {
    return this.line + countLineBreaks(this.text.slice(this.pos)) + countLineBreaks(ahead);
  }

  /**
   * Add the next piece of text (with `final`, the text ends there), to be read by next(). The
   * rest of the last piece and the new one are joined into one flat string: `+` makes a
   * string of two parts (a V8 cons string), and every charCodeAt of the scan then went
   * through them, some 20% of the time taken to read a police.uk file.
   */
  feed(piece: string, final: boolean): void {
    this.text = [this.text.slice(this.pos), piece].join('');
    this.pos = 0;
    this.final = final;
    this.lfAt = -1;
    this.quoteAt = -1;
    this.crAt = -1;
  }

  /**
   * The next complete record of the text fed so far, with the line it ends on; null when the
   * text holds no more (what is left of it waits for the next piece, however often this is
   * asked meanwhile). A plain line (plainLine) comes with its text.
   */
  next(): ScannedRecord | null {
    const { text, final } = this;
    while (this.pos < text.length) {
      const plain = this.plainLine(text);
      if (plain !== null) return plain;
      const fields: string[] = [];
      const end = this.record(text, this.pos, final, fields);
      if (end < 0) break;
      const line = this.line + this.newlinesIn(fields);
      this.line = line + 1;
      this.pos = end;
      // An empty line has no fields: skipped.
      if (fields.length === 0) continue;
      return { line, fields };
    }
    if (final && this.pos < text.length) {
      throw new CsvSyntaxError(
        `Quote Not Closed: the last field starts on line ${this.line}`,
        this.line,
      );
    }
    return null;
  }

  /**
   * The record at `pos` when it is a plain line, read as such: not empty, ending in "\n" or
   * "\r\n" within the text, with no quote and no other carriage return. Its fields are the
   * text between its commas, split natively rather than scanned a character at a time, as
   * record() would find them. Nearly every police.uk line is one. Otherwise null (record()
   * reads it: quoted fields, a bare "\r" line end, an empty line, a line the text cuts off).
   */
  private plainLine(text: string): ScannedRecord | null {
    const pos = this.pos;
    if (this.lfAt < pos) this.lfAt = indexOrEnd(text, '\n', pos);
    const lf = this.lfAt;
    if (lf === text.length) return null;
    if (this.quoteAt < pos) this.quoteAt = indexOrEnd(text, '"', pos);
    if (this.crAt < pos) this.crAt = indexOrEnd(text, '\r', pos);
    const end = this.crAt === lf - 1 ? lf - 1 : lf;
    if (end === pos || this.quoteAt < lf || this.crAt < end) return null;
    const line = this.line;
    this.line = line + 1;
    this.pos = lf + 1;
    const row = text.slice(pos, end);
    return { line, fields: row.split(','), text: row };
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

/** Where `search` first is in `text` from `from` on; text.length when it is not there. */
function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at < 0 ? text.length : at;
}

function countLineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}
