// Step: download new or revised months and the polling districts (pipeline/sources/).
import { pollingDistrictFields } from '../../src/shared/area.ts';
import type { NetworkStep } from '../run-context.ts';

export const fetchStep: NetworkStep = {
  name: 'fetch',
  description:
    'download new or revised months (police.uk archives, else API) and polling districts',
  network: true,
  run: async (ctx) => {
    // It saves months and polling districts: the local steps read them after it.
    // The network sources are loaded here: an offline run, which skips this step, never
    // loads them.
    const { runFetchStep } = await import('../sources/fetch-step.ts');
    // Read before the first step (run-context.ts): the outline the polling districts must lie in.
    const { geography } = await ctx.geography();
    const { localAuthority, boundaries, pollingDistricts } = ctx.area.config;
    return runFetchStep(ctx.options.fetch ?? {}, {
      sources: ctx.paths.sources,
      outlineFile: ctx.area.files.outline,
      forces: ctx.area.config.forces,
      pollingDistricts:
        pollingDistricts === null
          ? null
          : { url: pollingDistricts.url, fields: pollingDistrictFields(pollingDistricts) },
      district: {
        name: localAuthority.name,
        outline: geography.outline,
        outlineFile: boundaries.outline.file,
      },
      log: (message) => ctx.reporter.info(`  ${message}`),
      note: (text) => ctx.note(text),
      downloads: ctx.options.downloads,
    });
  },
};
