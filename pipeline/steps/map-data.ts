// Step: the map's data and the simplified ward outlines (public/data/).
import { buildMapData, buildWardShapes } from '../map-data.ts';
import { formatCount } from '../report.ts';
import type { RunContext, Step } from '../run-context.ts';

export const mapDataStep: Step = {
  name: 'map-data',
  description: "the map's data and simplified ward outlines",
  run: runMapData,
};

async function runMapData(ctx: RunContext): Promise<string> {
  const summaries = (await ctx.months()).map((m) => m.summary);
  const wards = await ctx.wards();
  const { geo } = await ctx.geography();
  const { mapData } = buildMapData(summaries, wards);
  const shapes = buildWardShapes(geo.wards, wards);
  await ctx.staging.writeFile(ctx.paths.mapData, mapData);
  await ctx.staging.writeFile(ctx.paths.wardShapes, shapes);
  return `${formatCount(mapData.length)} bytes of map data, ${wards.length} ward outlines`;
}
