import { describe, expect, it } from 'vitest';
import { wardSlug } from '../../src/shared/ward-slug.ts';

describe('wardSlug(name)', () => {
  it.each([
    ['Little London & Woodhouse', 'little-london-and-woodhouse'],
    ['Adel & Wharfedale', 'adel-and-wharfedale'],
    ['Headingley & Hyde Park', 'headingley-and-hyde-park'],
    ['Wetherby', 'wetherby'],
    ["St Mary's  (North)", 'st-mary-s-north'],
    ['Ynys Môn', 'ynys-mon'],
  ])('wardSlug(%j) is %j', (name, slug) => {
    expect(wardSlug(name)).toBe(slug);
  });
});
