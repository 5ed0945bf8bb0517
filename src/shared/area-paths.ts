// Which district a build or a reader of the outputs is for, and where that district's pipeline
// outputs are: AREA names the district (default leeds, whose outputs are the repository's own
// src/data/ and public/); another district's are in data/areas/<slug>/output/, unless
// AREA_DATA_DIR names a folder (a pipeline `--out DIR`). Pure: paths are relative to the
// repository root unless given absolute, and the caller resolves them.

/** The district when none is named: its outputs are the repository's own. */
export const DEFAULT_AREA = 'leeds';

/** An area's folder name, the value of --area and AREA: lower-case words or numbers joined
 * by "-" ("sheffield", "leeds-2021", "sheff2"). */
export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Why `slug` cannot name an area (it would name another folder, e.g. "../x"), or null. */
export function areaNameProblem(slug: string): string | null {
  return SLUG.test(slug)
    ? null
    : `Area ${JSON.stringify(slug)} is not an area name: use lower-case words or numbers joined by "-", e.g. "sheffield".`;
}

/** The environment variables that choose the district and its data folder. */
export type AreaEnv = Readonly<Record<string, string | undefined>>;

function setting(env: AreaEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** The district's slug: AREA, else DEFAULT_AREA. */
export function areaSlugFromEnv(env: AreaEnv): string {
  return setting(env, 'AREA') ?? DEFAULT_AREA;
}

/**
 * Where the pipeline writes a district's outputs when no --out is given (not for the default).
 * Throws for a slug that is not an area name: "../x" would reach a folder outside data/areas.
 */
export function areaOutputPath(slug: string): string {
  return areaFilePath(slug, 'output');
}

/**
 * `name` in the folder of the district `slug` (data/areas/<slug>/<name>: its area.json, its
 * outputs, its approvals, its refresh's staging folder), with forward slashes (a git path
 * too). Throws for a slug that is not an area name, as areaOutputPath.
 */
export function areaFilePath(slug: string, name: string): string {
  const problem = areaNameProblem(slug);
  if (problem !== null) throw new Error(problem);
  return `data/areas/${slug}/${name}`;
}

/** The district `slug` names when it is another than DEFAULT_AREA; undefined for the default. */
export function otherArea(slug: string | undefined): string | undefined {
  return slug === undefined || slug === DEFAULT_AREA ? undefined : slug;
}

/**
 * The folder holding the outputs for `slug` in the `--out DIR` layout: AREA_DATA_DIR when set,
 * else the district's output folder; null for the default district without AREA_DATA_DIR (its
 * outputs are the repository's own).
 */
export function areaDataPath(slug: string, env: AreaEnv): string | null {
  return setting(env, 'AREA_DATA_DIR') ?? (slug === DEFAULT_AREA ? null : areaOutputPath(slug));
}
