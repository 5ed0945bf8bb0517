// /datapackage.json: the Frictionless description of every published file (src/lib/open-data.ts).
import type { APIRoute } from 'astro';
import { dataPackageJson } from '../lib/open-data.ts';

export const GET: APIRoute = () =>
  new Response(dataPackageJson(), {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
