// A ward's name as the site's URLs and its ward search read it: the pipeline makes each
// ward's slug with it, and the map's search compares what was typed with those slugs.

/**
 * URL slug of a ward name: lower case, "&" spelt "and", every other run of characters that
 * are not letters or digits a single hyphen ("Little London & Woodhouse" ->
 * "little-london-and-woodhouse").
 */
export function wardSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
