// /feed.xml: an Atom feed of what each data refresh changed (src/lib/feeds.ts).
import type { APIRoute } from 'astro';
import rawChanges from '../data/changes.json';
import { changeLogSchema } from '../shared/change-log.ts';
import { parseOrThrow } from '../shared/schema.ts';
import { atomFeed, atomResponse } from '../lib/atom.ts';
import { changesFeed } from '../lib/feeds.ts';
import { siteData } from '../lib/site-data.ts';

export const GET: APIRoute = () =>
  atomResponse(
    atomFeed(
      changesFeed(parseOrThrow(changeLogSchema, rawChanges, 'src/data/changes.json'), siteData),
    ),
  );
