// Which jobs of a workflow run, for a given event and job outcomes, as GitHub decides it from
// `needs` and job-level `if` conditions. Covers the expression subset the workflows use:
// literals, `github.event_name`, `needs.<job>.result`, ==, !=, !, &&, || and parentheses, and
// the status functions. Anything else throws, so a new construct fails the tests loudly
// instead of being misread.
//
// Status functions at job level: success() is true when no job up the `needs` chain failed,
// was cancelled or was skipped (GitHub looks past the direct needs: actions/runner#2205);
// failure() when one failed; always() always; cancelled() when the run was cancelled. A
// condition without a status function gets an implicit success() &&.

export type JobResult = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface ConditionalJob {
  needs?: string | string[];
  if?: string | boolean;
}

export interface RunFacts {
  event: string;
  /** What each job that runs would end with (default success). */
  outcomes?: Readonly<Record<string, Exclude<JobResult, 'skipped'>>>;
  /** The run was cancelled. */
  cancelled?: boolean;
}

type Value = string | boolean | null;

/** The expression inside `${{ }}`, which job conditions may leave out. */
function unwrap(condition: string): string {
  return condition.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
}

const STATUS_FUNCTIONS = /\b(success|failure|always|cancelled)\(\)/;
const TOKEN =
  /\s*(?:(\(|\)|!=|==|!|&&|\|\|)|'((?:[^']|'')*)'|(true|false|null)\b|([A-Za-z_][\w-]*(?:\.[\w-]+)*)(\(\))?)/y;

type Token =
  | { kind: 'op'; value: string }
  | { kind: 'literal'; value: Value }
  | { kind: 'name'; value: string }
  | { kind: 'call'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new Error(`cannot read the expression at "${text.slice(at)}" in: ${text}`);
    const [, op, string, keyword, name, call] = match;
    if (op !== undefined) tokens.push({ kind: 'op', value: op });
    else if (string !== undefined)
      tokens.push({ kind: 'literal', value: string.replace(/''/g, "'") });
    else if (keyword !== undefined)
      tokens.push({ kind: 'literal', value: keyword === 'null' ? null : keyword === 'true' });
    else if (call !== undefined) tokens.push({ kind: 'call', value: name as string });
    else tokens.push({ kind: 'name', value: name as string });
  }
  return tokens;
}

/** Evaluate `text` (with or without `${{ }}`) given context values and status functions. */
export function evaluate(
  text: string,
  contexts: Readonly<Record<string, Value>>,
  functions: Readonly<Record<string, () => boolean>>,
): boolean {
  const tokens = tokenize(unwrap(text));
  let i = 0;
  const peek = (value: string) => tokens[i]?.kind === 'op' && tokens[i]?.value === value;
  const expect = (value: string) => {
    if (!peek(value)) throw new Error(`expected "${value}" in: ${text}`);
    i += 1;
  };
  const truthy = (v: Value) => v !== null && v !== false && v !== '';

  const primary = (): Value => {
    const token = tokens[i++];
    if (!token) throw new Error(`unexpected end of: ${text}`);
    if (token.kind === 'op' && token.value === '(') {
      const value = or();
      expect(')');
      return value;
    }
    if (token.kind === 'op' && token.value === '!') return !truthy(primary());
    if (token.kind === 'literal') return token.value;
    if (token.kind === 'call') {
      const fn = functions[token.value];
      if (!fn) throw new Error(`unknown function ${token.value}() in: ${text}`);
      return fn();
    }
    if (token.kind === 'name') {
      if (!(token.value in contexts)) throw new Error(`unknown context ${token.value} in: ${text}`);
      return contexts[token.value] ?? null;
    }
    throw new Error(`unexpected "${token.value}" in: ${text}`);
  };
  const comparison = (): Value => {
    let left = primary();
    while (peek('==') || peek('!=')) {
      const op = tokens[i++]?.value;
      const right = primary();
      // GitHub compares strings case-insensitively.
      const same =
        typeof left === 'string' && typeof right === 'string'
          ? left.toLowerCase() === right.toLowerCase()
          : left === right;
      left = op === '==' ? same : !same;
    }
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (peek('&&')) {
      i += 1;
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (peek('||')) {
      i += 1;
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const value = or();
  if (i !== tokens.length) throw new Error(`unexpected "${tokens[i]?.value}" in: ${text}`);
  return truthy(value);
}

function needsOf(job: ConditionalJob): string[] {
  const needs = job.needs ?? [];
  return Array.isArray(needs) ? needs : [needs];
}

/** Each job's result in a run with these facts: 'skipped' for the jobs that do not run. */
export function simulateRun(
  jobs: Readonly<Record<string, ConditionalJob>>,
  facts: RunFacts,
): Record<string, JobResult> {
  const results: Record<string, JobResult> = {};
  const ancestors = (name: string): string[] =>
    needsOf(jobs[name] ?? {}).flatMap((need) => [need, ...ancestors(need)]);
  const resolve = (name: string): JobResult => {
    const known = results[name];
    if (known) return known;
    const job = jobs[name];
    if (!job) throw new Error(`no job ${name}`);
    const needs = needsOf(job);
    for (const need of needs) resolve(need);
    const above = ancestors(name).map((n) => results[n]);
    const condition = job.if === undefined ? 'success()' : String(job.if);
    const contexts: Record<string, Value> = { 'github.event_name': facts.event };
    for (const need of needs) contexts[`needs.${need}.result`] = results[need] ?? null;
    const runs = evaluate(
      STATUS_FUNCTIONS.test(condition) ? condition : `success() && (${unwrap(condition)})`,
      contexts,
      {
        success: () => !facts.cancelled && above.every((r) => r === 'success'),
        failure: () => above.some((r) => r === 'failure'),
        cancelled: () => facts.cancelled === true,
        always: () => true,
      },
    );
    results[name] = runs ? (facts.outcomes?.[name] ?? 'success') : 'skipped';
    return results[name];
  };
  for (const name of Object.keys(jobs)) resolve(name);
  return results;
}
