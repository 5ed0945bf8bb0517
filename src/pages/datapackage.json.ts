// /datapackage.json: the Frictionless description of every published file (src/lib/open-data.ts).
import type { APIRoute } from 'astro';
import { dataPackage, downloadsManifest } from '../lib/open-data.ts';
import { siteData } from '../lib/site-data.ts';
import { areaChangeLog } from '../lib/area.ts';

export const GET: APIRoute = () =>
  new Response(
    `${JSON.stringify(dataPackage(siteData, downloadsManifest, areaChangeLog()), null, 2)}\n`,
    {
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    },
  );
