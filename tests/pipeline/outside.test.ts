import { describe, expect, it } from 'vitest';
import { lsoaNameDistrict, outsideReason } from '../../pipeline/outside.ts';

const SOUTH_YORKSHIRE = { forceDistricts: ['Barnsley', 'Doncaster', 'Rotherham', 'Sheffield'] };

describe('outsideReason(lsoaName, rule)', () => {
  it('says other-district for an LSOA of another district the force covers', () => {
    expect(outsideReason('Barnsley 001A', SOUTH_YORKSHIRE)).toBe('other-district');
  });

  it('says beyond-force for an LSOA of a district the force does not cover', () => {
    expect(outsideReason('Allerdale 008D', SOUTH_YORKSHIRE)).toBe('beyond-force');
    expect(outsideReason('North East Derbyshire 003B', SOUTH_YORKSHIRE)).toBe('beyond-force');
  });

  it('says elsewhere without an LSOA name or without the force districts', () => {
    expect(outsideReason('', SOUTH_YORKSHIRE)).toBe('elsewhere');
    expect(outsideReason('Barnsley 001A', { forceDistricts: null })).toBe('elsewhere');
  });
});

describe('lsoaNameDistrict(name)', () => {
  it('keeps district names of several words, "and" and "&" included', () => {
    expect(lsoaNameDistrict('Brighton and Hove 012C')).toBe('Brighton and Hove');
    expect(lsoaNameDistrict('King’s Lynn & West Norfolk 001A')).toBe('King’s Lynn & West Norfolk');
  });
});
