// The yardstick (bench/read-split.ts), run and measured in its own process like the pipeline.
import { z } from 'zod';
import { parseOrThrow } from '../src/shared/schema.ts';
import { runMeasured, type ChildMeasurement } from './child.ts';

const countSchema = z.object({
  files: z.number(),
  bytes: z.number(),
  rows: z.number(),
  fields: z.number(),
});

export interface ReadSplitRun extends ChildMeasurement, z.infer<typeof countSchema> {}

/** `node bench/read-split.ts <archiveDir>`, measured. */
export async function runReadSplit(archiveDir: string): Promise<ReadSplitRun> {
  const measured = await runMeasured('bench/read-split.ts', [archiveDir]);
  const count = parseOrThrow(
    countSchema,
    JSON.parse(measured.stdout),
    'bench/read-split.ts output',
  );
  return { ...measured, ...count };
}
