import { describe, expect, it } from 'vitest';
import { inAnotherDistrict, lsoaNameDistrict, outsideReason } from '../../pipeline/outside.ts';

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

describe('inAnotherDistrict(lsoaName, rule, own)', () => {
  it("is true for an LSOA of any district but the area's own, in the force or beyond it", () => {
    expect(inAnotherDistrict('Barnsley 001A', SOUTH_YORKSHIRE, 'Sheffield')).toBe(true);
    expect(inAnotherDistrict('North East Derbyshire 003B', SOUTH_YORKSHIRE, 'Sheffield')).toBe(
      true,
    );
  });

  it("is false for the area's own LSOAs, a row without an LSOA name, or an area that does not list its force's districts", () => {
    expect(inAnotherDistrict('Sheffield 040C', SOUTH_YORKSHIRE, 'Sheffield')).toBe(false);
    expect(inAnotherDistrict('', SOUTH_YORKSHIRE, 'Sheffield')).toBe(false);
    expect(inAnotherDistrict('Barnsley 001A', { forceDistricts: null }, 'Sheffield')).toBe(false);
  });
});
