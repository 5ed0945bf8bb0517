// The map step's outputs that depend only on the geography and the wards, cached on disk like
// the wards (ward-cache.ts): the simplified ward outlines (simplifying every ward polygon) and
// the place search's postcode index (every LS postcode placed in its ward), some 0.3-0.5 s of
// a monthly run that otherwise changes only the map data. The cache holds them with the key
// they were built under; any other key builds them again.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Ward } from '../src/shared/schema.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import type { PostcodeIndexResult } from './postcode-index.ts';
import { writeFileAtomic } from './write.ts';

/** The code the outputs depend on: what builds them from the geography and the wards. */
export const GEOGRAPHY_OUTPUT_ENTRIES = [
  'pipeline/map-data.ts',
  'pipeline/postcode-index.ts',
] as const;

export interface GeographyOutputs {
  /** The ward outlines' GeoJSON text (map-data.ts buildWardShapes). */
  shapes: string;
  postcodes: PostcodeIndexResult;
}

const cacheSchema = z.object({
  key: z.string(),
  shapes: z.string(),
  postcodes: z.object({ text: z.string(), indexed: z.number(), outsideWards: z.number() }),
});

/** What the outputs depend on: the geography (its fingerprint), the wards and the code. */
export function geographyOutputsKey(
  geographyFingerprint: string,
  wards: readonly Ward[],
  postcodeYear: number | null,
  boundariesYear: number,
): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        code: codeFingerprint(GEOGRAPHY_OUTPUT_ENTRIES),
        geography: geographyFingerprint,
        wards,
        // The index's and the outlines' notices carry them (area.json, not a reference file).
        postcodeYear,
        boundariesYear,
      }),
    )
    .digest('hex');
}

/** The outputs cached in `file` under `key`, else `build()`'s, saved there for the next run. */
export async function cachedGeographyOutputs(
  file: string,
  key: string,
  build: () => GeographyOutputs,
): Promise<GeographyOutputs> {
  try {
    const cached = cacheSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (cached.success && cached.data.key === key) {
      const { shapes, postcodes } = cached.data;
      return { shapes, postcodes };
    }
  } catch {
    // Missing or damaged: build them again.
  }
  const outputs = build();
  await writeFileAtomic(file, `${JSON.stringify({ key, ...outputs })}\n`);
  return outputs;
}
