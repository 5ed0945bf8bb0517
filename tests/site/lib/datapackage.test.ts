// datapackage.json (src/lib/open-data.ts, dataPackage) describes each report table's columns
// as the files hold them: a change judged against chance has a column that says the judgement,
// and the descriptor says how it is made.
import { validate } from 'datapackage';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dataPackage, downloadsManifest } from '../../../src/lib/open-data.ts';
import { siteData } from '../../../src/lib/site-data.ts';

interface Field {
  name: string;
  type: string;
  description: string;
  constraints?: { enum?: string[] };
}
interface Resource {
  name: string;
  path: string;
  schema: { fields: Field[]; missingValues: string[] };
}

beforeAll(() => {
  vi.stubEnv('SITE', 'https://example.test');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

describe('dataPackage(data, manifest): the change_verdict column', () => {
  const descriptor = () => dataPackage(siteData, downloadsManifest);
  const withChange = () =>
    (descriptor().resources as Resource[]).filter((r) =>
      r.schema.fields.some((f) => f.name === 'change'),
    );

  it('follows change in every table that has one, with the values it can hold', () => {
    const resources = withChange();
    // Each ward's year-earlier table, and each year's wards table and comparison by type.
    expect(resources.length).toBe(siteData.wards.length + 3);
    for (const r of resources) {
      const names = r.schema.fields.map((f) => f.name);
      expect(names.slice(-2), r.path).toEqual(['change', 'change_verdict']);
      const field = r.schema.fields.at(-1);
      expect(field?.type, r.path).toBe('string');
      expect(field?.constraints?.enum, r.path).toEqual([
        'higher',
        'lower',
        'within-normal',
        'too-few',
      ]);
      // An empty cell is read as missing (nothing compared), never as a verdict.
      expect(r.schema.missingValues, r.path).toEqual(['']);
    }
  });

  it('says how the verdict is made: the exact test, its threshold and the page words', () => {
    for (const r of withChange()) {
      const description = r.schema.fields.at(-1)?.description ?? '';
      for (const words of [
        'Poisson',
        'binomial distribution with probability one half',
        'exact two-sided p-value',
        'below 0.05',
        '"higher"',
        '"clearly higher"',
        '"lower"',
        '"clearly lower"',
        '"within-normal"',
        '"within normal variation"',
        '"too-few"',
        '"too few to compare"',
        'below 20',
        'Empty when there is nothing to compare with',
      ]) {
        expect(description, `${r.path}: ${words}`).toContain(words);
      }
    }
  });

  it('still validates as a Frictionless tabular data package', async () => {
    const result = await validate(descriptor());
    expect(result.errors.map((e) => e.message)).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
