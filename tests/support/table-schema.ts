// Checks of a Frictionless Data Package's tabular resources against the Table Schema and CSV
// Dialect specs (v1, https://specs.frictionlessdata.io/), written from the spec: the
// `datapackage` package validates a descriptor's shape against the profiles, not a file's
// values against its schema. Each problem names the resource, the row (1 is the header) and
// the column, so a failing test says where to look.
import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';

export interface SchemaField {
  name: string;
  type: string;
  format?: string;
  trueValues?: string[];
  falseValues?: string[];
  constraints?: {
    required?: boolean;
    unique?: boolean;
    enum?: string[];
    minimum?: number;
    maximum?: number;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
  };
}

export interface ForeignKey {
  fields: string | string[];
  reference: { resource: string; fields: string | string[] };
}

export interface TabularResource {
  name: string;
  path: string;
  compression?: string;
  encoding?: string;
  bytes?: number;
  hash?: string;
  dialect?: { delimiter?: string; lineTerminator?: string; quoteChar?: string; header?: boolean };
  schema: {
    fields: SchemaField[];
    missingValues?: string[];
    primaryKey?: string | string[];
    foreignKeys?: ForeignKey[];
  };
}

export interface DataPackage {
  resources: TabularResource[];
}

/** A resource's file as parsed: its header and rows of text cells. */
export interface ReadTable {
  header: string[];
  rows: string[][];
}

const TRUE_VALUES = ['true', 'True', 'TRUE', '1'];
const FALSE_VALUES = ['false', 'False', 'FALSE', '0'];
/** The lexical forms of Table Schema's number (bareNumber true, "." as decimal, no groups). */
const NUMBER = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|NaN|INF|-INF)$/;
const INTEGER = /^[+-]?\d+$/;
const YEAR_MONTH = /^\d{4}-(?:0[1-9]|1[0-2])$/;
const YEAR = /^\d{4}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A real calendar date "YYYY-MM-DD" (Table Schema date, default format). */
function isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The value of `text` as `field` reads it, or undefined when it is not one of its type. */
export function castCell(field: SchemaField, text: string): unknown {
  switch (field.type) {
    case 'string':
      if (field.format === 'uuid') return UUID.test(text) ? text : undefined;
      if (field.format === 'uri') return URL.canParse(text) ? text : undefined;
      if (field.format === 'email') return /^[^@\s]+@[^@\s]+$/.test(text) ? text : undefined;
      return text;
    case 'integer':
      return INTEGER.test(text) ? Number(text) : undefined;
    case 'number':
      if (!NUMBER.test(text)) return undefined;
      return text === 'INF' ? Infinity : text === '-INF' ? -Infinity : Number(text);
    case 'boolean':
      if ((field.trueValues ?? TRUE_VALUES).includes(text)) return true;
      if ((field.falseValues ?? FALSE_VALUES).includes(text)) return false;
      return undefined;
    case 'yearmonth':
      return YEAR_MONTH.test(text) ? text : undefined;
    case 'year':
      return YEAR.test(text) ? Number(text) : undefined;
    case 'date':
      return isDate(text) ? text : undefined;
    case 'datetime':
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/.test(text) &&
        isDate(text.slice(0, 10))
        ? text
        : undefined;
    case 'any':
      return text;
    default:
      return undefined;
  }
}

/** The problems with the value `text` of `field` (a cell that is not a missing value). */
function cellProblems(field: SchemaField, text: string): string[] {
  const value = castCell(field, text);
  if (value === undefined) {
    return [
      `${JSON.stringify(text)} is not a valid ${field.type}${field.format ? ` (${field.format})` : ''}`,
    ];
  }
  const c = field.constraints ?? {};
  const problems: string[] = [];
  if (c.enum && !c.enum.includes(text)) problems.push(`${JSON.stringify(text)} is not in its enum`);
  if (c.pattern !== undefined && !new RegExp(`^(?:${c.pattern})$`).test(text)) {
    problems.push(`${JSON.stringify(text)} does not match ${c.pattern}`);
  }
  if (c.minLength !== undefined && text.length < c.minLength)
    problems.push(`shorter than ${c.minLength}`);
  if (c.maxLength !== undefined && text.length > c.maxLength)
    problems.push(`longer than ${c.maxLength}`);
  if (typeof value === 'number') {
    if (c.minimum !== undefined && value < c.minimum)
      problems.push(`${text} is below ${c.minimum}`);
    if (c.maximum !== undefined && value > c.maximum)
      problems.push(`${text} is above ${c.maximum}`);
  }
  return problems;
}

const asList = (fields: string | string[] | undefined): string[] =>
  fields === undefined ? [] : typeof fields === 'string' ? [fields] : fields;

/**
 * Reads a resource's bytes as its descriptor says they are laid out: the encoding (UTF-8 only
 * here, and no byte order mark), the line terminator, the quote character and delimiter.
 */
export function readTable(
  resource: TabularResource,
  bytes: Buffer,
): { table: ReadTable | null; problems: string[] } {
  const where = (what: string) => `${resource.name}: ${what}`;
  const problems: string[] = [];
  const encoding = (resource.encoding ?? 'utf-8').toLowerCase();
  if (encoding !== 'utf-8' && encoding !== 'utf8') {
    return { table: null, problems: [where(`encoding ${encoding} is not checked here`)] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { table: null, problems: [where('is not valid UTF-8')] };
  }
  if (text.startsWith('\ufeff')) problems.push(where('starts with a byte order mark'));
  const terminator = resource.dialect?.lineTerminator ?? '\r\n';
  // Outside quoted fields every line ends with the terminator, the last one included.
  const unquoted = text.replace(/"(?:[^"]|"")*"/g, '');
  const lineEnds = unquoted.match(/\r\n|\n|\r/g) ?? [];
  if (lineEnds.some((end) => end !== terminator)) {
    problems.push(where(`has line ends other than its dialect's ${JSON.stringify(terminator)}`));
  }
  if (!text.endsWith(terminator)) problems.push(where('does not end with a line terminator'));
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter: resource.dialect?.delimiter ?? ',',
      quote: resource.dialect?.quoteChar ?? '"',
      relax_column_count: true,
    }) as string[][];
  } catch (error) {
    return { table: null, problems: [...problems, where(`is not CSV: ${String(error)}`)] };
  }
  const hasHeader = resource.dialect?.header ?? true;
  const header = hasHeader ? (records.shift() ?? []) : resource.schema.fields.map((f) => f.name);
  return { table: { header, rows: records }, problems };
}

/** The problems with `table`'s values against `resource`'s schema (types, constraints, keys). */
export function tableProblems(resource: TabularResource, table: ReadTable): string[] {
  const { fields } = resource.schema;
  const missing = resource.schema.missingValues ?? [''];
  const problems: string[] = [];
  const where = (row: number, field?: string) =>
    `${resource.name} row ${row}${field === undefined ? '' : ` "${field}"`}`;
  const names = fields.map((f) => f.name);
  if (JSON.stringify(table.header) !== JSON.stringify(names)) {
    problems.push(
      `${where(1)}: header ${JSON.stringify(table.header)}, schema ${JSON.stringify(names)}`,
    );
  }
  const seen = fields.map(() => new Set<string>());
  for (const [i, row] of table.rows.entries()) {
    const rowNumber = i + 2;
    if (row.length !== fields.length) {
      problems.push(`${where(rowNumber)}: ${row.length} cells, ${fields.length} fields`);
      continue;
    }
    for (const [j, field] of fields.entries()) {
      const text = row[j] as string;
      if (missing.includes(text)) {
        if (field.constraints?.required)
          problems.push(`${where(rowNumber, field.name)}: required, but missing`);
        continue;
      }
      for (const p of cellProblems(field, text))
        problems.push(`${where(rowNumber, field.name)}: ${p}`);
      if (field.constraints?.unique) {
        if (seen[j]?.has(text))
          problems.push(`${where(rowNumber, field.name)}: ${JSON.stringify(text)} is not unique`);
        seen[j]?.add(text);
      }
    }
  }
  const key = asList(resource.schema.primaryKey);
  if (key.length > 0) {
    const at = key.map((k) => names.indexOf(k));
    if (at.some((i) => i < 0))
      problems.push(`${resource.name}: primaryKey ${key.join(', ')} is not a field`);
    else {
      const keys = new Set<string>();
      for (const [i, row] of table.rows.entries()) {
        const value = at.map((j) => row[j] ?? '');
        const joined = JSON.stringify(value);
        if (value.some((v) => missing.includes(v)))
          problems.push(`${where(i + 2)}: primaryKey is missing`);
        else if (keys.has(joined))
          problems.push(`${where(i + 2)}: primaryKey ${joined} is not unique`);
        keys.add(joined);
      }
    }
  }
  return problems;
}

/** The problems with `resource`'s bytes against its `bytes` and `hash` (md5 unless named). */
export function integrityProblems(resource: TabularResource, bytes: Buffer): string[] {
  const problems: string[] = [];
  if (resource.bytes !== undefined && resource.bytes !== bytes.length) {
    problems.push(`${resource.name}: bytes ${resource.bytes}, the file has ${bytes.length}`);
  }
  if (resource.hash !== undefined) {
    const [algorithm, digest] = resource.hash.includes(':')
      ? resource.hash.split(':')
      : ['md5', resource.hash];
    const actual = createHash(algorithm as string)
      .update(bytes)
      .digest('hex');
    if (actual !== digest)
      problems.push(
        `${resource.name}: hash ${resource.hash}, the file's is ${algorithm}:${actual}`,
      );
  }
  return problems;
}

/**
 * The problems of a whole package: each resource's name and path, bytes and hash, values and
 * keys, and every foreign key against the rows it references. `read` gives a resource's file
 * as stored (compressed as its `compression` says).
 */
export function dataPackageProblems(
  descriptor: DataPackage,
  read: (resource: TabularResource) => { stored: Buffer; data: Buffer },
): string[] {
  const problems: string[] = [];
  const names = descriptor.resources.map((r) => r.name);
  for (const name of new Set(names)) {
    if (names.filter((n) => n === name).length > 1)
      problems.push(`resource name ${name} is not unique`);
  }
  const tables = new Map<string, ReadTable>();
  for (const resource of descriptor.resources) {
    if (!/^[a-z0-9._-]+$/.test(resource.name))
      problems.push(`resource name ${resource.name} is not lower-case [a-z0-9._-]`);
    if (/^\/|^[a-z]+:|(^|\/)\.\.?(\/|$)/i.test(resource.path)) {
      problems.push(`${resource.name}: path ${resource.path} is not a relative POSIX path`);
    }
    const fieldNames = resource.schema.fields.map((f) => f.name);
    if (new Set(fieldNames).size !== fieldNames.length)
      problems.push(`${resource.name}: field names repeat`);
    const { stored, data } = read(resource);
    problems.push(...integrityProblems(resource, stored));
    const { table, problems: layout } = readTable(resource, data);
    problems.push(...layout);
    if (table === null) continue;
    tables.set(resource.name, table);
    problems.push(...tableProblems(resource, table));
  }
  for (const resource of descriptor.resources) {
    const table = tables.get(resource.name);
    if (table === undefined) continue;
    for (const fk of resource.schema.foreignKeys ?? []) {
      const target =
        fk.reference.resource === ''
          ? resource
          : descriptor.resources.find((r) => r.name === fk.reference.resource);
      const targetTable = target === undefined ? undefined : tables.get(target.name);
      const from = asList(fk.fields).map((f) => table.header.indexOf(f));
      const to = asList(fk.reference.fields).map((f) => targetTable?.header.indexOf(f) ?? -1);
      if (target === undefined || targetTable === undefined) {
        problems.push(
          `${resource.name}: foreign key to resource "${fk.reference.resource}", which the package does not have`,
        );
        continue;
      }
      if (from.some((i) => i < 0) || to.some((i) => i < 0) || from.length !== to.length) {
        problems.push(
          `${resource.name}: foreign key fields ${JSON.stringify(fk)} are not fields of both resources`,
        );
        continue;
      }
      const missing = resource.schema.missingValues ?? [''];
      const keys = new Set(targetTable.rows.map((row) => JSON.stringify(to.map((i) => row[i]))));
      for (const [i, row] of table.rows.entries()) {
        const value = from.map((j) => row[j] ?? '');
        if (value.every((v) => missing.includes(v))) continue;
        if (!keys.has(JSON.stringify(value))) {
          problems.push(
            `${resource.name} row ${i + 2}: ${JSON.stringify(value)} is not in ${target.name}`,
          );
        }
      }
    }
  }
  return problems;
}
