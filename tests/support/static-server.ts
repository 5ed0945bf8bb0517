// A static file server on 127.0.0.1 for the built site (dist/), compressing text the way a
// static host does. The benchmark measures with the same server, so tests and benchmark see
// the site as a visitor would.
export { serveStatic, type StaticServer } from '../../bench/serve.ts';
