import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellWord } from '../../src/shared/shell-word.ts';

/** What a POSIX shell makes of `word` as the one argument of a command. */
function asShellReadsIt(word: string): string {
  return execFileSync('sh', ['-c', `printf '%s' ${word}`], { encoding: 'utf8' });
}

describe('shellWord(text)', () => {
  it.each([
    'data/areas/sheffield/output',
    '/srv/crime-data/out_2025.v2',
    'user@host:path,a=b+c%20',
  ])('leaves a plain word as it is: %s', (text) => {
    expect(shellWord(text)).toBe(text);
    expect(asShellReadsIt(shellWord(text))).toBe(text);
  });

  it.each([
    "/srv/Tom's crime data",
    'two  spaces',
    '$HOME/`id`/$(id)',
    'a;b&c|d>e<f',
    '*.csv?',
    "''",
    'line\nbreak',
    'Dŵr café/ŵ',
    '!history',
    '',
  ])('quotes any other text so that a shell reads it back whole: %j', (text) => {
    expect(asShellReadsIt(shellWord(text))).toBe(text);
  });
});
