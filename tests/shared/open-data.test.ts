// The descriptions of the downloadable report tables (src/shared/open-data.ts): what their
// counts count. Every table counts every police.uk type, anti-social behaviour among them, so
// no title, description or unit may call those counts crimes alone.
import { describe, expect, it } from 'vitest';
import { ANTI_SOCIAL_BEHAVIOUR } from '../../src/shared/constants.ts';
import { WARD_TABLES, YEAR_TABLES, type FieldSpec } from '../../src/shared/open-data.ts';

const tables = [...WARD_TABLES, ...YEAR_TABLES];
const ASB = ANTI_SOCIAL_BEHAVIOUR.toLowerCase();

/** The count columns: integers whose unit is not residents. */
function counts(fields: readonly FieldSpec[]): FieldSpec[] {
  return fields.filter(
    (f) => f.type === 'integer' && f.unit !== undefined && f.unit !== 'residents',
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
