// An area's folder as `npm run area -- add --replace` swaps it. The new folder holds only what
// the command fetched and wrote (area.json, the reference files, ATTRIBUTION.md); everything
// else in the old folder is the area's own (its months, published output and change log,
// caches, files added by hand) and moves over into the new one. The old folder is moved aside
// as <slug>.replaced (a name the sweep of temporary files never removes) while the new one
// moves in, then its other entries are moved over and what is left of it removed; a run killed
// on the way is put right by the next (restoreReplacedAreas). What a person set in area.json
// (withHandSetFields) and what they wrote in ATTRIBUTION.md (keptAttribution) carry over too.
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { AREA_FILES, isNotHereNotice, NOT_HERE_HEADING } from './added-area-files.ts';
import { AREA_FILE } from './area.ts';
import { exists } from './files.ts';
import type { Log } from './sources/http.ts';
import { errorMessage } from '../src/shared/error-message.ts';

/**
 * Fields of area.json (areaSchema, src/shared/area.ts) that a person sets: the command writes
 * a default (the site's name, the map's view) or null, and never fetches them. A replaced
 * area keeps them from its previous area.json. The rest is fetched or follows from the
 * command's options: the district, forces, boundaries, population, and the postcode list when
 * --postcodes names one.
 */
export const HAND_SET_FIELDS = [
  'siteName',
  'forceDistricts',
  'pollingDistricts',
  'centre',
  'map',
] as const;
/**
 * Fields of area.json's postcodes that a person sets, kept when the list is fetched again:
 * the district pages give as an example, and the PO-box districts, which the directory does
 * not name. (`edition` describes the previous list, so it is not kept; without --postcodes the
 * previous postcodes are kept whole, with their file.)
 */
export const HAND_SET_POSTCODE_FIELDS = ['example', 'nonGeographicDistricts'] as const;
/** Ends the name of an area folder moved aside while its replacement moves in. */
const REPLACED_SUFFIX = '.replaced';

/** What a replaced area had that the replacement keeps. */
export interface PreviousArea {
  /** Its area.json; null when there was none. */
  config: Record<string, unknown> | null;
  /** Its ATTRIBUTION.md; null when there was none. */
  attribution: string | null;
}

/**
 * The area.json and ATTRIBUTION.md of the area folder `dir` that is about to be replaced
 * (messages name it relative to `root`). An area.json that is not a JSON object stops the
 * command: its hand-set fields could not be kept.
 */
export async function readPreviousArea(dir: string, root: string): Promise<PreviousArea> {
  const configFile = path.join(dir, AREA_FILE);
  const configText = await readIfThere(configFile);
  let config: Record<string, unknown> | null = null;
  if (configText !== null) {
    const problem = (what: string) =>
      new Error(
        `${path.relative(root, configFile)} ${what}: its hand-set fields cannot be kept. Fix it, or remove it to ` +
          'take every field from the fetched data; nothing was written',
      );
    let value: unknown;
    try {
      value = JSON.parse(configText);
    } catch (error) {
      throw problem(`is not JSON (${errorMessage(error)})`);
    }
    if (!isObject(value)) {
      throw problem(
        `does not hold a JSON object (got ${Array.isArray(value) ? 'an array' : value})`,
      );
    }
    config = value;
  }
  return { config, attribution: await readIfThere(path.join(dir, AREA_FILES.attribution)) };
}

async function readIfThere(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The area.json the command made (`made`), with the hand-set fields of the previous one
 * (none when there was none). `kept` names the fields kept that hold something (a null is
 * what the command writes anyway); `notes` says what was left out and why. `source` names
 * the file in the notes. Not validated: parseArea checks the result.
 */
export function withHandSetFields(
  made: Record<string, unknown>,
  previous: Record<string, unknown> | null,
  source: string,
): { config: Record<string, unknown>; kept: string[]; notes: string[] } {
  const config = { ...made };
  const kept: string[] = [];
  const notes: string[] = [];
  if (previous === null) return { config, kept, notes };
  for (const field of HAND_SET_FIELDS) {
    if (!(field in previous)) continue;
    config[field] = previous[field];
    if (previous[field] !== null) kept.push(field);
  }
  const before = previous['postcodes'];
  const fetched = made['postcodes'];
  if (fetched === null || fetched === undefined) {
    // Not fetched again: the previous list stays, with its file (carried over with the folder).
    if (before !== undefined) config['postcodes'] = before;
    if (before !== undefined && before !== null) kept.push('postcodes');
  } else if (isObject(before) && isObject(fetched)) {
    const postcodes = { ...fetched };
    for (const field of HAND_SET_POSTCODE_FIELDS) {
      if (!(field in before)) continue;
      postcodes[field] = before[field];
      kept.push(`postcodes.${field}`);
    }
    if (before['edition'] !== undefined) {
      notes.push(
        `postcodes.edition ${JSON.stringify(before['edition'])} named the previous list and is ` +
          `left out: set the new list's in ${source} if About should give it`,
      );
    }
    config['postcodes'] = postcodes;
  }
  return { config, kept, notes };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A section of a Markdown file: its "## " heading and its text, heading line included. */
interface Section {
  heading: string;
  text: string;
}

function sections(markdown: string): { preamble: string; sections: Section[] } {
  const chunks = markdown.split(/^(?=## )/m);
  const preamble = chunks[0]?.startsWith('## ') ? '' : (chunks.shift() ?? '');
  return {
    preamble,
    sections: chunks.map((text) => ({ heading: text.split('\n', 1)[0]!.slice(3).trim(), text })),
  };
}

/**
 * ATTRIBUTION.md for a replaced area: the one the command wrote (`written`, on what it fetched
 * now), with the sections of the previous one that it has no section of its own for (a person's
 * notes on the area's months, its polling districts, a postcode list not fetched again), in
 * their order, before "Not here". That one says what area.json lacks now, so the new one's
 * words on it are used, followed by what a person wrote in the previous one (every paragraph
 * but the command's own). `kept` lists the headings kept.
 */
export function keptAttribution(
  written: string,
  previous: string | null,
): { text: string; kept: string[] } {
  if (previous === null) return { text: written, kept: [] };
  const fresh = sections(written);
  const before = sections(previous).sections;
  const headings = new Set(fresh.sections.map((s) => s.heading));
  const kept = before.filter((s) => !headings.has(s.heading) && !isNotHere(s));
  const notes = handWritten(before.find(isNotHere));
  if (kept.length === 0 && notes === null) return { text: written, kept: [] };
  const merged = [...fresh.sections.filter((s) => !isNotHere(s)), ...kept].map((s) =>
    s.text.trimEnd(),
  );
  // "Not here" ends the file, as the command writes it.
  const notHere = fresh.sections.find(isNotHere)?.text.trimEnd();
  if (notes !== null) merged.push(`${notHere ?? `## ${NOT_HERE_HEADING}`}\n\n${notes}`);
  else if (notHere !== undefined) merged.push(notHere);
  return {
    text: `${fresh.preamble}${merged.join('\n\n')}\n`,
    kept: [...kept.map((s) => s.heading), ...(notes === null ? [] : [NOT_HERE_HEADING])],
  };
}

function isNotHere(section: Section): boolean {
  return section.heading === NOT_HERE_HEADING;
}

/** What a person wrote in a "Not here" section: its paragraphs but the command's; null if none. */
function handWritten(notHere: Section | undefined): string | null {
  const [, ...body] = (notHere?.text ?? '').split('\n');
  const paragraphs = body
    .join('\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '' && !isNotHereNotice(p));
  return paragraphs.length > 0 ? paragraphs.join('\n\n') : null;
}

/**
 * Put right what a run killed while replacing an area left in `areasDir`: an old folder moved
 * aside (<slug>.replaced) goes back when no <slug> folder took its place; when the new one is
 * in, the old one's entries the new one lacks are moved over and the rest removed. The sweep
 * of temporary files never touches these folders.
 */
export async function restoreReplacedAreas(areasDir: string, log: Log): Promise<void> {
  const names = await readdir(areasDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith(REPLACED_SUFFIX))) {
    const old = path.join(areasDir, name);
    const finalDir = old.slice(0, -REPLACED_SUFFIX.length);
    const slug = path.basename(finalDir);
    if (await exists(finalDir)) {
      const moved = await carryOver(old, finalDir);
      if (moved.length > 0) {
        log(
          `${slug}: finished replacing the area folder a run was stopped in: carried over ${moved.join(', ')}`,
        );
      }
    } else {
      await rename(old, finalDir);
      log(`${slug}: restored the area folder a replacing run was stopped without`);
    }
  }
}

/**
 * Move the staged folder to `finalDir` by one rename. Replacing an area moves the old folder
 * aside first (as <slug>.replaced, which restoreReplacedAreas puts back if the run is killed
 * before the new one is in), and back if the new one cannot be moved in; then the old folder's
 * entries the new one lacks are moved over (carryOver). Returns their names.
 */
export async function publishFolder(
  staging: string,
  finalDir: string,
  replace: boolean,
): Promise<string[]> {
  if (!(await exists(finalDir))) {
    await rename(staging, finalDir);
    return [];
  }
  if (!replace) throw new Error(`${finalDir} appeared while fetching: nothing was written`);
  const old = `${finalDir}${REPLACED_SUFFIX}`;
  await rename(finalDir, old);
  try {
    await rename(staging, finalDir);
  } catch (error) {
    await rename(old, finalDir);
    throw error;
  }
  return carryOver(old, finalDir);
}

/**
 * Move each entry of the folder `old` that `dir` has no entry of that name for into `dir`
 * (one rename each, so a killed run leaves every entry in one folder or the other), then remove
 * `old`, which holds only what `dir` replaced. Returns the names moved, in order.
 */
async function carryOver(old: string, dir: string): Promise<string[]> {
  const replaced = new Set(await readdir(dir));
  const moved: string[] = [];
  for (const name of (await readdir(old)).sort()) {
    if (replaced.has(name)) continue;
    await rename(path.join(old, name), path.join(dir, name));
    moved.push(name);
  }
  await rm(old, { recursive: true, force: true });
  return moved;
}
