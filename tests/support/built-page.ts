// A page of a site built into a folder of its own (buildSite's outDir), parsed, and an element's
// text with its white space as a reader meets it: for tests that build a variant of the site.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';

/** The page at `urlPath` ("wards/city") of the site built into `site`, parsed. */
export async function builtPage(site: string, urlPath: string): Promise<HTMLElement> {
  return parse(await readFile(path.join(site, urlPath, 'index.html'), 'utf8'));
}

/** `node`'s text, each run of white space one space, trimmed; undefined for no node. */
export function squeezedText(node: HTMLElement | null | undefined): string | undefined {
  return node?.text.replace(/\s+/g, ' ').trim();
}
