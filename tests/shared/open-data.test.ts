// The descriptions of the downloadable report tables (src/shared/open-data.ts): what their
// counts count. Every table counts every police.uk type, anti-social behaviour among them, so
// no title, description or unit may call those counts crimes alone.
import { describe, expect, it } from 'vitest';
import { ANTI_SOCIAL_BEHAVIOUR } from '../../src/shared/constants.ts';
import { readFileSync } from 'node:fs';
import { parseArea } from '../../src/shared/area.ts';
import {
  districtWords,
  LEEDS_WORDS,
  openDataLicence,
  openDataSources,
  recordFields,
  WARD_TABLES,
  yearTableSpecs,
  type FieldSpec,
} from '../../src/shared/open-data.ts';

const tables = [...WARD_TABLES, ...yearTableSpecs(LEEDS_WORDS)];
const ASB = ANTI_SOCIAL_BEHAVIOUR.toLowerCase();

/** The count columns: integers whose unit is not residents. */
/** The columns that count crimes: integers in any unit but residents or months. */
function counts(fields: readonly FieldSpec[]): FieldSpec[] {
  return fields.filter(
    (f) =>
      f.type === 'integer' && f.unit !== undefined && !['residents', 'months'].includes(f.unit),
  );
}

describe('the report tables as published', () => {
  it('never call their counts crimes alone in a title or description', () => {
    for (const table of tables) {
      for (const text of [table.title, table.description]) {
        if (/\bcrimes\b/i.test(text)) expect(text.toLowerCase(), table.id).toContain(ASB);
      }
    }
    expect(tables.filter((t) => /\bcrimes\b/i.test(t.title)).length).toBeGreaterThan(0);
  });

  it('say that a table over the latest 12 months covers their months with data, not every one', () => {
    const twelve = tables.filter((t) => /12 months/.test(t.description));
    expect(twelve.map((t) => t.id)).toEqual([
      'crime-types',
      'year-earlier',
      'outcomes',
      'streets',
      'place-kinds',
    ]);
    for (const table of twelve) {
      expect(table.description, table.id).toMatch(
        /months? with data of the 12 months ending with the latest month/,
      );
    }
  });

  it('give every count column a unit and description that include anti-social behaviour', () => {
    let seen = 0;
    for (const table of tables) {
      for (const field of counts(table.fields)) {
        seen += 1;
        const where = `${table.id}.${field.name}`;
        expect(field.unit?.toLowerCase(), where).toContain(ASB);
        expect(field.description.toLowerCase(), where).toContain(ASB);
      }
    }
    // crimes in each table, with earlier_crimes and previous_crimes.
    expect(seen).toBe(tables.length + 2);
  });

  it('give rates a unit per residents of crimes and anti-social behaviour', () => {
    const rates = tables.flatMap((t): FieldSpec[] =>
      t.fields.filter((f) => f.name.startsWith('rate')),
    );
    expect(rates.length).toBeGreaterThan(0);
    for (const rate of rates) expect(rate.unit?.toLowerCase()).toContain(`${ASB} incidents per`);
  });
});

describe('LEEDS_WORDS', () => {
  it("are Leeds' area.json in words, the defaults of every licence block and column list", () => {
    const source = 'data/areas/leeds/area.json';
    expect(districtWords(parseArea(JSON.parse(readFileSync(source, 'utf8')), source))).toEqual(
      LEEDS_WORDS,
    );
  });
});

describe("a district's licence block and sources", () => {
  it("give its postcode list's notices with the list's own year", () => {
    const words = { ...LEEDS_WORDS, district: 'Rotherham', postcodeYear: 2026 };
    const postcodeLines = openDataLicence(words).attribution.filter((l) => l.includes('Postcode'));
    expect(postcodeLines).toHaveLength(1);
    expect(postcodeLines[0]).toContain('Royal Mail copyright and database right 2026.');
    expect(postcodeLines[0]).not.toContain('2018');
  });

  it('credit no postcode list, and list none among the sources, for a district without one', () => {
    const words = {
      ...LEEDS_WORDS,
      hasPostcodes: false,
      postcodeListHolds: null,
      postcodeExample: null,
      postcodeYear: null,
    };
    expect(openDataLicence(words).attribution.join(' ')).not.toMatch(/Postcode|Royal Mail/);
    expect(openDataSources(words).map((s) => s.title)).not.toContain('ONS Postcode Directory');
    expect(openDataSources(LEEDS_WORDS).map((s) => s.title)).toContain('ONS Postcode Directory');
  });
});

describe("the records' Postcode District column, as datapackage.json and README.txt describe it", () => {
  const description = (words: typeof LEEDS_WORDS) =>
    recordFields(words).find((f) => f.name === 'Postcode District')?.description ?? '';

  it("says a list of whole postcode areas lacks the district's postcodes of other areas", () => {
    expect(description(LEEDS_WORDS)).toContain(
      "where none is that near (parts of Leeds with other areas' postcodes)",
    );
  });

  it("says a list of the district's own postcodes lacks none of them, in one area or several", () => {
    // As `npm run area -- add` writes area.json: every postcode of the district, whatever
    // the areas (Kirklees: HD and WF), with the commonest district as the example.
    for (const [district, example] of [
      ['Kirklees', 'HD1'],
      ['Sheffield', 'S10'],
    ] as const) {
      const text = description({
        ...LEEDS_WORDS,
        district,
        postcodeExample: example,
        postcodeListHolds: 'district',
      });
      expect(text, district).toContain(`(e.g. ${example})`);
      expect(text, district).not.toMatch(/other areas/);
      expect(text, district).toContain(
        `where none is that near (places far from every address of ${district}, `,
      );
    }
  });
});

describe('recordFields(words, filled): the Polling District column as the files fill it', () => {
  const column = (words: typeof LEEDS_WORDS, filled?: { rows: number; pollingDistrict: number }) =>
    recordFields(words, filled).find((f) => f.name === 'Polling District')?.description ?? '';
  const sheffield = districtWords(
    parseArea(JSON.parse(readFileSync('data/areas/sheffield/area.json', 'utf8')), 'sheffield'),
  );

  it('says the column is empty in every row of files that have none', () => {
    expect(column(LEEDS_WORDS, { rows: 26_721, pollingDistrict: 0 })).toBe(
      'Leeds City Council polling district containing the point; empty in every row of these files: the polling-district boundaries were not available to the run that built them.',
    );
  });

  it('says in how many rows it is filled when only some have one', () => {
    expect(column(LEEDS_WORDS, { rows: 26_721, pollingDistrict: 17_313 })).toContain(
      'filled in 17,313 of 26,721 rows of these files, empty in the others',
    );
  });

  it('says no more than "empty when not known" when every row has one, or the rows are not counted', () => {
    const filledEverywhere = column(LEEDS_WORDS, { rows: 10, pollingDistrict: 10 });
    expect(filledEverywhere).toBe(
      'Leeds City Council polling district containing the point; empty when not known.',
    );
    expect(column(LEEDS_WORDS)).toBe(filledEverywhere);
  });

  it('says the area publishes none, whatever the rows hold, for an area without polling districts', () => {
    const none = 'Empty: no polling districts are published for the district.';
    expect(column(sheffield, { rows: 10, pollingDistrict: 0 })).toBe(none);
    expect(column(sheffield)).toBe(none);
  });
});
