// ⚠️ This module ships to the browser (src/shared): keep it free of Node APIs.
//
// police.uk's force names, as its street files write them in "Reported by" and "Falls
// within", by the force slug of its file names and API ("west-yorkshire"). The API's crimes
// carry no force, so the rows of an API month are given the name of the area's territorial
// force from here. Each name is the one the force's own archive rows carry (the committed
// samples: data/sample/archive for West Yorkshire, data/areas/sheffield/sample/archive for
// South Yorkshire); a district of another force adds its force here the same way.
export const POLICE_FORCE_NAMES: Readonly<Record<string, string>> = {
  'south-yorkshire': 'South Yorkshire Police',
  'west-yorkshire': 'West Yorkshire Police',
};

/** The force's name as police.uk writes it ("West Yorkshire Police"); throws for one not listed. */
export function policeForceName(slug: string): string {
  const name = Object.hasOwn(POLICE_FORCE_NAMES, slug) ? POLICE_FORCE_NAMES[slug] : undefined;
  if (name === undefined) {
    throw new Error(
      `No police.uk force name for "${slug}": add it to POLICE_FORCE_NAMES in ` +
        `src/shared/police-forces.ts as its street files write "Reported by" ` +
        `(known: ${Object.keys(POLICE_FORCE_NAMES).join(', ')}).`,
    );
  }
  return name;
}

// The slug in words, for notes and pages (not police.uk's exact name: see policeForceName).
/** Forces whose slug is not their name's words. */
const NAMED: Readonly<Record<string, string>> = { btp: 'British Transport Police' };

/** "west-yorkshire" -> "West Yorkshire", "south-yorkshire" -> "South Yorkshire", "btp" -> "British Transport Police". */
export function forceName(slug: string): string {
  return (
    NAMED[slug] ??
    slug
      .split('-')
      .map((word) =>
        word === 'and' || word === 'of' ? word : word.charAt(0).toUpperCase() + word.slice(1),
      )
      .join(' ')
  );
}
