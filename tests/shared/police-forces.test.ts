// policeForceName(slug): the name police.uk's own street files give each force listed, read
// from the committed sample months of that force.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { POLICE_FORCE_NAMES, policeForceName, forceName } from '../../src/shared/police-forces.ts';

const SAMPLES = ['data/sample/archive', 'data/areas/sheffield/sample/archive'];

/** The "Reported by" values of every committed street file of `slug`. */
function reportedBy(slug: string): Set<string> {
  const names = new Set<string>();
  for (const dir of SAMPLES) {
    for (const file of readdirSync(dir, { recursive: true }) as string[]) {
      if (!path.basename(file).endsWith(`-${slug}-street.csv`)) continue;
      const rows = parse(readFileSync(path.join(dir, file)), { columns: true, bom: true }) as {
        'Reported by': string;
      }[];
      for (const row of rows) names.add(row['Reported by']);
    }
  }
  return names;
}

describe('policeForceName(slug)', () => {
  it.each(Object.keys(POLICE_FORCE_NAMES))(
    "is what the committed %s street files write in 'Reported by'",
    (slug) => {
      expect([...reportedBy(slug)]).toEqual([policeForceName(slug)]);
    },
  );

  it('throws naming a force it does not know, and where to add it', () => {
    expect(() => policeForceName('gwent')).toThrow(
      /No police.uk force name for "gwent": add it to POLICE_FORCE_NAMES/,
    );
    expect(() => policeForceName('toString')).toThrow(/"toString"/);
  });
});

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
