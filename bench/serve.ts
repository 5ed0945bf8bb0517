// A static file server on 127.0.0.1 for the built site, compressing text the way a static
// host does (brotli or gzip by Accept-Encoding), so the browser receives what a visitor would.
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.woff2': 'font/woff2',
};
/** Already compressed (images, fonts, .gz data): sent as they are. */
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.geojson',
  '.svg',
  '.txt',
  '.xml',
]);

/** Brotli quality 11 and gzip level 9: what a host precompressing static files sends. */
export function compressBoth(bytes: Uint8Array): { gzip: Buffer; brotli: Buffer } {
  return {
    gzip: gzipSync(bytes, { level: 9 }),
    brotli: brotliCompressSync(bytes, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  };
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serve `root` (a built site) on 127.0.0.1 at a free port. Directory URLs serve index.html. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const cache = new Map<string, { gzip: Buffer; brotli: Buffer }>();
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      let file = path.join(root, decodeURIComponent(url.pathname));
      if (!file.startsWith(root)) {
        response.writeHead(403).end();
        return;
      }
      const info = await stat(file).catch(() => null);
      if (info?.isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file).catch(() => null);
      if (body === null) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end(`Not found: ${url.pathname}`);
        return;
      }
      const ext = path.extname(file);
      const headers: Record<string, string> = {
        'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
      };
      const accepts = String(request.headers['accept-encoding'] ?? '');
      if (COMPRESSIBLE.has(ext) && /\b(br|gzip)\b/.test(accepts)) {
        let compressed = cache.get(file);
        if (!compressed) {
          compressed = compressBoth(body);
          cache.set(file, compressed);
        }
        const useBrotli = /\bbr\b/.test(accepts);
        headers['content-encoding'] = useBrotli ? 'br' : 'gzip';
        headers['vary'] = 'accept-encoding';
        response.writeHead(200, headers).end(useBrotli ? compressed.brotli : compressed.gzip);
        return;
      }
      response.writeHead(200, headers).end(body);
    })().catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
