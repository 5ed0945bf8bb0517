import { describe, expect, it } from 'vitest';
import { crimeRecordSchema, parseOrThrow, SchemaError } from '../../src/shared/schema.ts';

const good = {
  crimeId: 'da56aad40a8769d91d815ec7e61e04a4a1586da85278ece2b186aa7ffc5f63e7',
  month: '2024-03',
  reportedBy: 'West Yorkshire Police',
  fallsWithin: 'West Yorkshire Police',
  longitude: -1.391358,
  latitude: 53.938031,
  location: 'On or near Supermarket',
  lsoaCode: 'E01011698',
  lsoaName: 'Leeds 001A',
  crimeType: 'Possession of weapons',
  lastOutcome: 'Investigation complete; no suspect identified',
  context: '',
};

describe('parseOrThrow', () => {
  it('returns a real police.uk row unchanged when it fits the crime record schema', () => {
    expect(parseOrThrow(crimeRecordSchema, good, 'row')).toEqual(good);
  });

  it('throws a SchemaError listing every bad field, not only the first', () => {
    const bad = { ...good, month: 'Mar-24', crimeType: 'Jaywalking', latitude: 'north' };
    let error: unknown;
    try {
      parseOrThrow(crimeRecordSchema, bad, 'row 7');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemaError);
    const issues = (error as SchemaError).issues.join('\n');
    expect(issues).toMatch(/^month:/m);
    expect(issues).toMatch(/^crimeType:/m);
    expect(issues).toMatch(/^latitude:/m);
    expect((error as SchemaError).message).toContain('row 7 does not fit the schema');
  });
});
