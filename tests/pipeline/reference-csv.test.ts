// The reference CSVs' plain reader (reference.ts plainCsvRecords): the same records as
// csv-parse with the options the reference data was read with, on every reference CSV of the
// repository and on the awkward cases it must read alike or leave to csv-parse.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_OPTIONS, plainCsvRecords } from '../../pipeline/reference.ts';

const REFERENCE_CSVS = [
  'data/reference/postcodes-ls.csv',
  'data/reference/population-lsoa21.csv',
  'data/areas/sheffield/population-lsoa21.csv',
];

describe('plainCsvRecords(text)', () => {
  it.each(REFERENCE_CSVS)('gives the records csv-parse gives of %s', async (file) => {
    const text = await readFile(file, 'utf8');
    const records = plainCsvRecords(text);
    expect(records).not.toBeNull();
    expect(records!.length).toBeGreaterThan(10);
    expect(records).toEqual(parse(text, CSV_OPTIONS));
  });

  it('reads a byte-order mark, CRLF and empty lines as csv-parse does', () => {
    const text = '\uFEFFcode,value\r\n\r\nA1,3\r\nB2,4\r\n\r\nC3,\r\n';
    const records = plainCsvRecords(text);
    expect(records).toEqual(parse(text, CSV_OPTIONS));
    expect(records).toEqual([
      { code: 'A1', value: '3' },
      { code: 'B2', value: '4' },
      { code: 'C3', value: '' },
    ]);
  });

  it('leaves quoted or padded fields, rows of another length and lone carriage returns to csv-parse', () => {
    expect(plainCsvRecords('code,value\nA1, 3\n')).toBeNull();
    expect(plainCsvRecords('code,value\nA1,3\u00a0\n')).toBeNull();
    expect(plainCsvRecords('code ,value\nA1,3\n')).toBeNull();
    expect(plainCsvRecords('code,name\nA1,"Leeds, Central"\n')).toBeNull();
    expect(plainCsvRecords('code,value\nA1,3,extra\n')).toBeNull();
    expect(plainCsvRecords('code,value\rA1,3\r')).toBeNull();
    expect(plainCsvRecords('\ncode,value\nA1,3\n')).toBeNull();
  });
});
