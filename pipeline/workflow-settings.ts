// What the GitHub workflows (.github/workflows/data.yml and caches.yml) take from the one
// setting that names the district they refresh, build and watch: AREA (the data workflow's
// `area` input, else the repository variable AREA, else the default, as for
// `AREA=<slug> npm run build`). Printed as NAME=value lines for $GITHUB_OUTPUT by
// `npm run --silent workflow-settings`. The folders and files are the code's own
// (refreshStageDir, approvalsPath), so the caches the workflows restore are in the folder the
// refresh stages in, and a district that is not configured stops the workflow before anything.
import { approvalsPath } from './approvals.ts';
import { readAreaConfig } from './area.ts';
import { refreshStageDir } from './refresh-steps.ts';
import { areaSlugFromEnv, DEFAULT_AREA, type AreaEnv } from '../src/shared/area-paths.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export interface WorkflowSettings {
  /** The district's slug: the refresh's --area, the build's AREA, a part of every cache key. */
  area: string;
  /** The district's name as pages say it (area.json's localAuthority.name): issue titles. */
  name: string;
  /** The refresh's staging folder: REFRESH_DIR and the folder of the caches' paths. */
  'refresh-dir': string;
  /** The approvals file the refresh reads: a change to it on main stops the push. */
  approvals: string;
  /**
   * "true" for the default district: the caches saved before cache keys named a district are
   * its (the data workflow refreshed it alone), so its restores fall back on them.
   */
  'default-area': 'true' | 'false';
}

export class WorkflowSettingsError extends Error {}

/** The workflows' settings for the district AREA names in `env`, read from its area.json. */
export async function workflowSettings(root: string, env: AreaEnv): Promise<WorkflowSettings> {
  const area = areaSlugFromEnv(env);
  let config;
  try {
    config = await readAreaConfig(area, { root });
  } catch (error) {
    // Names the areas there when AREA names none: the workflow stops here, before anything.
    throw new WorkflowSettingsError(
      "AREA names the district the workflows refresh, build and watch (the data workflow's " +
        `area input, else the repository variable AREA, else ${DEFAULT_AREA}): ${errorMessage(error)}`,
      { cause: error },
    );
  }
  return {
    area,
    name: config.localAuthority.name,
    'refresh-dir': refreshStageDir(area),
    approvals: approvalsPath(area),
    'default-area': area === DEFAULT_AREA ? 'true' : 'false',
  };
}

/**
 * `settings` as $GITHUB_OUTPUT lines. A value with a line break (or another control
 * character) is refused: it would end its line and set another output.
 */
export function outputLines(settings: WorkflowSettings): string {
  return Object.entries(settings)
    .map(([key, value]) => {
      // eslint-disable-next-line no-control-regex -- the control characters are what it finds
      if (/[\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(value)) {
        throw new WorkflowSettingsError(
          `The ${key} of area ${settings.area} holds a line break or another control ` +
            `character (${JSON.stringify(value)}): the workflow cannot take it as an output. ` +
            'Write it on one line in its area.json.',
        );
      }
      return `${key}=${value}\n`;
    })
    .join('');
}
