import { describe, expect, it } from 'vitest';
import { SILENT, say, statusText, type StatusLine } from '../../../src/islands/status-line.ts';

/** The texts the page shows after each of `texts` is said in turn. */
function shown(texts: readonly string[]): string[] {
  let line: StatusLine = SILENT;
  return texts.map((text) => {
    line = say(line, text);
    return statusText(line);
  });
}

describe('say(line, text)', () => {
  it('changes the text shown at each saying of the same text, which reads the same', () => {
    const texts = shown([
      'LS6 1AA is in Headingley.',
      'LS6 1AA is in Headingley.',
      'LS6 1AA is in Headingley.',
    ]);
    for (const [i, text] of texts.entries()) {
      expect(text.trim(), `saying ${i + 1}`).toBe('LS6 1AA is in Headingley.');
      if (i > 0) expect(text, `saying ${i + 1}`).not.toBe(texts[i - 1]);
    }
  });

  it('shows a new text as it is, once marked or not', () => {
    expect(shown(['A.', 'B.'])).toEqual(['A.', 'B.']);
    expect(shown(['A.', 'A.', 'B.'])).toEqual(['A.', 'A.\u00a0', 'B.']);
  });

  it('empties the line for "", said again or not, and shows the text said after it as it is', () => {
    expect(shown(['', ''])).toEqual(['', '']);
    expect(shown(['A.', 'A.', '', 'A.'])).toEqual(['A.', 'A.\u00a0', '', 'A.']);
    const line = say(SILENT, '');
    expect(line).toBe(SILENT);
  });
});
