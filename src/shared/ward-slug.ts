// A ward's name as the site's URLs and its ward search read it: the pipeline makes each
// ward's slug with it, and the map's search compares what was typed with those slugs.

/**
 * Latin letters that are not a plain letter with accents (which NFKD takes apart), spelt as
 * English spells them: "Ærø" would otherwise be "r".
 */
const SPELT: Readonly<Record<string, string>> = {
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ß: 'ss',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/**
 * URL slug of a ward name: lower case, accents left off, "&" spelt "and", every other run of
 * characters that are not letters or digits a single hyphen ("Little London & Woodhouse" ->
 * "little-london-and-woodhouse"). Empty for a name with no Latin letter or digit: the area's
 * check (pipeline/area.ts wardPageProblems) refuses such a name.
 */
export function wardSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[æœøßłđðþı]/g, (letter) => SPELT[letter] ?? letter)
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
