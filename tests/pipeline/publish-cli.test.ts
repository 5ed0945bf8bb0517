// Which outputs `npm run complete-publish` completes: the folder the site build reads.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { completePublishPaths } from '../../pipeline/publish-cli.ts';

describe('completePublishPaths(flags, env)', () => {
  it("is the repository's own outputs for the default area", () => {
    const paths = completePublishPaths({}, {});
    expect(paths.publishJournal).toBe(path.resolve('data', 'processed', 'publish-journal.json'));
    expect(paths.siteData).toBe(path.resolve('src', 'data', 'site-data.json'));
  });

  it('is data/areas/<slug>/output for AREA=<slug>, where `AREA=<slug> npm run build` reads', () => {
    const paths = completePublishPaths({}, { AREA: 'sheffield' });
    const output = path.resolve('data', 'areas', 'sheffield', 'output');
    expect(paths.publishJournal).toBe(path.join(output, 'publish-journal.json'));
    expect(paths.siteData).toBe(path.join(output, 'site-data.json'));
  });

  it('is AREA_DATA_DIR when set, for any area', () => {
    for (const AREA of ['leeds', 'sheffield']) {
      const paths = completePublishPaths({}, { AREA, AREA_DATA_DIR: 'some/out' });
      expect(paths.siteData, AREA).toBe(path.resolve('some', 'out', 'site-data.json'));
    }
  });

  it('prefers --out, then --area, to the environment', () => {
    const env = { AREA: 'sheffield', AREA_DATA_DIR: 'some/out' };
    expect(completePublishPaths({ out: 'other' }, env).siteData).toBe(
      path.resolve('other', 'site-data.json'),
    );
    expect(completePublishPaths({ area: 'bradford' }, env).siteData).toBe(
      path.resolve('data', 'areas', 'bradford', 'output', 'site-data.json'),
    );
  });
});
