// The 33 wards (wards.ts) cached on disk: deriving them intersects LSOA and ward polygons,
// about a second, while they change only with the reference geography or the code. The
// cache holds the wards with the key they were built under; any other key rebuilds them.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { wardSchema, type Ward } from '../src/shared/schema.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import type { CentreDefinition } from '../src/shared/area.ts';
import { writeFileAtomic } from './write.ts';

const wardCacheSchema = z.object({ key: z.string(), wards: z.array(wardSchema) });

/** The code the wards depend on: the geography as loaded, and what derives the wards from it. */
export const WARD_ENTRIES = ['pipeline/geo-context.ts', 'pipeline/wards.ts'] as const;

/** What the wards depend on: the geography (its fingerprint) and the code (WARD_ENTRIES). */
export function wardCacheKey(geographyFingerprint: string, centre: CentreDefinition): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        code: codeFingerprint(WARD_ENTRIES),
        geography: geographyFingerprint,
        centre,
      }),
    )
    .digest('hex');
}

/** The wards cached in `file` under `key`, else `build()`'s, saved there for the next run. */
export async function cachedWards(file: string, key: string, build: () => Ward[]): Promise<Ward[]> {
  try {
    const cached = wardCacheSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (cached.success && cached.data.key === key) return cached.data.wards;
  } catch {
    // Missing or damaged: build them again.
  }
  const wards = build();
  await writeFileAtomic(file, `${JSON.stringify({ key, wards })}\n`);
  return wards;
}
