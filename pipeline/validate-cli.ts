// `npm run validate-data`: checks candidate site data against the published data and prints
// the gate's report. Exit 0 = may publish, 1 = refused, 2 = could not check (usage, files, or
// an unexpected failure). When it reads the area's own outputs (--area's), it first completes
// a publish left half done there, so it never checks a mix of two runs of them; an npm hook
// could not, as hooks are not given the command's options. A file named in another folder
// (another run's --out) that holds a publish left half done stops it, naming the command that
// completes that folder.
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APPROVALS_PATH, approvalsPath } from './approvals.ts';
import { DEBUG_ENV, printFailure, runCommand } from './command-failure.ts';
import {
  areaDataPaths,
  loadGateData,
  NO_RUN_SUMMARY,
  RUN_SUMMARY_PATH,
  SITE_DATA_PATH,
  UnusableInputError,
  type GateInputs,
} from './gate-inputs.ts';
import { exists } from './files.ts';
import { annotation, logSafe, logSafeJson } from './log-safe.ts';
import { pipelinePaths } from './paths.ts';
import { cleanUpInterruptedRuns } from './publish.ts';
import {
  AREA_OPTION,
  helpText,
  parseCommandArgs,
  stringValue,
  type CommandSpec,
  type ParsedArgs,
} from './args.ts';
import { validateSiteData, type ValidationReport } from './validate.ts';
import { formatReport, type ApprovalRoute } from './validation-report.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export const EXIT = { ok: 0, refused: 1, unusable: 2 } as const;

export const VALIDATE_COMMAND: CommandSpec = {
  command: 'npm run validate-data --',
  usage: '[options]',
  summary:
    'Check candidate site data against the published data: the gate the monthly refresh\n' +
    'passes before it commits. The report goes to stdout (stderr when the data is refused).',
  options: {
    area: AREA_OPTION,
    candidate: {
      type: 'string',
      value: 'FILE',
      description: `site data to check (default ${SITE_DATA_PATH}; another area's data/areas/SLUG/output/site-data.json)`,
    },
    previous: { type: 'string', value: 'FILE', description: 'published site data to compare with' },
    'previous-ref': {
      type: 'string',
      value: 'REF',
      description: `or: read the area's published site data from this git commit (default HEAD)`,
    },
    'run-summary': {
      type: 'string',
      value: 'FILE',
      description: `the pipeline's run summary, for per-month checks (default ${RUN_SUMMARY_PATH}; "${NO_RUN_SUMMARY}" or a file not there: checked without it, as the report says)`,
    },
    approvals: {
      type: 'string',
      value: 'FILE',
      description: `approvals of named months' changes (default ${APPROVALS_PATH}; another area's data/areas/SLUG/approvals.json)`,
    },
    approve: {
      type: 'string',
      value: '"YYYY-MM: reason"',
      description: "approve one month's changes (the workflow's approve input)",
    },
  },
  env: {
    GITHUB_STEP_SUMMARY: 'a file the report is appended to (set by GitHub Actions)',
    ...DEBUG_ENV,
  },
  exitCodes: {
    [EXIT.ok]: 'the data may be published',
    [EXIT.refused]: 'the data is refused (the report says why)',
    [EXIT.unusable]:
      "could not check: usage error, missing file, bad JSON, a pending publish in the area's outputs that could not be completed first or in another folder read, or another failure (the message says what)",
  },
};

export interface GateArgs extends GateInputs {
  help: boolean;
  quiet: boolean;
  json: boolean;
  /**
   * One of the files read is the area's own site data or run summary (by default, or named by
   * --candidate, --run-summary or --previous): the area's outputs are completed first.
   */
  readsAreaOutputs: boolean;
  /** The folders of the files read that are not the area's outputs (another run's --out). */
  otherFolders: string[];
  /** The approvals file read: --approvals, else the area's own. */
  approvals: string;
}

export function parseGateArgs(argv: readonly string[]): GateArgs {
  let args: ParsedArgs;
  try {
    args = parseCommandArgs(VALIDATE_COMMAND, argv);
  } catch (error) {
    throw new UnusableInputError(`${errorMessage(error)} (see --help)`, { cause: error });
  }
  const previous = stringValue(args, 'previous');
  const previousRef = stringValue(args, 'previous-ref');
  if (previous !== undefined && previousRef !== undefined) {
    throw new UnusableInputError('Give --previous or --previous-ref, not both (see --help).');
  }
  const area = stringValue(args, 'area');
  const published = areaDataPaths(area);
  const candidate = stringValue(args, 'candidate') ?? published.siteData;
  const runSummaryArg = stringValue(args, 'run-summary') ?? published.runSummary;
  const runSummary = runSummaryArg === NO_RUN_SUMMARY ? null : runSummaryArg;
  // By path, not by which options are given: `--candidate data/areas/SLUG/output/site-data.json`
  // reads the area's outputs as much as the default does.
  const areaOutputs = new Set(
    [published.siteData, published.runSummary].map((f) => path.resolve(f)),
  );
  const read = [
    candidate,
    ...(runSummary === null ? [] : [runSummary]),
    ...(previous === undefined ? [] : [previous]),
  ].map((file) => path.resolve(file));
  const elsewhere = read.filter((file) => !areaOutputs.has(file));
  return {
    help: args.help,
    quiet: args.quiet,
    json: args.json,
    area,
    readsAreaOutputs: elsewhere.length < read.length,
    otherFolders: [...new Set(elsewhere.map((file) => path.dirname(file)))],
    candidate,
    previous:
      previous !== undefined
        ? { file: previous }
        : { ref: previousRef ?? 'HEAD', otherwise: 'compare against a file with --previous' },
    runSummary,
    approvals: stringValue(args, 'approvals') ?? approvalsPath(area),
    approve: stringValue(args, 'approve'),
    approveGivenAs: '--approve',
    writeAgain:
      'Give the file the pipeline wrote (--candidate, --run-summary), or run the pipeline ' +
      'again to write it (`npm run pipeline`, with the --area or --out it was written with), ' +
      'then validate-data again.',
  };
}

/**
 * A folder read that is not the area's own (another run's --out) may hold a publish left half
 * done: its files are then a mix of two runs. It is not validate-data's to complete (it may
 * be a run's staging folder, or another district's): stop, naming what completes it.
 */
async function refusePendingPublish(folders: readonly string[]): Promise<void> {
  for (const folder of folders) {
    const journal = pipelinePaths({ out: folder }).publishJournal;
    if (await exists(journal)) {
      throw new UnusableInputError(
        `${journal} records a publish left half done in ${folder}, so the files read there may ` +
          `be a mix of two runs. Complete it first (npm run complete-publish -- --out ` +
          `${folder}), then check again.`,
      );
    }
  }
}

/** Read everything the gate needs and run it. */
export async function runGate(inputs: GateInputs, cwd = '.'): Promise<ValidationReport> {
  return validateSiteData(await loadGateData(inputs, cwd));
}

/**
 * Print the report with `print` (validate-data's result: stdout when the data passed, stderr
 * when refused; null: not printed), and add it to the GitHub job summary when there is one,
 * unless `summary` is false (a step after one that added it).
 */
export async function printReport(
  report: ValidationReport,
  route: ApprovalRoute,
  print: ((text: string) => void) | null = report.ok ? console.log : console.error,
  summary = true,
): Promise<void> {
  const text = formatReport(report, route);
  print?.(logSafe(text));
  const summaryFile = process.env['GITHUB_STEP_SUMMARY'];
  if (summary && summaryFile) await appendFile(summaryFile, summaryMarkdown(text));
}

/**
 * The report as the job summary's Markdown: a code block whose fence is longer than any run of
 * backticks in it, so text from the data (a ward, a type, a file name) cannot end the block
 * and be read as Markdown; its control characters written out as the log writes them
 * (logSafe), so none reaches the summary's page raw.
 */
export function summaryMarkdown(report: string): string {
  const text = logSafe(report);
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `### Data validation\n\n${fence}\n${text}\n${fence}\n`;
}

/** The title of the warning annotations of the gate's notes. */
const NOTE_TITLE = 'Data validation note';

/**
 * The gate's notes as GitHub Actions warning annotations, one workflow command a line: shown
 * on the run's page and its summary, where a maintainer sees them, not only deep in a step's
 * log. Escaped as the runner reads a command's message (%, CR and LF as %25, %0D, %0A), and
 * made inert as logSafe() makes a line (control characters written out, "##[" broken), so a
 * note quoting the data cannot end the command or start another.
 */
export function noteAnnotations(notes: readonly string[]): string[] {
  return notes.map((note) => annotation('warning', NOTE_TITLE, note));
}

/** The report as --json prints it: the verdict, the problems and what changed. */
export function reportJson(report: ValidationReport): string {
  const { ok, problems, compared, added, revised } = report;
  return `${JSON.stringify({ ok, problems, compared, added, revised }, null, 2)}\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseGateArgs(argv);
    if (args.help) {
      process.stdout.write(helpText(VALIDATE_COMMAND));
      return EXIT.ok;
    }
    if (args.readsAreaOutputs) {
      const notes = await cleanUpInterruptedRuns(pipelinePaths({ root: '.', area: args.area }));
      for (const note of notes) console.error(logSafe(`validate-data: ${note}`));
    }
    await refusePendingPublish(args.otherFolders);
    const report = await runGate(args);
    if (args.json) process.stdout.write(logSafeJson(reportJson(report)));
    // --json and --quiet are the console's: the job summary has the report whatever they say.
    const print = report.ok ? console.log : console.error;
    await printReport(
      report,
      { approvals: args.approvals, area: args.area },
      args.json || (args.quiet && report.ok) ? null : print,
    );
    return report.ok ? EXIT.ok : EXIT.refused;
  } catch (error) {
    // Expected or not (a bug, a reference file the gate cannot read), the data was not checked.
    printFailure(`validate-data: ${errorMessage(error)}`, error);
    return EXIT.unusable;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCommand(
    'validate-data',
    () => main(process.argv.slice(2)),
    () => EXIT.unusable,
  );
}
