// Vitest global setup of the browser tests: build the site once per run into dist/ and serve
// it on 127.0.0.1. Tests read the address with inject('siteUrl').
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildSite } from '../support/astro-build.ts';
import { serveStatic } from '../support/static-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
  }
}

export const DIST_DIR = path.resolve('dist');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await buildSite();
  const server = await serveStatic(DIST_DIR);
  project.provide('siteUrl', server.url);
  return () => server.close();
}
