// The gate's report in the GitHub job summary (pipeline/validate-cli.ts summaryMarkdown): a
// code block that text from the data cannot close; and its notes as warning annotations.
import { describe, expect, it } from 'vitest';
import { noteAnnotations, summaryMarkdown } from '../../pipeline/validate-cli.ts';
import { loadExpected } from '../../pipeline/gate-inputs.ts';
import { validateSiteData } from '../../pipeline/validate.ts';
import { committedSiteData, removeCrimes, totalOf, withoutMonth } from '../support/site-data.ts';

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

/** A workflow command's message as the runner reads it back (%0D, %0A and %25 unescaped). */
function unescapeData(data: string): string {
  return data.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
}

describe('noteAnnotations(notes)', () => {
  const PREFIX = '::warning title=Data validation note::';

  it('writes a real note of the gate as one warning annotation, its words as they are', async () => {
    const full = committedSiteData();
    const quietest = Math.min(...['2024-03', '2025-02'].map((m) => totalOf(full, m)));
    // 5% below the quietest reference month: passed, with a note asking to check the month.
    const cut = totalOf(full, '2025-03') - Math.round(quietest * 0.95);
    const report = validateSiteData({
      next: removeCrimes(full, '2025-03', cut),
      previous: withoutMonth(full, '2025-03'),
      expected: await loadExpected(),
    });
    expect(report.ok).toBe(true);
    const note = report.notes.find((n) => n.includes('below every reference month')) ?? '';
    expect(note).toContain("check that police.uk's month is complete");
    const lines = noteAnnotations(report.notes);
    expect(lines).toHaveLength(report.notes.length);
    // Its "±25%" is escaped as the runner reads a message, and read back as written.
    const line = lines.find((l) => l.includes('below every reference month')) ?? '';
    expect(line).toContain('%25');
    expect(line.startsWith(PREFIX)).toBe(true);
    expect(unescapeData(line.slice(PREFIX.length))).toBe(note);
  });

  it('keeps text from the data inside the one command: escaped as the runner reads it, inert as a log line', () => {
    const note =
      '2025-04 is new: 100% of "Hyde \x1b[2K\x9b2J"\r\n::error::forged\n##[error]forged, %0A kept';
    const [line, ...others] = noteAnnotations([note]);
    expect(others).toEqual([]);
    expect(line?.startsWith(PREFIX)).toBe(true);
    const data = (line ?? '').slice(PREFIX.length);
    // One line, no control character raw, no "::" or "##[" the runner would act on.
    // eslint-disable-next-line no-control-regex -- the characters that must not be raw
    expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(data).not.toContain('##[');
    // Read back, the message is the note with its control characters written out, its line
    // breaks kept as the annotation's, a "%0A" of its own still "%0A".
    expect(unescapeData(data).replaceAll('\u2060', '')).toBe(
      '2025-04 is new: 100% of "Hyde \\x1b[2K\\x9b2J"\r\n::error::forged\n##[error]forged, %0A kept',
    );
  });

  it('writes nothing without notes', () => {
    expect(noteAnnotations([])).toEqual([]);
  });
});
