import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  inAnotherDistrict,
  lsoaNameDistrict,
  outsideReason,
  ownLsoaDistricts,
  unlistedForceDistrictsNote,
} from '../../pipeline/outside.ts';
import { parseArea } from '../../src/shared/area.ts';

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

describe('ownLsoaDistricts(lsoas)', () => {
  it("gives the districts the area's LSOA names start with, once each", () => {
    const names = ['Sheffield 001A', 'Sheffield 040C', 'Sheffield 001B'];
    expect(ownLsoaDistricts(names.map((name) => ({ name })))).toEqual(['Sheffield']);
  });

  it('gives the names LSOAs have where they are not the ONS name of the district', () => {
    // E06000010 is "Kingston upon Hull, City of"; its LSOAs are "Kingston upon Hull 001A".
    expect(ownLsoaDistricts([{ name: 'Kingston upon Hull 001A' }])).toEqual(['Kingston upon Hull']);
    // Cumberland (E06000063, April 2023) is made of districts its 2021 LSOAs still name.
    const cumberland = ['Allerdale 001A', 'Carlisle 014C', 'Copeland 002B', 'Allerdale 008D'];
    expect(ownLsoaDistricts(cumberland.map((name) => ({ name })))).toEqual([
      'Allerdale',
      'Carlisle',
      'Copeland',
    ]);
  });
});

describe('inAnotherDistrict(lsoaName, rule, own)', () => {
  it("is false for any of the area's own LSOA districts, whatever its ONS name", () => {
    const humberside = { forceDistricts: ['East Riding of Yorkshire', 'Kingston upon Hull'] };
    expect(inAnotherDistrict('Kingston upon Hull 012B', humberside, ['Kingston upon Hull'])).toBe(
      false,
    );
    expect(
      inAnotherDistrict(
        'Copeland 002B',
        { forceDistricts: ['Allerdale', 'Carlisle', 'Copeland'] },
        ['Allerdale', 'Carlisle', 'Copeland'],
      ),
    ).toBe(false);
    expect(
      inAnotherDistrict('East Riding of Yorkshire 001A', humberside, ['Kingston upon Hull']),
    ).toBe(true);
  });

  it("is true for an LSOA of any district but the area's own, in the force or beyond it", () => {
    expect(inAnotherDistrict('Barnsley 001A', SOUTH_YORKSHIRE, ['Sheffield'])).toBe(true);
    expect(inAnotherDistrict('North East Derbyshire 003B', SOUTH_YORKSHIRE, ['Sheffield'])).toBe(
      true,
    );
  });

  it("is false for the area's own LSOAs, a row without an LSOA name, or an area that does not list its force's districts", () => {
    expect(inAnotherDistrict('Sheffield 040C', SOUTH_YORKSHIRE, ['Sheffield'])).toBe(false);
    expect(inAnotherDistrict('', SOUTH_YORKSHIRE, ['Sheffield'])).toBe(false);
    expect(inAnotherDistrict('Barnsley 001A', { forceDistricts: null }, ['Sheffield'])).toBe(false);
  });
});

describe('unlistedForceDistrictsNote(config, areaFile, own)', () => {
  const file = 'data/areas/sheffield/area.json';
  const repo = path.resolve(import.meta.dirname, '../..');
  const sheffield = parseArea(JSON.parse(readFileSync(path.join(repo, file), 'utf8')), file);

  it("is null for an area that lists its force's districts", () => {
    expect(unlistedForceDistrictsNote(sheffield, file, ['Sheffield'])).toBeNull();
  });

  it('names the file, what a run cannot tell apart and what to list, for an area that does not', () => {
    expect(
      unlistedForceDistrictsNote({ ...sheffield, forceDistricts: null }, file, ['Sheffield']),
    ).toBe(
      'data/areas/sheffield/area.json lists no forceDistricts (null), so a run counts every row ' +
        'of the South Yorkshire files outside Sheffield as "elsewhere" (not as in another ' +
        "district of the force or beyond it) and keeps a row just outside Sheffield's edge even " +
        "where police.uk's LSOA puts it in another district: list there every district the " +
        'force covers as police.uk\'s LSOA names start ("Sheffield" for "Sheffield 001A"), ' +
        'Sheffield among them',
    );
  });
});
