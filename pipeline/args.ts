// The one argument parser of the command-line tools (`npm run pipeline`, `validate-data`,
// `refresh-data`): node:util parseArgs over an option list that also writes each command's
// --help (options, environment variables, exit codes), so the help cannot miss an option.
// Every command has --help, --quiet and --json. Options that take two values (--range FROM
// TO) read the argument after their first value too.
import { parseArgs } from 'node:util';
import { errorMessage } from '../src/shared/error-message.ts';
import { logSafe } from './log-safe.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** How the value is shown in the help, e.g. "DIR" or "FROM TO". */
  value?: string;
  /** Values a string option takes: 2 for "--range FROM TO". Default 1. */
  arity?: 1 | 2;
  /** The option may be given more than once; its values come as a list, in order. */
  multiple?: boolean;
  description: string;
}

export interface CommandSpec {
  /** How it is run, e.g. "npm run pipeline --". */
  command: string;
  /** What follows the command in the usage line, e.g. "[options]". */
  usage: string;
  summary: string;
  options: Readonly<Record<string, OptionSpec>>;
  env: Readonly<Record<string, string>>;
  exitCodes: Readonly<Record<number, string>>;
  /** Positional arguments allowed (otherwise any is a usage error). */
  positionals?: boolean;
  /**
   * Stop at the first positional argument: it and everything after it are handed back
   * unparsed (refresh-data passes them to the pipeline).
   */
  stopAtPositional?: boolean;
}

/** The options every command has. */
export const COMMON_OPTIONS = {
  quiet: { type: 'boolean', description: 'print only errors and the result, no notes or progress' },
  json: { type: 'boolean', description: 'print the result as JSON on stdout' },
  help: { type: 'boolean', description: 'show this help and exit' },
} as const satisfies Record<string, OptionSpec>;

/**
 * `--area SLUG`: the district a command is for, data/areas/SLUG/area.json (default leeds).
 * The pipeline, validate-data and refresh-data take it alike.
 */
export const AREA_OPTION = {
  type: 'string',
  value: 'SLUG',
  description: 'the district, as data/areas/SLUG/area.json describes it (default leeds)',
} as const satisfies OptionSpec;

export class UsageError extends Error {
  override name = 'UsageError';
}

export type ArgValue = string | boolean | [string, string] | string[] | undefined;

export interface ParsedArgs {
  values: Record<string, ArgValue>;
  help: boolean;
  quiet: boolean;
  json: boolean;
  /** Positional arguments (and, with stopAtPositional, everything after the first). */
  positionals: string[];
}

function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...COMMON_OPTIONS };
}

/**
 * The index of the first positional argument in `args`, past the values of the options before
 * it (`--area sheffield validate`: validate, not sheffield); -1 when there is none.
 */
function firstPositional(args: readonly string[], options: Record<string, OptionSpec>): number {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--') return i + 1 < args.length ? i + 1 : -1;
    if (!arg.startsWith('-')) return i;
    const option = arg.startsWith('--') && !arg.includes('=') ? options[arg.slice(2)] : undefined;
    if (option?.type === 'string') i += option.arity === 2 ? 2 : 1;
  }
  return -1;
}

/** Parse `argv` for `spec`; a UsageError says what is wrong. */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options = allOptions(spec);
  let args = [...argv];
  let after: string[] = [];
  if (spec.stopAtPositional) {
    const first = firstPositional(args, options);
    if (first >= 0) [args, after] = [args.slice(0, first), args.slice(first)];
    if (after.includes('--help')) args.push('--help');
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(
        Object.entries(options).map(([k, o]) => [
          k,
          { type: o.type, multiple: o.multiple === true },
        ]),
      ),
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (cause) {
    throw new UsageError(errorMessage(cause), { cause });
  }
  const values: Record<string, ArgValue> = { ...parsed.values } as Record<string, ArgValue>;
  const consumed = new Set<number>();
  parsed.tokens.forEach((token, i) => {
    if (token.kind !== 'option' || options[token.name]?.arity !== 2) return;
    const next = parsed.tokens[i + 1];
    if (next?.kind !== 'positional') {
      throw new UsageError(`--${token.name} needs two values: ${options[token.name]?.value ?? ''}`);
    }
    consumed.add(next.index);
    values[token.name] = [token.value ?? '', next.value];
  });
  const positionals = parsed.tokens
    .filter((t) => t.kind === 'positional' && !consumed.has(t.index))
    .map((t) => (t as { value: string }).value);
  if (!spec.positionals && !spec.stopAtPositional && positionals.length > 0) {
    throw new UsageError(`unexpected argument "${positionals[0]}"`);
  }
  return {
    values,
    help: values['help'] === true,
    quiet: values['quiet'] === true,
    json: values['json'] === true,
    positionals: [...positionals, ...after],
  };
}

/** A string option's value, or undefined. */
export function stringValue(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The values of an option given more than once (`multiple`), each also read as a comma
 * list: `--area leeds --area sheffield` and `--area leeds,sheffield` alike. A value given
 * twice, or an empty one, is a UsageError.
 */
export function listValue(args: ParsedArgs, name: string): string[] | undefined {
  const value = args.values[name];
  if (value === undefined || typeof value === 'boolean') return undefined;
  const list = (typeof value === 'string' ? [value] : value).flatMap((v) => v.split(','));
  const blank = list.find((v) => v.trim() === '');
  if (blank !== undefined) throw new UsageError(`--${name}: an empty value in "${list.join(',')}"`);
  const twice = list.find((v, i) => list.indexOf(v) !== i);
  if (twice !== undefined) throw new UsageError(`--${name} ${twice} is given twice`);
  return list;
}

function table(rows: readonly [string, string][]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}

/** The command's --help: usage, options, environment variables and exit codes. */
export function helpText(spec: CommandSpec): string {
  const options = Object.entries(allOptions(spec)).map(([name, o]): [string, string] => [
    `--${name}${o.value ? ` ${o.value}` : ''}`,
    o.description,
  ]);
  const env = Object.entries(spec.env);
  return [
    `Usage: ${spec.command} ${spec.usage}`,
    spec.summary,
    '',
    'Options:',
    ...table(options),
    ...(env.length > 0 ? ['', 'Environment variables:', ...table(env)] : []),
    '',
    'Exit codes:',
    ...table(Object.entries(spec.exitCodes).map(([code, meaning]) => [code, meaning])),
    '',
  ].join('\n');
}

/**
 * `argv` parsed by `spec` for the command `name` ("refresh-data"), or the exit code when that
 * is all the command has to do: 2 after a usage error, printed on stderr (with the help's
 * pointer), 0 after --help, printed on stdout. Other errors are thrown (runCommand prints
 * them, at the entry).
 */
export function parseCommandArgsOrExit(
  name: string,
  spec: CommandSpec,
  argv: readonly string[],
): ParsedArgs | 0 | 2 {
  let args: ParsedArgs;
  try {
    args = parseCommandArgs(spec, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(logSafe(`${name}: ${error.message} (see --help)`));
    return 2;
  }
  if (args.help) {
    process.stdout.write(helpText(spec));
    return 0;
  }
  return args;
}
