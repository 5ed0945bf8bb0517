// `AREA=<slug> npm run --silent workflow-settings`: the district's settings the workflows take
// (pipeline/workflow-settings.ts), as NAME=value lines for $GITHUB_OUTPUT.
import { pathToFileURL } from 'node:url';
import { parseCommandArgsOrExit, type CommandSpec } from './args.ts';
import { DEBUG_ENV, printFailure, runCommand } from './command-failure.ts';
import { annotation } from './log-safe.ts';
import { outputLines, workflowSettings } from './workflow-settings.ts';
import { DEFAULT_AREA } from '../src/shared/area-paths.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export const WORKFLOW_SETTINGS_COMMAND: CommandSpec = {
  command: 'npm run --silent workflow-settings --',
  usage: '',
  summary:
    'Print the settings the data and cache workflows take from the district AREA names, one\n' +
    'NAME=value a line for $GITHUB_OUTPUT: area (its slug), name (as pages say it),\n' +
    "refresh-dir (the refresh's staging folder), approvals (the approvals file the refresh\n" +
    'reads) and default-area (true for the default district). Fails, naming the areas there,\n' +
    'when AREA names none.',
  options: {},
  env: {
    AREA: `the district, as data/areas/SLUG/area.json describes it (default ${DEFAULT_AREA})`,
    GITHUB_ACTIONS: 'true: a failure is also written as an error annotation (GitHub Actions)',
    ...DEBUG_ENV,
  },
  exitCodes: {
    0: 'the settings were printed',
    1: 'AREA names no district configured, or its area.json cannot be read or holds a value the workflow cannot take (the message says which); nothing was printed on stdout',
    2: 'usage error',
  },
};

export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  root: string = process.cwd(),
): Promise<number> {
  const args = parseCommandArgsOrExit('workflow-settings', WORKFLOW_SETTINGS_COMMAND, argv);
  if (typeof args === 'number') return args;
  let lines: string;
  try {
    lines = outputLines(await workflowSettings(root, env));
  } catch (error) {
    const message = errorMessage(error);
    printFailure(`workflow-settings: ${message}`, error);
    if (env['GITHUB_ACTIONS'] === 'true') {
      process.stderr.write(`${annotation('error', 'District not configured', message)}\n`);
    }
    return 1;
  }
  process.stdout.write(lines);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCommand('workflow-settings', () => main(process.argv.slice(2)));
}
