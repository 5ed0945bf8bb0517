// The command-line tools share one parser (pipeline/args.ts): each has --help listing its
// options, environment variables and exit codes; notes and progress go to stderr and results
// to stdout; --quiet and --json change what is printed. The commands run as `npm run` runs
// them: node on the .ts files, in a child process.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../support/run-script.ts';
import { parseCommandArgs, UsageError, type CommandSpec } from '../../pipeline/args.ts';
import { AREA_REFERENCE_COMMAND } from '../../pipeline/area-reference-cli.ts';
import { PIPELINE_COMMAND } from '../../pipeline/cli.ts';
import { COMPLETE_PUBLISH_COMMAND } from '../../pipeline/publish-cli.ts';
import { REFRESH_COMMAND } from '../../pipeline/refresh.ts';
import { VALIDATE_COMMAND } from '../../pipeline/validate-cli.ts';

const SLICE = 'tests/fixtures/pipeline/slice/archive';
/** An outcomes file for the slice's March 2025 with bad rows (tests/fixtures/pipeline/README.md). */
const SLICE_OUTCOMES = 'tests/fixtures/pipeline/outcomes/archive';

const run = (script: string, args: readonly string[]) => runScript(script, args);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'args-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('parseCommandArgs(spec, argv)', () => {
  const spec: CommandSpec = {
    command: 'x',
    usage: '',
    summary: '',
    options: {
      range: { type: 'string', arity: 2, value: 'FROM TO', description: '' },
      out: { type: 'string', description: '' },
    },
    env: {},
    exitCodes: {},
  };

  it('reads an option with two values, and the options every command has', () => {
    const args = parseCommandArgs(spec, ['--range', '2024-01', '2025-03', '--json', '--out=o']);
    expect(args.values['range']).toEqual(['2024-01', '2025-03']);
    expect(args.values['out']).toBe('o');
    expect([args.json, args.quiet, args.help]).toEqual([true, false, false]);
  });

  it('refuses unknown options, a missing second value and stray arguments', () => {
    expect(() => parseCommandArgs(spec, ['--bogus'])).toThrow(UsageError);
    expect(() => parseCommandArgs(spec, ['--range', '2024-01'])).toThrow(/needs two values/);
    expect(() => parseCommandArgs(spec, ['stray'])).toThrow(/unexpected argument "stray"/);
  });

  it('with stopAtPositional, hands back the first positional and everything after it', () => {
    const args = parseCommandArgs(REFRESH_COMMAND, ['--quiet', 'pipeline', '--range', 'a', 'b']);
    expect(args.quiet).toBe(true);
    expect(args.positionals).toEqual(['pipeline', '--range', 'a', 'b']);
  });

  it.each([
    [['--area', 'sheffield', 'validate'], 'sheffield', ['validate']],
    [['--area=sheffield', 'validate'], 'sheffield', ['validate']],
    [
      ['--quiet', '--area', 'leeds', 'pipeline', '--month', '2025-03'],
      'leeds',
      ['pipeline', '--month', '2025-03'],
    ],
    [['--area', 'sheffield', '--', 'commit'], 'sheffield', ['commit']],
  ])(
    'with stopAtPositional, takes an option value before the first positional as the value: %j',
    (argv, area, positionals) => {
      const args = parseCommandArgs(REFRESH_COMMAND, argv);
      expect(args.values['area']).toBe(area);
      expect(args.positionals).toEqual(positionals);
    },
  );
});

describe('--help', () => {
  const commands = [
    { script: 'pipeline/cli.ts', spec: PIPELINE_COMMAND },
    { script: 'pipeline/validate-cli.ts', spec: VALIDATE_COMMAND },
    { script: 'pipeline/refresh.ts', spec: REFRESH_COMMAND },
    { script: 'pipeline/area-reference-cli.ts', spec: AREA_REFERENCE_COMMAND },
    { script: 'pipeline/publish-cli.ts', spec: COMPLETE_PUBLISH_COMMAND },
  ];

  it.each(commands)(
    '$script --help exits 0 and lists options, environment variables and exit codes',
    ({ script, spec }) => {
      const { status, stdout, stderr } = run(script, ['--help']);
      expect(status).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toMatch(/^Usage: npm run /);
      for (const option of [...Object.keys(spec.options), 'quiet', 'json', 'help']) {
        expect(stdout).toContain(`--${option}`);
      }
      if (Object.keys(spec.env).length > 0) expect(stdout).toContain('Environment variables:');
      for (const name of Object.keys(spec.env)) expect(stdout).toContain(name);
      expect(stdout).toContain('Exit codes:');
      for (const code of Object.keys(spec.exitCodes))
        expect(stdout).toMatch(new RegExp(`^  ${code} `, 'm'));
    },
  );

  it('a usage error exits 2 with one line on stderr and nothing on stdout', () => {
    for (const { script } of commands) {
      const { status, stdout, stderr } = run(script, ['--bogus']);
      expect(status, script).toBe(2);
      expect(stdout, script).toBe('');
      expect(stderr.trim().split('\n'), script).toHaveLength(1);
    }
  });
});

describe('pipeline output streams', () => {
  it('notes and progress go to stderr, the summary to stdout', () => {
    const out = path.join(tmp, 'plain');
    const { status, stdout, stderr } = run('pipeline/cli.ts', [
      '--offline',
      '--archive-dir',
      SLICE,
      '--out',
      out,
    ]);
    expect(status, stderr).toBe(0);
    expect(stderr).toMatch(/\[3\/\d+\] months:/);
    expect(stdout).not.toMatch(/\[\d+\/\d+\]/);
    expect(stdout).toMatch(/^\nSummary\n {2}rows read: /);
  }, 90_000);

  it('--quiet --json prints only the run summary, as JSON, on stdout', () => {
    const out = path.join(tmp, 'json');
    const { status, stdout, stderr } = run('pipeline/cli.ts', [
      '--offline',
      '--quiet',
      '--json',
      '--archive-dir',
      SLICE,
      '--out',
      out,
    ]);
    expect(status, stderr).toBe(0);
    expect(stderr).toBe('');
    const summary = JSON.parse(stdout) as { totals: { kept: number }; steps: unknown[] };
    expect(summary.totals.kept).toBeGreaterThan(0);
    expect(summary.steps.length).toBeGreaterThan(0);
  }, 90_000);

  it('--quiet still prints the summary, with the outcomes rows it cannot use by reason and file:line', async () => {
    const archive = path.join(tmp, 'slice-outcomes');
    await cp(SLICE, archive, { recursive: true });
    await cp(SLICE_OUTCOMES, archive, { recursive: true });
    const file = path.join(archive, '2025-03', '2025-03-west-yorkshire-outcomes.csv');
    const { status, stdout, stderr } = run('pipeline/cli.ts', [
      '--offline',
      '--quiet',
      '--archive-dir',
      archive,
      '--out',
      path.join(tmp, 'quiet'),
    ]);
    expect(status, stderr).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(
      /^ {2}outcomes files: 1, read 12 rows, indexed 7 for 5 Crime IDs, .*unusable 1 no-crime-id/m,
    );
    expect(stdout).toContain(`    other-month: ${file}:6: Month "2026-09" in the outcomes file`);
    expect(stdout).toContain(`    conflicting-outcome: ${file}:3: Crime ID `);
  }, 90_000);

  it('validate-data --json prints the verdict as JSON on stdout', () => {
    const { status, stdout } = run('pipeline/validate-cli.ts', [
      '--json',
      '--previous',
      'src/data/site-data.json',
      '--run-summary',
      path.join(tmp, 'none.json'),
    ]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, problems: [], added: [] });
  });
});
