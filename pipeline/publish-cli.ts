// `npm run complete-publish`: what every reader of the outputs runs first (the npm hooks
// prebuild and predev; validate-data and the refresh's validate and commit steps call
// cleanUpInterruptedRuns themselves, on the folder they read). A publish is committed once
// its journal is written (pipeline/write.ts); if the run was killed before its last rename,
// this finishes the renames, so the reader sees that run's outputs whole, never a mix of two
// runs. Temporary files of killed runs are removed too. It reads the folder the site build reads: AREA and
// AREA_DATA_DIR choose it as they do for `AREA=<slug> npm run build` (src/shared/area-paths.ts).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { areaDataPath, areaSlugFromEnv, type AreaEnv } from '../src/shared/area-paths.ts';
import { parseCommandArgsOrExit, stringValue, type CommandSpec } from './args.ts';
import { DEBUG_ENV, printFailure, runCommand } from './command-failure.ts';
import { logSafe, logSafeJson } from './log-safe.ts';
import { checkOutFolder } from './out-folder.ts';
import { pipelinePaths, type PipelinePaths } from './paths.ts';
import { cleanUpInterruptedRuns } from './publish.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export const COMPLETE_PUBLISH_COMMAND: CommandSpec = {
  command: 'npm run complete-publish --',
  usage: '[options]',
  summary:
    'Finish a publish that an interrupted pipeline run left half done (from its journal) and\n' +
    'remove the temporary files of killed runs. Run before the site build and the dev server\n' +
    '(npm hooks), so they read one run’s outputs whole; validate-data does it itself.',
  options: {
    out: {
      type: 'string',
      value: 'DIR',
      description:
        "the pipeline's --out folder, one you can write to (default: AREA_DATA_DIR, else the area's output folder)",
    },
    area: {
      type: 'string',
      value: 'SLUG',
      description:
        "the district whose outputs to complete (default: AREA, else leeds, whose outputs are the repository's own)",
    },
  },
  env: {
    AREA: 'the district the site build is for (as `AREA=<slug> npm run build`), when no --area',
    AREA_DATA_DIR:
      'the folder the site build reads instead of the area’s (a pipeline --out), when no --out or --area',
    ...DEBUG_ENV,
  },
  exitCodes: {
    0: 'the outputs are one run’s (a pending publish was completed, or there was none)',
    1: 'a pending publish could not be completed, --out is not a folder you can write to, or another failure (the message says why; nothing was read)',
    2: 'usage error',
  },
};

/**
 * The outputs to complete: --out, else --area's output folder, else the folder the site build
 * reads (AREA_DATA_DIR, else AREA's output folder, else the repository's own).
 */
export function completePublishPaths(
  flags: { out?: string | undefined; area?: string | undefined },
  env: AreaEnv,
): PipelinePaths {
  if (flags.out !== undefined || flags.area !== undefined) return pipelinePaths(flags);
  const area = areaSlugFromEnv(env);
  return pipelinePaths({ area, out: areaDataPath(area, env) ?? undefined });
}

export async function main(argv: readonly string[], env: AreaEnv = process.env): Promise<number> {
  const args = parseCommandArgsOrExit('complete-publish', COMPLETE_PUBLISH_COMMAND, argv);
  if (typeof args === 'number') return args;
  let notes: string[];
  try {
    const flags = { out: stringValue(args, 'out'), area: stringValue(args, 'area') };
    // As the pipeline checks it: a file given by mistake is named, not met as a raw ENOTDIR.
    if (flags.out !== undefined) await checkOutFolder(path.resolve(flags.out));
    notes = await cleanUpInterruptedRuns(completePublishPaths(flags, env));
  } catch (error) {
    const message = errorMessage(error);
    printFailure(`complete-publish: ${message}`, error);
    if (args.json)
      process.stdout.write(`${logSafeJson(JSON.stringify({ ok: false, error: message }))}\n`);
    return 1;
  }
  if (args.json) process.stdout.write(`${logSafeJson(JSON.stringify({ ok: true, notes }))}\n`);
  else if (!args.quiet) for (const note of notes) console.error(logSafe(`note: ${note}`));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCommand('complete-publish', () => main(process.argv.slice(2)));
}
