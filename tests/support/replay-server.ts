// A real HTTP server on 127.0.0.1 for network tests: scripted answers per route, files served
// with or without Range support, and faults on demand (statuses, Retry-After, a hang past the
// client's timeout, a connection cut mid-body, a body trickled a byte at a time). It records every request and the body bytes
// it sent, so tests can assert what a client cost.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  /** Path and query, as sent. */
  url: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
  /** Body bytes written to the socket for this request. */
  bytesSent: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  /** Wait this long before answering (to trip the client's timeout). */
  delayMs?: number;
  /** Send the headers and this many body bytes, then destroy the connection. */
  cutAfterBytes?: number;
  /**
   * Send the body a byte at a time, this many ms apart: a server that keeps answering, each
   * byte within the client's idle timeout, but would take for ever.
   */
  trickleMs?: number;
  /**
   * Send no Content-Length and no chunks: the body ends where the connection closes (HTTP/1.1
   * allows it), so a connection cut (cutAfterBytes) looks like the body's end.
   */
  unframed?: boolean;
  /** Send no Content-Length: the body goes chunked, as from a server that streams it. */
  unsized?: boolean;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface FileOptions {
  /** Answer Range requests with 206 (default true); false sends the whole file with 200. */
  ranges?: boolean;
  etag?: string;
  lastModified?: string;
  /**
   * Answer a range with at most this many bytes, and a Content-Range that says so (a server
   * may send less than was asked, as some proxies and object stores do).
   */
  maxRangeBytes?: number;
  /** Say "*" for the file's size in each Content-Range (RFC 9110 allows a size not stated). */
  sizeUnstated?: boolean;
  /**
   * Honour If-Range (default true): a range whose condition does not name the file as served
   * gets the whole file (200). False answers the range whatever the condition, as a server that
   * does not know the header.
   */
  ifRange?: boolean;
  /**
   * Faults for the next GETs of this file, one per request, in order. `shortBy` sends a
   * complete answer that holds that many bytes fewer than its Content-Range says (its
   * Content-Length matches what is sent, so only the range tells). `ignoreRange` answers a
   * Range request with the whole file (200), as a server or proxy may; `rangeShiftedBy` answers
   * it from that many bytes after the one asked, with a Content-Range that says so;
   * `trickleMs` sends its body a byte at a time, that many ms apart (see Reply);
   * `contentRange` answers a range with this Content-Range instead of the true one (null: none).
   */
  faults?: {
    cutAfterBytes?: number;
    trickleMs?: number;
    status?: number;
    shortBy?: number;
    ignoreRange?: boolean;
    rangeShiftedBy?: number;
    contentRange?: string | null;
  }[];
}

export class ReplayServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Handler>();

  private readonly server: Server;
  readonly url: string;

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
  }

  static async start(): Promise<ReplayServer> {
    const holder: { instance?: ReplayServer } = {};
    const server = createServer((req, res) => {
      void holder.instance?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.instance = new ReplayServer(server, `http://127.0.0.1:${port}/`);
    return holder.instance;
  }

  /** Answer `method path` with `handler`, or with the replies in turn (the last one repeats). */
  route(method: string, path: string, handler: Handler | Reply[]): this {
    if (Array.isArray(handler)) {
      const queue = [...handler];
      this.routes.set(
        `${method} ${path}`,
        () => (queue.length > 1 ? queue.shift() : queue[0]) ?? {},
      );
    } else {
      this.routes.set(`${method} ${path}`, handler);
    }
    return this;
  }

  /** Serve `data` at `path` for HEAD and GET, honouring Range unless told not to. */
  file(path: string, data: Buffer, options: FileOptions = {}): this {
    const faults = [...(options.faults ?? [])];
    const common: Record<string, string> = {
      'content-type': 'application/zip',
      ...(options.ranges === false ? {} : { 'accept-ranges': 'bytes' }),
      ...(options.etag ? { etag: options.etag } : {}),
      ...(options.lastModified ? { 'last-modified': options.lastModified } : {}),
    };
    this.route('HEAD', path, () => ({
      headers: { ...common, 'content-length': String(data.length) },
    }));
    this.route('GET', path, (request) => {
      const fault = faults.shift();
      if (fault?.status) return { status: fault.status };
      const range =
        options.ranges === false || fault?.ignoreRange || !ifRangeHolds(request, options)
          ? undefined
          : parseRange(request.headers.range, data.length);
      if (range === 'unsatisfiable') {
        return { status: 416, headers: { 'content-range': `bytes */${data.length}` } };
      }
      const [askedStart, asked] = range ?? [0, data.length - 1];
      const start = Math.min(askedStart + (fault?.rangeShiftedBy ?? 0), asked);
      const end =
        range && options.maxRangeBytes !== undefined
          ? Math.min(asked, start + options.maxRangeBytes - 1)
          : asked;
      return {
        status: range ? 206 : 200,
        headers: {
          ...common,
          ...(range && fault?.contentRange !== null
            ? {
                'content-range':
                  fault?.contentRange ??
                  `bytes ${start}-${end}/${options.sizeUnstated ? '*' : data.length}`,
              }
            : {}),
        },
        body: data.subarray(start, end + 1 - (fault?.shortBy ?? 0)),
        ...(fault?.cutAfterBytes !== undefined ? { cutAfterBytes: fault.cutAfterBytes } : {}),
        ...(fault?.trickleMs !== undefined ? { trickleMs: fault.trickleMs } : {}),
      };
    });
    return this;
  }

  /** Requests whose path is `path` (all when omitted). */
  requestsTo(path?: string): RecordedRequest[] {
    return path === undefined ? this.requests : this.requests.filter((r) => r.path === path);
  }

  bytesSent(path?: string): number {
    return this.requestsTo(path).reduce((sum, r) => sum + r.bytesSent, 0);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const parsed = new URL(req.url ?? '/', this.url);
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname,
      url: req.url ?? '/',
      query: parsed.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      status: 0,
      bytesSent: 0,
    };
    this.requests.push(request);
    const handler = this.routes.get(`${request.method} ${request.path}`);
    const reply: Reply = handler ? await handler(request) : { status: 404, body: 'no such route' };
    if (reply.delayMs) {
      await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (res.destroyed) return;
    }
    const body =
      reply.body === undefined
        ? Buffer.alloc(0)
        : typeof reply.body === 'string' || Buffer.isBuffer(reply.body)
          ? Buffer.from(reply.body)
          : Buffer.from(JSON.stringify(reply.body));
    request.status = reply.status ?? 200;
    const headers: Record<string, string> = {
      ...(reply.body !== undefined && typeof reply.body !== 'string' && !Buffer.isBuffer(reply.body)
        ? { 'content-type': 'application/json' }
        : {}),
      ...reply.headers,
    };
    if (request.method === 'HEAD') {
      res.writeHead(request.status, headers);
      res.end();
      return;
    }
    if (reply.unframed) res.useChunkedEncodingByDefault = false;
    res.writeHead(request.status, {
      ...(reply.unframed || reply.unsized ? {} : { 'content-length': String(body.length) }),
      ...headers,
    });
    if (reply.cutAfterBytes !== undefined && reply.cutAfterBytes < body.length) {
      const part = body.subarray(0, reply.cutAfterBytes);
      request.bytesSent += part.length;
      res.write(part, () => res.socket?.destroy());
      return;
    }
    if (reply.trickleMs !== undefined) {
      for (const byte of body) {
        if (res.destroyed) return;
        request.bytesSent += 1;
        res.write(Buffer.of(byte));
        await new Promise((resolve) => setTimeout(resolve, reply.trickleMs));
      }
      res.end();
      return;
    }
    request.bytesSent += body.length;
    res.end(body);
  }
}

/**
 * Whether a request's If-Range (RFC 9110 13.1.5) names the file as served: its strong ETag or
 * its Last-Modified. A request without one holds; one that does not hold gets the whole file.
 * An ETag not in quotes is no entity-tag (RFC 9110 8.8.3): a condition giving it is read as a
 * date, as a server reads it, and does not hold.
 */
function ifRangeHolds(request: RecordedRequest, options: FileOptions): boolean {
  const condition = request.headers['if-range'];
  if (condition === undefined || options.ifRange === false) return true;
  const strongEtag = options.etag !== undefined && options.etag.startsWith('"');
  return (strongEtag && condition === options.etag) || condition === options.lastModified;
}

function parseRange(
  header: string | undefined,
  size: number,
): [number, number] | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  }
  return start > end || start >= size ? 'unsatisfiable' : [start, end];
}
