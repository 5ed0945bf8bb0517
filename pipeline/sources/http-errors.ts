// What an HTTP request can fail with, and the words for it: which failures are transient
// (retried) and which are not, and how a URL and an error read in a log line.
import type { z } from 'zod';
import { logSafe, oneLine } from '../log-safe.ts';

/** Long polygon URLs make unreadable log lines; keep the start, which says what was asked. */
const LOGGED_URL_MAX_CHARS = 160;
/** Problems named in a message: a page of a thousand features may have one each. */
const SHAPE_PROBLEMS_SHOWN = 3;

/** A response with a status the caller did not accept. */
export class HttpStatusError extends Error {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** The Retry-After header as sent, when there was one. */
  readonly retryAfter: string | undefined;
  /** How long Retry-After asks to wait, when it could be read. */
  readonly retryAfterMs: number | undefined;

  constructor(
    method: string,
    url: string,
    status: number,
    retryAfter: string | undefined,
    retryAfterMs: number | undefined,
  ) {
    super(`${method} ${shortUrl(url)} answered HTTP ${status}`);
    this.method = method;
    this.url = url;
    this.status = status;
    this.retryAfter = retryAfter;
    this.retryAfterMs = retryAfterMs;
    this.name = 'HttpStatusError';
  }

  get transient(): boolean {
    return transientStatus(this.status);
  }
}

/** 408, 429 and 5xx may succeed if asked again; other statuses will not. */
export function transientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** The HttpStatusError of `response`, an answer to `method url`, with its Retry-After read. */
export function statusError(method: string, url: string, response: Response): HttpStatusError {
  const retryAfter = response.headers.get('retry-after');
  return new HttpStatusError(
    method,
    url,
    response.status,
    retryAfter ?? undefined,
    parseRetryAfter(retryAfter, Date.now()),
  );
}

/**
 * A transient status whose Retry-After asks for a longer wait than a run gives it: asking again
 * sooner would be refused again (or count against us), so the request fails at once.
 */
export class HttpRetryAfterTooLong extends Error {
  constructor(answer: HttpStatusError, limitMs: number) {
    const waitS = Math.ceil((answer.retryAfterMs ?? 0) / 1000);
    super(
      `${answer.method} ${shortUrl(answer.url)} answered HTTP ${answer.status} with ` +
        `Retry-After "${logSafe(answer.retryAfter ?? '')}": a wait of ${waitS} s, longer than ` +
        `the ${limitMs / 1000} s a run waits for. Run again after that time.`,
      { cause: answer },
    );
    this.name = 'HttpRetryAfterTooLong';
  }
}

/** Nothing arrived for `timeoutMs`, either before the headers or between two body chunks. */
export class HttpTimeoutError extends Error {
  constructor(method: string, url: string, timeoutMs: number) {
    super(`${method} ${shortUrl(url)} timed out: nothing received for ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

/**
 * The request, from its sending to its body's last byte, took longer than its deadline: the
 * server answers, but so slowly (a byte every few seconds) that the idle timeout never trips.
 */
export class HttpDeadlineError extends Error {
  constructor(method: string, url: string, deadlineMs: number, bytesReceived: number) {
    super(
      `${method} ${shortUrl(url)} took longer than the ${formatDuration(deadlineMs)} a request ` +
        `may take (${bytesReceived} body byte${bytesReceived === 1 ? '' : 's'} received): the ` +
        'server answers too slowly',
    );
    this.name = 'HttpDeadlineError';
  }
}

/** A duration as a message gives it: "900 ms", "15 min", "1 h 5 min". */
function formatDuration(ms: number): string {
  if (ms < 60_000) return `${ms} ms`;
  const minutes = Math.ceil(ms / 60_000);
  return minutes < 60
    ? `${minutes} min`
    : `${Math.floor(minutes / 60)} h${minutes % 60 > 0 ? ` ${minutes % 60} min` : ''}`;
}

/** The connection failed or was cut (refused, reset, closed mid-body). */
export class HttpNetworkError extends Error {
  /** The URL whose connection failed: `url`, or where a redirect sent it. */
  readonly target: string;

  constructor(method: string, url: string, cause: unknown, target = url) {
    super(
      `${method} ${shortUrl(url)}${redirectedTo(url, target)} lost its connection: ` +
        describeError(cause),
      { cause },
    );
    this.name = 'HttpNetworkError';
    this.target = target;
  }
}

/**
 * The error codes of the decoders fetch runs on a body by its Content-Encoding: zlib's (gzip,
 * deflate: "Z_DATA_ERROR"), brotli's ("ERR__ERROR_FORMAT_…", "ERR_BROTLI_…") and zstd's
 * ("ZSTD_error_…").
 */
const DECODER_CODE = /^(Z_|ERR__ERROR_|ERR_BROTLI|ZSTD_error)/;

/** The decoder's error in the error's cause chain, when a body could not be decoded. */
export function decodingFailure(error: unknown): Error | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && DECODER_CODE.test(code)) return e;
    e = e.cause;
  }
  return undefined;
}

/**
 * The body arrived but cannot be decoded as its Content-Encoding says (a damaged gzip, say): a
 * fault of the server or of a proxy on the way, not a lost connection. Retried, since another
 * node may answer the next request, but named for what it is.
 */
export class HttpUndecodableBody extends Error {
  constructor(method: string, url: string, encoding: string, decoderError: Error, target = url) {
    const code = (decoderError as { code?: unknown }).code;
    super(
      `${method} ${shortUrl(url)}${redirectedTo(url, target)} answered with a body that cannot ` +
        `be decoded as its Content-Encoding "${logSafe(encoding)}" says ` +
        `(${decoderError.message} [${String(code)}]): the server, or a proxy on the way, sent ` +
        'it damaged. Run again later; if it fails the same way, report it to whoever runs ' +
        'that server',
      { cause: decoderError },
    );
    this.name = 'HttpUndecodableBody';
  }
}

/** fetch's parser error in the error's cause chain, when an answer was not valid HTTP. */
export function parserFailure(error: unknown): Error | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; depth += 1) {
    if (e.name === 'HTTPParserError') return e;
    e = e.cause;
  }
  return undefined;
}

/**
 * The answer, its headers or its body, broke HTTP's rules (an empty Content-Length, a chunk
 * size that is not a number): a fault of the server or of a proxy on the way, not a lost
 * connection. Retried, since another node may answer the next request, but named for what it is.
 */
export class HttpMalformedAnswer extends Error {
  constructor(method: string, url: string, parserError: Error, target = url) {
    super(
      `${method} ${shortUrl(url)}${redirectedTo(url, target)} was answered with something that ` +
        `is not valid HTTP (${parserError.message}): the server, or a proxy on the way, is at ` +
        'fault. Run again later; if it fails the same way, report it to whoever runs that server',
      { cause: parserError },
    );
    this.name = 'HttpMalformedAnswer';
  }
}

/** " (redirected to <target>)" when a request failed at another URL than the one asked. */
function redirectedTo(url: string, target: string): string {
  return target === url ? '' : ` (redirected to ${shortUrl(target)})`;
}

/**
 * An answer that is wrong in a way the same server, asked again, need not repeat: a range
 * answered with the whole file by a server that had answered ranges, an HTTP 200 whose body
 * reports a transient status (postcodes.io's `status`, an ArcGIS `error.code`). Retried like a
 * cut connection.
 */
export class HttpPassingFault extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'HttpPassingFault';
  }
}

/** The HTTP status a request ended with (from its chain of causes), or undefined. */
export function finalStatus(error: unknown): number | undefined {
  for (let at: unknown = error; at instanceof Error; at = at.cause) {
    if (at instanceof HttpStatusError) return at.status;
  }
  return undefined;
}

/** A request that still failed after its retries (or failed permanently). */
export class HttpRequestFailed extends Error {
  readonly attempts: number;

  constructor(message: string, attempts: number, options: { cause: unknown }) {
    super(message, options);
    this.attempts = attempts;
    this.name = 'HttpRequestFailed';
  }
}

/**
 * Error codes that mean the host cannot be reached at all: its name does not resolve, or
 * nothing listens. Before the host has ever answered the client they mean no network (or a
 * wrong URL), which waiting will not fix: the request fails at once, in one line, instead of
 * retrying for a minute. Once it has answered (later in a run: the server restarting, a DNS
 * blip) they are retried like any cut connection, on every request.
 */
const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED']);

/** The first unreachable-host code in the error's cause chain, if any. */
export function unreachableCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return code;
    e = e.cause;
  }
  return undefined;
}

/**
 * The host could not be reached on the first attempt (see UNREACHABLE_CODES): the host of
 * `url`, or of `target` when a redirect sent the request there.
 */
export class HttpUnreachableError extends Error {
  readonly code: string;
  constructor(method: string, url: string, code: string, cause: unknown, target = url) {
    const what =
      code === 'ECONNREFUSED'
        ? 'nothing answers at that address'
        : 'its host name does not resolve (no network, or a wrong URL?)';
    const where = target === url ? 'the host' : 'that host';
    super(
      `${method} ${shortUrl(url)}${redirectedTo(url, target)}: cannot reach ${where}, ${what} [${code}]`,
      { cause },
    );
    this.name = 'HttpUnreachableError';
    this.code = code;
  }
}

/**
 * What fetch says, in its error's cause, when it will not connect to an address at all: a
 * port it blocks (as browsers do: 9, 25, 6000 and others) or a scheme it does not speak. No
 * server was asked, and asking again gets the same answer: the URL setting is wrong.
 */
const REFUSED_ADDRESSES = new Set(['bad port', 'unknown scheme']);

/** fetch's refusal of the address in the error's cause chain (REFUSED_ADDRESSES), if any. */
export function refusedAddress(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; depth += 1) {
    if (REFUSED_ADDRESSES.has(e.message)) return e.message;
    e = e.cause;
  }
  return undefined;
}

/** fetch would not connect to the address asked, or to where a redirect sent it. */
export class HttpRefusedAddressError extends Error {
  constructor(method: string, url: string, reason: string, cause: unknown, target = url) {
    const what =
      reason === 'bad port'
        ? `port ${new URL(target).port} is one that fetch never connects to, as browsers do not`
        : `fetch does not speak ${new URL(target).protocol.replace(/:$/, '')}`;
    super(
      `${method} ${shortUrl(url)}${redirectedTo(url, target)}: not asked, ${what} [${reason}]: ` +
        'check the URL (its setting or the redirect)',
      { cause },
    );
    this.name = 'HttpRefusedAddressError';
  }
}

/**
 * A request redirected MAX_REDIRECTS times without an answer (fetch's limit): round a loop
 * (the same request, method and URL, came back) or along a chain longer than any server
 * needs. Asking again follows the same redirects, so it fails at once; retried like a lost
 * connection, every attempt cost twenty-one requests (126 with the default retries).
 * `hops`: the requests sent, the first and each redirect's; `next`: where the last one led.
 */
export class HttpRedirectLoopError extends Error {
  constructor(
    method: string,
    url: string,
    hops: readonly { method: string; url: string }[],
    next: { method: string; url: string },
  ) {
    // A POST answered 303 comes back as a GET of the same URL: another request, no loop yet.
    const back = hops.some((hop) => hop.method === next.method && hop.url === next.url);
    super(
      `${method} ${shortUrl(url)} was redirected ${hops.length - 1} times without an answer ` +
        (back
          ? `and then back to ${shortUrl(next.url)}, where it had been: the redirects go round a loop`
          : `and then on to ${shortUrl(next.url)}: more redirects than fetch follows`) +
        '. Check the address asked for (its setting); if it is right, the server is at fault: ' +
        'run again later, or report it to whoever runs that server',
    );
    this.name = 'HttpRedirectLoopError';
  }
}

export function isTransient(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.transient;
  return (
    error instanceof HttpTimeoutError ||
    error instanceof HttpDeadlineError ||
    error instanceof HttpNetworkError ||
    error instanceof HttpUndecodableBody ||
    error instanceof HttpMalformedAnswer ||
    error instanceof HttpPassingFault
  );
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export function shortUrl(href: string): string {
  return href.length <= LOGGED_URL_MAX_CHARS
    ? href
    : `${href.slice(0, LOGGED_URL_MAX_CHARS)}… (${href.length} chars)`;
}

/**
 * An error's message, and its cause's when the message does not hold it. The cause's is made
 * one line (oneLine()): it may quote an answer (JSON.parse's quotes the body it failed on).
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause !== undefined && !error.message.includes(cause)
    ? `${error.message} (${oneLine(cause)})`
    : error.message;
}

/** What is wrong with an answer's shape, in one line: "count: Invalid input; … and 997 more". */
export function shapeProblems(error: z.ZodError): string {
  const { issues } = error;
  const shown = issues
    .slice(0, SHAPE_PROBLEMS_SHOWN)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  const more = issues.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? ` and ${more} more` : ''}`;
}
