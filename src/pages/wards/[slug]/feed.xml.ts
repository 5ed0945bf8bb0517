// /wards/<slug>/feed.xml: the ward's latest month as an Atom feed (src/lib/feeds.ts), dated
// by the change log.
import type { APIRoute, GetStaticPaths } from 'astro';
import { areaChangeLog } from '../../../lib/area.ts';
import { atomFeed, atomResponse } from '../../../lib/atom.ts';
import { wardFeed } from '../../../lib/feeds.ts';
import { wardPaths, siteData } from '../../../lib/site-data.ts';

export const getStaticPaths = wardPaths satisfies GetStaticPaths;

export const GET: APIRoute<{ index: number }> = ({ props }) =>
  atomResponse(atomFeed(wardFeed(siteData, areaChangeLog(), props.index)));
