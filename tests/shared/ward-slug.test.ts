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
    ['Llanfair Ŵ', 'llanfair-w'],
    ['Ærø & Øster', 'aero-and-oster'],
    ['Straße', 'strasse'],
    ['Łódź', 'lodz'],
    ['Þórsmörk', 'thorsmork'],
    ['ØÆ', 'oae'],
  ])('wardSlug(%j) is %j', (name, slug) => {
    expect(wardSlug(name)).toBe(slug);
  });

  it('is empty for a name with no Latin letter or digit', () => {
    expect(wardSlug('—')).toBe('');
    expect(wardSlug('東区')).toBe('');
  });
});
