// The line the benchmark logs for a section that failed: a child's output quoted in the error
// (here a site build's, quoting a data file) reaches the terminal or the runner inert.
import { describe, expect, it } from 'vitest';
import { sectionError, sectionFailureLine } from '../../bench/section-failure.ts';

/** Lines the runner would read as a workflow command: "::" at the start, "##[" anywhere. */
const COMMAND = /^\s*::|##\[/;

describe('sectionFailureLine(name, message)', () => {
  it("shows a child's terminal escapes and breaks its workflow commands", () => {
    const output =
      'src/data/site-data.json: ward "Hyde \x1b[2K\r\x9b2J"\n::error::forged\n  ##[warning]forged';
    const error = new Error(`npm run build in /tmp/site exited with code 1:\n${output}`);
    const line = sectionFailureLine('Site build', sectionError(error));
    expect(line.split('\n').filter((l) => COMMAND.test(l))).toEqual([]);
    // eslint-disable-next-line no-control-regex -- what must not be printed
    expect(line.match(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g)).toBeNull();
    expect(line.replaceAll('\u2060', '')).toBe(
      [
        '   Site build FAILED: Error: npm run build in /tmp/site exited with code 1:',
        '   src/data/site-data.json: ward "Hyde \\x1b[2K\\x0d\\x9b2J"',
        '   ::error::forged',
        '     ##[warning]forged',
        ...(error.stack ?? '')
          .split('\n')
          .slice(4, 12)
          .map((frame) => `   ${frame}`),
      ].join('\n'),
    );
  });
});
