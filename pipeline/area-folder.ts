// An area's folder as `npm run area -- add --replace` swaps it: the old folder is moved aside
// as <slug>.replaced (a name the sweep of temporary files never removes) while the new one
// moves in, and a run killed between the two renames is put right by the next
// (restoreReplacedAreas). The fields of area.json set by hand carry over (handSetFields).
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { AreaConfigInput } from '../src/shared/area.ts';
import { exists } from './files.ts';
import type { Log } from './sources/http.ts';

/**
 * Fields of area.json that a replaced area keeps from its previous area.json: set or corrected
 * by hand after the area was added, and not found in the fetched data.
 */
export const HAND_SET_FIELDS = ['siteName', 'centre', 'forceDistricts', 'map'] as const;
/** Ends the name of an area folder moved aside while its replacement moves in. */
const REPLACED_SUFFIX = '.replaced';

/** The HAND_SET_FIELDS of the area.json at `file` (none when it is missing or not a JSON object). */
export async function handSetFields(file: string): Promise<Partial<AreaConfigInput>> {
  let previous: unknown;
  try {
    previous = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return {};
  }
  if (typeof previous !== 'object' || previous === null || Array.isArray(previous)) return {};
  return Object.fromEntries(
    Object.entries(previous).filter(([key]) =>
      (HAND_SET_FIELDS as readonly string[]).includes(key),
    ),
  ) as Partial<AreaConfigInput>;
}

/**
 * Put right what a run killed while replacing an area left in `areasDir`: an old folder moved
 * aside (<slug>.replaced) goes back when no <slug> folder took its place, and is removed when
 * the new one is in. The sweep of temporary files never touches these folders.
 */
export async function restoreReplacedAreas(areasDir: string, log: Log): Promise<void> {
  const names = await readdir(areasDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith(REPLACED_SUFFIX))) {
    const old = path.join(areasDir, name);
    const finalDir = old.slice(0, -REPLACED_SUFFIX.length);
    if (await exists(finalDir)) {
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(old, finalDir);
      log(
        `${path.basename(finalDir)}: restored the area folder a replacing run was stopped without`,
      );
    }
  }
}

/**
 * Move the staged folder to `finalDir` by one rename. Replacing an area moves the old folder
 * aside first (as <slug>.replaced, which restoreReplacedAreas puts back if the run is killed
 * before the new one is in), and back if the new one cannot be moved in.
 */
export async function publishFolder(
  staging: string,
  finalDir: string,
  replace: boolean,
): Promise<void> {
  if (!(await exists(finalDir))) {
    await rename(staging, finalDir);
    return;
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
  await rm(old, { recursive: true, force: true });
}
