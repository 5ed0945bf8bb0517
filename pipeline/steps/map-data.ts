// Step: the map's data and the simplified ward outlines (public/data/).
import { cachedGeographyOutputs, geographyOutputsKey } from '../geography-outputs.ts';
import { buildMapData, buildWardShapes } from '../map-data.ts';
import { buildPostcodeIndex } from '../postcode-index.ts';
import { formatCount } from '../../src/shared/format-count.ts';
import { districtWords } from '../../src/shared/open-data.ts';
import type { LocalRun } from '../local-run.ts';
import type { Step } from '../run-context.ts';

export const mapDataStep: Step = {
  name: 'map-data',
  description: "the map's data, simplified ward outlines and the postcode index",
  run: runMapData,
};

async function runMapData(ctx: LocalRun): Promise<string> {
  const folds = await ctx.folded();
  const wards = await ctx.wards();
  const { geo } = ctx.geography;
  const { mapData } = buildMapData(folds.mapData, wards, districtWords(ctx.area.config));
  const postcodeYear = ctx.area.config.postcodes?.copyrightYear ?? null;
  const { copyrightYear: boundariesYear, wards: wardsFile } = ctx.area.config.boundaries;
  const { shapes, postcodes } = await cachedGeographyOutputs(
    ctx.paths.geographyOutputsCache,
    geographyOutputsKey(ctx.geography.fingerprint, wards, postcodeYear, boundariesYear),
    () => ({
      shapes: buildWardShapes(geo.wards, wards, boundariesYear, wardsFile.file),
      postcodes: buildPostcodeIndex(
        geo.postcodes,
        geo.wards,
        wards,
        geo.projection,
        postcodeYear,
        boundariesYear,
      ),
    }),
  );
  await ctx.staging.writeFile(ctx.paths.mapData, mapData);
  await ctx.staging.writeFile(ctx.paths.wardShapes, shapes);
  await ctx.staging.writeFile(ctx.paths.postcodeIndex, postcodes.text);
  return (
    `${formatCount(mapData.length)} bytes of map data, ${wards.length} ward outlines, ` +
    `${formatCount(postcodes.indexed)} postcodes for the place search ` +
    `(${formatCount(postcodes.outsideWards)} postcodes outside the ${ctx.area.config.localAuthority.name} wards left out)`
  );
}
