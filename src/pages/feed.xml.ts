// /feed.xml: an Atom feed of what each data refresh changed (src/lib/feeds.ts).
import type { APIRoute } from 'astro';
import { areaChangeLog } from '../lib/area.ts';
import { atomFeed, atomResponse } from '../lib/atom.ts';
import { changesFeed } from '../lib/feeds.ts';
import { siteData } from '../lib/site-data.ts';

export const GET: APIRoute = () => atomResponse(atomFeed(changesFeed(areaChangeLog(), siteData)));
