// The settings the workflows take from AREA (pipeline/workflow-settings.ts): the code's own
// folders and files for the district, and nothing a $GITHUB_OUTPUT line could not hold.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { approvalsPath } from '../../pipeline/approvals.ts';
import { refreshStageDir } from '../../pipeline/refresh-steps.ts';
import { main } from '../../pipeline/workflow-settings-cli.ts';
import { outputLines, workflowSettings } from '../../pipeline/workflow-settings.ts';

const AREAS = ['leeds', 'sheffield'];
afterEach(() => {
  vi.restoreAllMocks();
});

describe('workflowSettings(root, env)', () => {
  it.each(AREAS)(
    "gives %s's slug, name, staging folder and approvals as the refresh has them",
    async (area) => {
      const config = JSON.parse(readFileSync(`data/areas/${area}/area.json`, 'utf8'));
      expect(await workflowSettings('.', { AREA: area })).toEqual({
        area,
        name: config.localAuthority.name,
        'refresh-dir': refreshStageDir(area),
        approvals: approvalsPath(area),
        'default-area': area === 'leeds' ? 'true' : 'false',
      });
    },
  );

  it('refuses a district whose name would end its output line and set another', async () => {
    const settings = await workflowSettings('.', { AREA: 'sheffield' });
    expect(outputLines(settings)).toMatch(/^name=Sheffield$/m);
    for (const name of ['Sheffield\nrefresh-dir=/tmp', 'Shef\rfield', 'Shef\u2028field']) {
      expect(() => outputLines({ ...settings, name })).toThrow(
        /The name of area sheffield holds a line break or another control character [\s\S]*Write it on one line in its area\.json/,
      );
    }
  });
});

describe('npm run workflow-settings', () => {
  it('prints one NAME=value line a setting, for $GITHUB_OUTPUT', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main([], { AREA: 'sheffield' })).toBe(0);
    const lines = String(out.mock.calls.map((c) => c[0]).join('')).split('\n');
    expect(lines).toContain('refresh-dir=data/areas/sheffield/refresh');
    expect(lines).toContain('name=Sheffield');
  });

  it('fails naming the districts there, and prints nothing to take, for an unknown one', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main([], { AREA: 'york' })).toBe(1);
    expect(out).not.toHaveBeenCalled();
    expect(String(err.mock.calls[0]?.[0])).toMatch(
      /^workflow-settings: AREA names the district .*No area "york".*Areas here: leeds, sheffield/,
    );
  });

  it('refuses an argument it does not know (exit 2)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['--area', 'sheffield'], {})).toBe(2);
  });
});
