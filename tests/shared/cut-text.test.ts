// cutText: text from outside cut short for a message (the pipeline's errors and logs, the
// map's notes on a link) cuts between characters, never inside one.
import { describe, expect, it } from 'vitest';
import { cutText } from '../../src/shared/cut-text.ts';
import { LONE_SURROGATE } from '../support/lone-surrogate.ts';

describe('cutText(text, maxChars)', () => {
  it('leaves text of at most maxChars characters as it is', () => {
    expect(cutText('abc', 3)).toBe('abc');
    expect(cutText('', 3)).toBe('');
    // Three characters, six UTF-16 code units: still short enough.
    expect(cutText('😀🌍🎉', 3)).toBe('😀🌍🎉');
  });

  it('cuts longer text to its first maxChars - 1 characters and "…"', () => {
    expect(cutText('abcdef', 4)).toBe('abc…');
  });

  it.each([
    ['an emoji', '😀'],
    ['a CJK extension B character', '𠮷'],
    ['a mathematical letter', '𝒜'],
  ])('keeps %s at the cut whole, or leaves it out whole', (_what, astral) => {
    for (let at = 0; at < 6; at++) {
      const text = `${'x'.repeat(at)}${astral.repeat(10)}`;
      for (let maxChars = 2; maxChars < 8; maxChars++) {
        const cut = cutText(text, maxChars);
        expect(cut).not.toMatch(LONE_SURROGATE);
        expect([...cut]).toHaveLength(maxChars);
        expect(cut).toBe(`${[...text].slice(0, maxChars - 1).join('')}…`);
      }
    }
  });
});
