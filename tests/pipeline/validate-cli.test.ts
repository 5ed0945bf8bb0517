// The gate's report in the GitHub job summary (pipeline/validate-cli.ts summaryMarkdown): a
// code block that text from the data cannot close.
import { describe, expect, it } from 'vitest';
import { summaryMarkdown } from '../../pipeline/validate-cli.ts';

/** The body of the summary's code block, read as Markdown reads a fenced block. */
function block(markdown: string): string | null {
  const lines = markdown.split('\n');
  const open = lines.findIndex((l) => /^`{3,}$/.test(l));
  if (open < 0) return null;
  const fence = lines[open] as string;
  // A fenced block ends at a line of at least as many backticks as opened it, and nothing else.
  const close = lines.findIndex((l, i) => i > open && /^`+$/.test(l) && l.length >= fence.length);
  return close < 0 ? null : lines.slice(open + 1, close).join('\n');
}

describe('summaryMarkdown(text)', () => {
  it('holds a plain report in a block of three backticks', () => {
    const text = 'Validation passed.\n  2025-03 added';
    expect(summaryMarkdown(text)).toBe(`### Data validation\n\n\`\`\`\n${text}\n\`\`\`\n`);
    expect(block(summaryMarkdown(text))).toBe(text);
  });

  it.each([
    ['a fence of three', '[revision] ward ```\n# Injected heading\n```'],
    ['a longer fence', 'On or near ``````\n[link](https://example.invalid)'],
    ['a fence alone on its line', 'before\n```\nafter'],
  ])('keeps %s from the data inside the block', (_what, text) => {
    expect(block(summaryMarkdown(text))).toBe(text);
  });

  it("writes out the data's control characters, as the log does, keeping the report's lines", () => {
    const text =
      '[missing-force] 2025-04, crimes reported by \x1b[31mRed\x1b[0m \x1b]8;;https://x.invalid\x07link\x1b]8;;\x07\r\nnext line';
    const body = block(summaryMarkdown(text));
    expect(body).toBe(
      '[missing-force] 2025-04, crimes reported by \\x1b[31mRed\\x1b[0m ' +
        '\\x1b]8;;https://x.invalid\\x07link\\x1b]8;;\\x07\\x0d\nnext line',
    );
    const controls = [...(body ?? '')].filter((c) => c !== '\n' && (c < ' ' || c === '\x7f'));
    expect(controls).toEqual([]);
  });
});
