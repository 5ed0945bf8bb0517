// Approvals of what the gate refuses: the committed file and the workflow input, and what the
// commit step does with them (the change log records the exception; a used approval is spent);
// and the commit step after one killed while publishing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ApprovalError,
  approvalsPath,
  parseApprovalInput,
  parseApprovals,
  readApprovals,
} from '../../pipeline/approvals.ts';
import { commitStep, RefreshError, validateStep } from '../../pipeline/refresh-steps.ts';
import { jsonParseProblem } from '../support/json-problem.ts';
import { changeLogSchema } from '../../src/shared/change-log.ts';
import { refreshRepository } from '../support/refresh-repository.ts';
import { committedSiteData, removeCrimes, totalOf } from '../support/site-data.ts';

const full = committedSiteData();
/** A tenth of February's crimes gone: beyond any routine revision. */
const revised = removeCrimes(full, '2025-02', Math.round(totalOf(full, '2025-02') * 0.1));
revised.generatedAt = '2025-06-03T06:17:00.000Z';
const REASON = 'police.uk withdrew a batch of duplicate records for February';
const REFRESH = fileURLToPath(new URL('../../pipeline/refresh.ts', import.meta.url));
const VALIDATE = fileURLToPath(new URL('../../pipeline/validate-cli.ts', import.meta.url));

const repo = refreshRepository('approvals-');
const { git, write, stageRun, options, preCommitHook } = repo;

beforeEach(() => stageRun(revised));

describe('approvals', () => {
  it('readApprovals() names every bad field of an approvals file', async () => {
    write('data/approvals.json', { approvals: [{ month: 'Feb 2025', reason: 'short' }] });
    const error = (await readApprovals(path.join(repo.root(), 'data/approvals.json')).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(ApprovalError);
    expect(error.message).toMatch(/approvals\.0\.month: .*; approvals\.0\.reason: say why/);
  });

  describe('an approvals file that cannot be used', () => {
    const file = () => path.join(repo.root(), 'data/approvals.json');
    /** The shape the message gives to mend it by. */
    const SHAPE = '{"approvals": [{"month": "YYYY-MM", "reason": "';
    /** `message` on one line, with no control character of the file's text left raw. */
    const expectOneInertLine = (message: string) => {
      expect(message).not.toContain('\n');
      // eslint-disable-next-line no-control-regex -- the characters that must not be raw
      expect(message).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    };
    const damaged = '{"approvals": [\n\x1b[2K{"month": "2025-02"\n::error::forged';

    it.each([
      [
        'not JSON, its text quoted on one line',
        () => writeFileSync(file(), damaged),
        () => `is not valid JSON (${jsonParseProblem(damaged).replaceAll('\n', '\\n')})`,
      ],
      [
        'JSON of another shape',
        () => write('data/approvals.json', [{ month: '2025-02', reason: REASON }]),
        () => 'is not an approvals file ((root): ',
      ],
      [
        'an approval with a bad field',
        () => write('data/approvals.json', { approvals: [{ month: '2025-02', reason: 'ok' }] }),
        () => 'is not an approvals file (approvals.0.reason: say why',
      ],
      [
        'a folder, not a file',
        () => mkdirSync(file(), { recursive: true }),
        () => 'cannot be read (EISDIR',
      ],
    ])('%s: names it and says how to mend it, on one line', async (_what, make, problem) => {
      make();
      const error = (await readApprovals(file()).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(ApprovalError);
      expectOneInertLine(error.message);
      expect(error.message.replaceAll('\\x1b', '\x1b')).toContain(`${file()} ${problem()}`);
      expect(error.message).toContain(`write it as ${SHAPE}`);
      expect(error.message).toContain('or delete it to approve nothing.');
      // The refresh's validate step stops with the same words.
      await expect(validateStep(options())).rejects.toThrow(`write it as ${SHAPE}`);
    });

    it('as committed at HEAD, not valid JSON: says to commit it mended', async () => {
      writeFileSync(file(), damaged);
      git('add', '--', 'data/approvals.json');
      git('commit', '--quiet', '-m', 'a damaged approvals file');
      // The working tree's is mended: the commit step reads HEAD's for the approvals it spent.
      write('data/approvals.json', { approvals: [] });
      const error = (await commitStep(options()).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(ApprovalError);
      expectOneInertLine(error.message);
      expect(error.message).toContain('data/approvals.json at HEAD is not valid JSON (');
      expect(error.message).toContain(
        `commit it mended (\`git log -- data/approvals.json\` shows its earlier versions) as ${SHAPE}`,
      );
      expect(git('log', '-1', '--format=%s')).toBe('a damaged approvals file');
    });

    it.each(['sheffield', 'leeds'])(
      "as committed for %s's refresh: the git log it suggests is of that district's file",
      (area) => {
        const committed = approvalsPath(area);
        const parse = () => parseApprovals(damaged, `${committed} at HEAD`, committed);
        expect(parse).toThrow(ApprovalError);
        expect(parse).toThrow(`${committed} at HEAD is not valid JSON (`);
        expect(parse).toThrow(`commit it mended (\`git log -- ${committed}\` shows`);
      },
    );

    it('parseApprovalInput() quotes a refused input on one line and says how to give it', () => {
      const input = 'February\n::error::forged\x1b[2K';
      let message = '';
      try {
        parseApprovalInput(input, '--approve');
      } catch (error) {
        expect(error).toBeInstanceOf(ApprovalError);
        message = (error as Error).message;
      }
      expectOneInertLine(message);
      expect(message).toContain('the approval "February\\n::error::forged\\x1b[2K" must read');
      expect(message).toContain('or leave it empty to approve nothing.');
    });
  });

  it('parseApprovalInput() reads "YYYY-MM: reason" and refuses anything else', () => {
    expect(parseApprovalInput(` 2025-02: ${REASON} `, '--approve')).toEqual({
      month: '2025-02',
      reason: REASON,
    });
    expect(parseApprovalInput('', '--approve')).toBeUndefined();
    expect(() => parseApprovalInput('February: fine', '--approve')).toThrow(
      /must read "YYYY-MM: reason"/,
    );
  });

  describe('an approval given by hand that is refused names where the command took it', () => {
    it("refresh-data's: the workflow's approve input, DATA_APPROVAL", async () => {
      stageRun(revised);
      const error = (await validateStep(options({ DATA_APPROVAL: 'February: fine' })).catch(
        (e: unknown) => e,
      )) as Error;
      expect(error.message).toContain("(the workflow's approve input, DATA_APPROVAL)");
      expect(error.message).not.toContain('--approve');
    });

    it("validate-data's: --approve, not a variable it does not read", () => {
      stageRun(revised);
      const { status, stderr } = spawnSync(
        process.execPath,
        [VALIDATE, '--candidate', 'data/refresh/site-data.json', '--approve', 'February: fine'],
        { cwd: repo.root(), env: { ...process.env, GITHUB_STEP_SUMMARY: '' }, encoding: 'utf8' },
      );
      expect(status).toBe(2);
      expect(stderr).toContain('must read "YYYY-MM: reason"');
      expect(stderr).toContain('(--approve)');
      expect(stderr).not.toContain('DATA_APPROVAL');
    });
  });

  it('the refresh refuses the change without an approval and publishes nothing', async () => {
    await expect(validateStep(options())).rejects.toThrow(RefreshError);
    expect(git('status', '--porcelain')).toBe('?? data/refresh/');
  });

  it('a committed approval lets the month through; the change log records it and the approval is spent', async () => {
    write('data/approvals.json', {
      approvals: [
        { month: '2025-02', reason: REASON, approvedBy: 'data maintainer' },
        { month: '2024-03', reason: 'kept for a later refresh of March 2024' },
      ],
    });
    git('add', '--all', '--', 'data/approvals.json');
    git('commit', '--quiet', '-m', 'approve February');

    const result = await commitStep(options());
    expect(result.changed).toBe(true);
    const log = changeLogSchema.parse(
      JSON.parse(readFileSync(path.join(repo.root(), 'src/data/changes.json'), 'utf8')),
    );
    const exceptions = log.entries[0]?.exceptions ?? [];
    expect(exceptions.map((e) => [e.month, e.reason, e.approvedBy])).toEqual([
      ['2025-02', REASON, 'data maintainer'],
    ]);
    expect(exceptions[0]?.findings).toContainEqual(
      expect.stringMatching(/^2025-02: the month went from \d+ -> \d+ crimes \(-\d+, -10\.0%\)/),
    );
    expect(JSON.parse(readFileSync(path.join(repo.root(), 'data/approvals.json'), 'utf8'))).toEqual(
      {
        approvals: [{ month: '2024-03', reason: 'kept for a later refresh of March 2024' }],
      },
    );
    expect(git('show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual([
      'data/approvals.json',
      'src/data/changes.json',
      'src/data/site-data.json',
    ]);
  });

  it('a commit step killed while publishing: the next one commits the approval it used as spent', async () => {
    write('data/approvals.json', { approvals: [{ month: '2025-02', reason: REASON }] });
    git('add', '--all', '--', 'data/approvals.json');
    git('commit', '--quiet', '-m', 'approve February');
    const killed = spawnSync(process.execPath, [REFRESH, 'commit'], {
      cwd: repo.root(),
      env: { ...process.env, PIPELINE_CRASH_AT: 'publishing' },
    });
    expect(killed.signal).toBe('SIGKILL');

    const result = await commitStep(options());
    expect(result.changed).toBe(true);
    expect(JSON.parse(git('show', 'HEAD:data/approvals.json'))).toEqual({ approvals: [] });
    expect(git('status', '--porcelain', '--', 'data/approvals.json')).toBe('');
  });

  it('a commit step whose git commit failed: the next one uses the approval it spent again and commits it spent', async () => {
    write('data/approvals.json', { approvals: [{ month: '2025-02', reason: REASON }] });
    git('add', '--all', '--', 'data/approvals.json');
    git('commit', '--quiet', '-m', 'approve February');
    preCommitHook(true);
    await expect(commitStep(options())).rejects.toThrow(/pre-commit: refused by the hook/);
    expect(git('log', '-1', '--format=%s')).toBe('approve February');
    // Spent in the working tree, never in a commit.
    expect(JSON.parse(readFileSync(path.join(repo.root(), 'data/approvals.json'), 'utf8'))).toEqual(
      { approvals: [] },
    );

    preCommitHook(false);
    const result = await commitStep(options());
    expect(result.changed).toBe(true);
    expect(JSON.parse(git('show', 'HEAD:data/approvals.json'))).toEqual({ approvals: [] });
    const log = changeLogSchema.parse(JSON.parse(git('show', 'HEAD:src/data/changes.json')));
    expect(log.entries.map((e) => e.exceptions?.map((x) => [x.month, x.reason]))).toEqual([
      [['2025-02', REASON]],
    ]);
    expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
  });

  it('an approval a person took out of the file, not committed yet, lets nothing through', async () => {
    write('data/approvals.json', { approvals: [{ month: '2025-02', reason: REASON }] });
    git('add', '--all', '--', 'data/approvals.json');
    git('commit', '--quiet', '-m', 'approve February');
    write('data/approvals.json', { approvals: [] });
    await expect(validateStep(options())).rejects.toThrow(/Validation refused/);
  });

  it('a commit step killed while publishing: the next one, with other data, records its own change alone', async () => {
    const killed = spawnSync(process.execPath, [REFRESH, 'commit'], {
      cwd: repo.root(),
      env: { ...process.env, PIPELINE_CRASH_AT: 'publishing', DATA_APPROVAL: `2025-02: ${REASON}` },
    });
    expect(killed.signal).toBe('SIGKILL');
    // The next refresh builds other data: March revised a little as well.
    const next = removeCrimes(revised, '2025-03', 3);
    next.generatedAt = '2025-06-10T06:17:00.000Z';
    write('data/refresh/site-data.json', next);

    await commitStep(options({ DATA_APPROVAL: `2025-02: ${REASON}` }));
    const log = changeLogSchema.parse(JSON.parse(git('show', 'HEAD:src/data/changes.json')));
    expect(log.entries.map((e) => e.refreshedAt)).toEqual([next.generatedAt]);
    expect(log.entries[0]?.revised.map((r) => r.month)).toEqual(['2025-02', '2025-03']);
  });

  it('a commit step killed while publishing: the next one, with nothing new, changes nothing and says how to restore the outputs', async () => {
    const killed = spawnSync(process.execPath, [REFRESH, 'commit'], {
      cwd: repo.root(),
      env: { ...process.env, PIPELINE_CRASH_AT: 'publishing', DATA_APPROVAL: `2025-02: ${REASON}` },
    });
    expect(killed.signal).toBe('SIGKILL');
    // The next refresh builds the committed data again: nothing new against HEAD.
    write('data/refresh/site-data.json', { ...full, generatedAt: '2025-06-10T06:17:00.000Z' });
    const journal = path.join(repo.root(), 'data/processed/publish-journal.json');
    const before = git('status', '--porcelain', '--untracked-files=all');
    const published = readFileSync(path.join(repo.root(), 'src/data/site-data.json'), 'utf8');
    expect(published).not.toBe(git('show', 'HEAD:src/data/site-data.json') + '\n');

    const error = (await commitStep(options()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(RefreshError);
    expect(error.message).toContain(`an earlier commit step was stopped while publishing`);
    expect(error.message).toContain(`${journal} is still there (it lists 2 file(s))`);
    expect(error.message).toContain(
      '`git checkout HEAD -- src/data/site-data.json src/data/changes.json`',
    );
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe(before);
    expect(readFileSync(path.join(repo.root(), 'src/data/site-data.json'), 'utf8')).toBe(published);
    expect(readFileSync(journal, 'utf8')).toMatch(/"renames"/);
    expect(git('log', '--format=%s')).toBe('published');

    // What it says to do leaves the outputs as committed; the refresh then has nothing to do.
    for (const [, command] of error.message.matchAll(/`((?:git checkout|rm) [^`]+)`/g)) {
      execFileSync('sh', ['-c', command ?? ''], { cwd: repo.root() });
    }
    expect(git('status', '--porcelain', '--untracked-files=all').split('\n')).toEqual([
      '?? data/refresh/run-summary.json',
      '?? data/refresh/site-data.json',
    ]);
    expect(await commitStep(options())).toMatchObject({ changed: false });
  });

  it('a commit step with nothing new and an unreadable publish journal names it and changes nothing', async () => {
    write('data/refresh/site-data.json', { ...full, generatedAt: '2025-06-10T06:17:00.000Z' });
    mkdirSync(path.join(repo.root(), 'data/processed'), { recursive: true });
    writeFileSync(path.join(repo.root(), 'data/processed/publish-journal.json'), '{"renam');
    await expect(commitStep(options())).rejects.toThrow(
      /publish-journal\.json is still there \(it cannot be read, .*`rm -f -- data\/processed\/publish-journal\.json`/,
    );
    expect(git('status', '--porcelain', '--untracked-files=all').split('\n')).toEqual([
      '?? data/processed/publish-journal.json',
      '?? data/refresh/run-summary.json',
      '?? data/refresh/site-data.json',
    ]);
  });

  it("the workflow's approve input lets the month through and is recorded", async () => {
    const result = await commitStep(options({ DATA_APPROVAL: `2025-02: ${REASON}` }));
    expect(result.changed).toBe(true);
    const log = changeLogSchema.parse(
      JSON.parse(readFileSync(path.join(repo.root(), 'src/data/changes.json'), 'utf8')),
    );
    expect(log.entries[0]?.exceptions?.map((e) => [e.month, e.reason])).toEqual([
      ['2025-02', REASON],
    ]);
    // And in the data commit's message, with the findings it let through, as the log has them.
    const message = git('log', '-1', '--format=%B');
    expect(message).toContain(`Approved for 2025-02: "${REASON}".`);
    const findings = log.entries[0]?.exceptions?.[0]?.findings ?? [];
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) expect(message).toContain(`Finding let through: ${finding}.`);
  });

  it('a committed approval is in the data commit message with who gave it, its text inert on one line', async () => {
    const reason = `${REASON}\n::error::forged\x1b[2K`;
    write('data/approvals.json', {
      approvals: [{ month: '2025-02', reason, approvedBy: 'A. Person\nSigned-off-by: someone' }],
    });
    git('add', 'data/approvals.json');
    git('commit', '--quiet', '-m', 'approve February');
    expect((await commitStep(options())).changed).toBe(true);
    const message = git('log', '-1', '--format=%B');
    expect(message).toContain(
      `Approved for 2025-02 by "A. Person\\nSigned-off-by: someone": ` +
        `"${REASON}\\n::error::forged\\x1b[2K".`,
    );
    expect(message).not.toContain('\x1b');
    expect(
      message.split('\n').filter((l) => l.startsWith('Signed-off-by') || l.startsWith('::')),
    ).toEqual([]);
  });
});
