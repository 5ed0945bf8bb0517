import { describe, expect, it } from 'vitest';
import { forceName } from '../../src/shared/force-name.ts';

describe('forceName(slug)', () => {
  it("is the slug's words, capitalised", () => {
    expect(forceName('west-yorkshire')).toBe('West Yorkshire');
    expect(forceName('devon-and-cornwall')).toBe('Devon and Cornwall');
    expect(forceName('city-of-london')).toBe('City of London');
  });

  it('is the full name of a force whose slug is an abbreviation', () => {
    expect(forceName('btp')).toBe('British Transport Police');
  });
});
