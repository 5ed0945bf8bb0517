// The site's data, validated once when the build first imports it. Every page reads it here.
import raw from '../data/site-data.json';
import { parseOrThrow, siteDataSchema, type SiteData } from '../shared/schema.ts';

export const siteData: SiteData = parseOrThrow(
  siteDataSchema,
  raw,
  'src/data/site-data.json (run `npm run pipeline -- --offline` to rebuild it)',
);
