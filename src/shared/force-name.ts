// A police.uk force slug, as its archive names files, in words for notes and pages.

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
