// The one way the pipeline talks HTTP: paced, with a timeout on every wait and a deadline on
// every request, retries with backoff for what is transient (429, 408, 5xx, timeouts, requests
// past their deadline, cut connections, answers that are not valid HTTP, bodies that cannot be
// decoded as their Content-Encoding says, answers whose body reports such a status, JSON bodies
// that end unparsed where a connection without Content-Length closed or that end before their
// JSON does: HttpPassingFault) and an immediate, explicit failure for what is not (any other
// 4xx, a body that is not JSON where JSON was asked for). Every retry is logged with URL,
// attempt and reason; the final error names the request (and where a redirect sent it, when
// that is where it failed) and carries the last failure as its cause.
import pRetry, { AbortError } from 'p-retry';
import {
  decodingFailure,
  describeError,
  HttpDeadlineError,
  HttpMalformedAnswer,
  HttpNetworkError,
  HttpPassingFault,
  HttpRedirectLoopError,
  HttpRefusedAddressError,
  HttpRequestFailed,
  HttpRetryAfterTooLong,
  HttpStatusError,
  HttpTimeoutError,
  HttpUndecodableBody,
  HttpUnreachableError,
  refusedAddress,
  isTransient,
  parserFailure,
  shortUrl,
  statusError,
  unreachableCode,
} from './http-errors.ts';
import { quoteOutside } from '../log-safe.ts';
import { errorMessage } from '../../src/shared/error-message.ts';
import { realClock, type Clock, type TokenBucket } from './pacing.ts';
import { MAX_REDIRECTS, redirectedRequest, type HopRequest } from './redirect.ts';

export type Log = (message: string) => void;

/** Some police.uk API answers take over a minute to start; wait that long before calling it a timeout. */
const DEFAULT_TIMEOUT_MS = 120_000;
/**
 * The longest a request may take, from its sending to its body's last byte: the idle timeout
 * restarts with every chunk, so without it a server that trickles a byte every few seconds
 * holds a request for ever. Enough for the slowest answers seen: the API's, which may take over
 * a minute to start (DEFAULT_TIMEOUT_MS), then a few MB of crimes. A request that states the
 * size of the body it asks for (`expectedBytes`) is given the time that body takes at
 * MIN_BYTES_PER_MS on top.
 */
const DEFAULT_DEADLINE_MS = 15 * 60_000;
/**
 * The slowest transfer a request is given time for: 512 KiB/s, about 4 Mbit/s, below a basic
 * broadband line. The largest answer is a whole police.uk archive (about 1.5 GB, downloaded
 * when a server refuses ranges): 15 min + 48 min. A slower line still gets it, over several
 * attempts, since a download resumes from the bytes it has; a server that trickles holds each
 * attempt no longer than that, and after the retries the request fails naming its URL.
 */
const MIN_BYTES_PER_MS = (512 * 1024) / 1000;
/** Five retries with doubling backoff from 1 s wait about a minute in all: enough to ride out a restart. */
const DEFAULT_RETRIES = 5;
const DEFAULT_MIN_BACKOFF_MS = 1_000;
const DEFAULT_MAX_BACKOFF_MS = 60_000;
/**
 * A Retry-After beyond this is not worth waiting for within one run: the request fails at
 * once, saying when to run again, instead of waiting (and asking too early) retry after retry.
 */
const MAX_RETRY_AFTER_MS = 5 * 60_000;
/** Enough of a body that is not JSON to recognise it (an HTML error page, say) in a message. */
const QUOTED_BODY_CHARS = 120;
/**
 * Bytes decoded to quote it: characters of up to 4 bytes each, two more than QUOTED_BODY_CHARS,
 * so that a body cut here still reads as longer than quoteOutside() quotes whole, which marks
 * the cut with "…".
 */
const QUOTED_BODY_BYTES = (QUOTED_BODY_CHARS + 2) * 4;

export interface HttpStats {
  /** Requests sent, retries included. */
  requests: number;
  /** Body bytes received (as transferred, when the request asked for no content encoding). */
  bytesReceived: number;
}

export interface HttpClientOptions {
  /** Shared by every request of this client; omit for no pacing. */
  bucket?: TokenBucket;
  timeoutMs?: number;
  /** The longest one request may take, before the time `expectedBytes` adds. */
  deadlineMs?: number;
  retries?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  log?: Log;
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
}

export interface RequestOptions {
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Statuses handed back to the caller as answers instead of being treated as failures. */
  accept?: readonly number[];
  timeoutMs?: number;
  /**
   * The size of the body asked for, when known (a range, a download): the request's deadline
   * grows by the time it takes at the slowest rate given time for (MIN_BYTES_PER_MS).
   */
  expectedBytes?: number;
}

/** One response whose body has not been read yet. */
export interface Exchange {
  readonly response: Response;
  /**
   * The body, chunk by chunk; the idle timeout restarts with every chunk, the request's
   * deadline does not.
   */
  chunks(): AsyncGenerator<Uint8Array>;
  /** The whole body. */
  bytes(): Promise<Buffer>;
  /** Discard the body and free the connection. */
  discard(): Promise<void>;
}

/** Whether JSON.parse's `problem` with `text` is only that the text ends too soon. */
function endsTooSoon(text: string, problem: string): boolean {
  if (problem.startsWith('Unexpected end of JSON input')) return true;
  const at = /\bat position (\d+)/.exec(problem)?.[1];
  return at !== undefined && Number(at) >= text.length;
}

/** The scheme, host and port of `url` ("" when it is not a URL). */
function originOf(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : '';
}

export class HttpClient {
  readonly stats: HttpStats = { requests: 0, bytesReceived: 0 };
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly retries: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly log: Log;
  private readonly clock: Clock;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly bucket: TokenBucket | undefined;
  /**
   * Origins that have answered this client: an unreachable host there is a server restarting
   * or a network blip, retried like a cut connection, not a wrong URL or no network at all.
   */
  private readonly reached = new Set<string>();

  constructor(options: HttpClientOptions = {}) {
    this.bucket = options.bucket;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.retries = options.retries ?? DEFAULT_RETRIES;
    this.minBackoffMs = options.minBackoffMs ?? DEFAULT_MIN_BACKOFF_MS;
    this.maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
    this.log = options.log ?? (() => {});
    this.clock = options.clock ?? realClock;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /**
   * Run `attempt` until it succeeds, retrying transient failures with exponential backoff
   * (or the server's Retry-After, when longer). Permanent failures end it at once.
   */
  async retrying<T>(
    method: string,
    url: string | URL,
    attempt: (attemptNumber: number) => Promise<T>,
  ): Promise<T> {
    const href = String(url);
    let attempts = 0;
    try {
      return await pRetry(
        async (attemptNumber) => {
          attempts = attemptNumber;
          try {
            return await attempt(attemptNumber);
          } catch (error) {
            // The host that failed: the one asked, or one a redirect led to.
            const failedAt = error instanceof HttpNetworkError ? error.target : href;
            const unreachable =
              attemptNumber === 1 && !this.reached.has(originOf(failedAt))
                ? unreachableCode(error)
                : undefined;
            if (unreachable !== undefined) {
              throw new AbortError(
                new HttpUnreachableError(method, href, unreachable, error, failedAt),
              );
            }
            if (
              error instanceof HttpStatusError &&
              error.transient &&
              (error.retryAfterMs ?? 0) > MAX_RETRY_AFTER_MS
            ) {
              throw new AbortError(new HttpRetryAfterTooLong(error, MAX_RETRY_AFTER_MS));
            }
            if (isTransient(error)) throw error;
            throw new AbortError(error instanceof Error ? error : new Error(String(error)));
          }
        },
        {
          retries: this.retries,
          factor: 2,
          minTimeout: this.minBackoffMs,
          maxTimeout: this.maxBackoffMs,
          onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retryDelay }) => {
            if (retriesLeft === 0 || !isTransient(error)) return;
            // A Retry-After beyond MAX_RETRY_AFTER_MS has ended the request already.
            const retryAfterMs = error instanceof HttpStatusError ? (error.retryAfterMs ?? 0) : 0;
            const waitMs = Math.max(retryDelay, retryAfterMs);
            this.log(
              `retry ${attemptNumber}/${this.retries} ${method} ${shortUrl(href)}: ${describeError(error)}; ` +
                `trying again in ${waitMs} ms${retryAfterMs > 0 ? ' (Retry-After)' : ''}`,
            );
            // p-retry waits `retryDelay` itself; wait out the rest of the server's Retry-After here.
            if (retryAfterMs > retryDelay) await this.clock.sleep(retryAfterMs - retryDelay);
          },
        },
      );
    } catch (error) {
      // Their messages name the request and say what to do already.
      if (
        error instanceof HttpUnreachableError ||
        error instanceof HttpRetryAfterTooLong ||
        error instanceof HttpRefusedAddressError ||
        error instanceof HttpRedirectLoopError
      ) {
        throw new HttpRequestFailed(error.message, attempts, { cause: error });
      }
      const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
      throw new HttpRequestFailed(
        `${method} ${shortUrl(href)} failed${tries}: ${describeError(error)}`,
        attempts,
        { cause: error },
      );
    }
  }

  /**
   * Send one request (no retry): waits for the pacing bucket, applies the idle timeout and the
   * request's deadline (from now to the body's last byte, redirects included), and throws
   * HttpStatusError for a status that is neither 2xx nor in `accept`.
   */
  async send(url: string | URL, options: RequestOptions = {}): Promise<Exchange> {
    const method = options.method ?? 'GET';
    const href = String(url);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    await this.bucket?.take();
    this.stats.requests += 1;

    const deadlineMs = this.deadlineMs + Math.ceil((options.expectedBytes ?? 0) / MIN_BYTES_PER_MS);
    /** Body bytes of this request received so far, for the deadline's message. */
    let received = 0;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(
      () => controller.abort(new HttpDeadlineError(method, href, deadlineMs, received)),
      deadlineMs,
    );
    // The request's socket keeps the process alive while it is open; the deadline, of up to an
    // hour, should not keep it alive after an answer left unread.
    deadline.unref();
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(
        () => controller.abort(new HttpTimeoutError(method, href, timeoutMs)),
        timeoutMs,
      );
    };
    const disarm = (): void => {
      clearTimeout(timer);
      clearTimeout(deadline);
    };
    /** `at`: the URL whose connection failed, the one asked or where it was redirected. */
    const failure = (error: unknown, at = href): Error => {
      const reason: unknown = controller.signal.reason;
      if (reason instanceof HttpTimeoutError || reason instanceof HttpDeadlineError) return reason;
      const malformed = parserFailure(error);
      if (malformed !== undefined) return new HttpMalformedAnswer(method, href, malformed, at);
      const refused = refusedAddress(error);
      if (refused !== undefined)
        return new HttpRefusedAddressError(method, href, refused, error, at);
      return new HttpNetworkError(method, href, error, at);
    };

    arm();
    let hop: HopRequest = { url: href, method, headers: options.headers ?? {}, body: options.body };
    /** The requests sent so far, the first and each a redirect led to (HttpRedirectLoopError). */
    const hops: { method: string; url: string }[] = [];
    let response: Response;
    for (;;) {
      hops.push({ method: hop.method, url: hop.url });
      try {
        response = await this.fetchImpl(hop.url, {
          method: hop.method,
          headers: hop.headers,
          ...(hop.body !== undefined ? { body: hop.body } : {}),
          signal: controller.signal,
          // Followed here, not by fetch, to know which host a failure is at (see redirect.ts).
          redirect: 'manual',
        });
      } catch (error) {
        disarm();
        throw failure(error, hop.url);
      }
      this.reached.add(originOf(hop.url));
      let next: HopRequest | undefined;
      try {
        next = redirectedRequest(hop, response.status, response.headers.get('location'));
        // Every request sent but the first was a redirect's.
        if (next !== undefined && hops.length - 1 === MAX_REDIRECTS) {
          throw new HttpRedirectLoopError(method, href, hops, next);
        }
      } catch (error) {
        disarm();
        await response.body?.cancel().catch(() => {});
        throw error;
      }
      if (next === undefined) break;
      await response.body?.cancel().catch(() => {});
      arm();
      hop = next;
    }

    const answeredAt = hop.url;
    const stats = this.stats;
    let consumed = false;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      consumed = true;
      try {
        if (!response.body) return;
        for await (const chunk of response.body) {
          arm();
          received += chunk.byteLength;
          stats.bytesReceived += chunk.byteLength;
          yield chunk;
        }
      } catch (error) {
        const decoder = decodingFailure(error);
        const encoding = response.headers.get('content-encoding');
        if (decoder !== undefined && encoding !== null && !controller.signal.aborted) {
          throw new HttpUndecodableBody(method, href, encoding, decoder, answeredAt);
        }
        throw failure(error, answeredAt);
      } finally {
        disarm();
      }
    }
    const discard = async (): Promise<void> => {
      disarm();
      if (!consumed) await response.body?.cancel().catch(() => {});
    };
    const exchange: Exchange = {
      response,
      chunks,
      bytes: async () => {
        const parts: Uint8Array[] = [];
        for await (const chunk of chunks()) parts.push(chunk);
        return Buffer.concat(parts);
      },
      discard,
    };

    if (response.ok || options.accept?.includes(response.status)) return exchange;
    await discard();
    throw statusError(method, href, response);
  }

  /**
   * GET (or POST) and parse a JSON body, with retries. `read` takes the parsed body apart
   * within the attempt: a transient failure it throws (an answer whose body reports a server
   * fault, HttpPassingFault) is retried like a transient status.
   */
  async json<T = unknown>(
    url: string | URL,
    options: RequestOptions = {},
    read: (body: unknown) => T = (body) => body as T,
  ): Promise<T> {
    const method = options.method ?? 'GET';
    return this.retrying(method, url, async () => {
      const exchange = await this.send(url, options);
      const body = await exchange.bytes();
      const parsed = parseJsonBody(`${method} ${shortUrl(String(url))}`, exchange.response, body);
      return read(parsed);
    });
  }

  /** The whole body as bytes, with retries. */
  async buffer(url: string | URL, options: RequestOptions = {}): Promise<Buffer> {
    return this.retrying(options.method ?? 'GET', url, async () =>
      (await this.send(url, options)).bytes(),
    );
  }
}

/**
 * Whether `response`'s body ends where its connection closed: no Content-Length, not chunked.
 * Cut short, such a body cannot be told from a whole one.
 */
export function endsAtClose(response: Response): boolean {
  return (
    !response.headers.has('content-length') &&
    !/\bchunked\b/i.test(response.headers.get('transfer-encoding') ?? '')
  );
}

/**
 * The passing fault of a body, an answer to `request` ("GET <url>") that ended where its
 * connection closed (endsAtClose), which cannot be read as the `kind` asked for (`problem`:
 * "are not JSON (…)"): nothing tells a connection cut short from a server answering something
 * else, and the first is far likelier, so it is asked again.
 */
export function cutShortFault(
  request: string,
  response: Response,
  body: Buffer,
  problem: string,
  kind: string,
  cause: unknown,
): HttpPassingFault {
  return new HttpPassingFault(
    `${request} answered HTTP ${response.status} with ${body.length} bytes that ${problem} and ` +
      'no Content-Length, so they end where the connection closed: most likely it was cut ' +
      `short. Run again later; if it fails the same way, the server answers something else ` +
      `than ${kind} there`,
    { cause },
  );
}

/**
 * `body`, an answer to `request` ("GET <url>"), parsed as JSON. A body that is not JSON (an
 * HTML page: a wrong URL, or a page a proxy put in front of the API) is an error quoting its
 * start; one that ended where its connection closed is taken for a connection cut short
 * (cutShortFault); so is one that only ends before its JSON does (empty, or cut short), whatever
 * its framing: fetch takes a compressed body whose stream ends early for whole, as browsers do,
 * so a body cut short on the way shows only so.
 */
export function parseJsonBody(request: string, response: Response, body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (cause) {
    const quoted = quoteOutside(
      body.subarray(0, QUOTED_BODY_BYTES).toString('utf8'),
      QUOTED_BODY_CHARS,
    );
    if (endsAtClose(response)) {
      throw cutShortFault(request, response, body, `are not JSON (${quoted})`, 'JSON', cause);
    }
    const answered = `${request} answered HTTP ${response.status} with a body that is not JSON: ${quoted}`;
    const problem = errorMessage(cause);
    if (endsTooSoon(text, problem)) {
      const encoding = response.headers.get('content-encoding');
      throw new HttpPassingFault(
        `${answered} (${problem}): it ends before its JSON does, after ${body.length} bytes` +
          (encoding === null
            ? ''
            : ` decoded from Content-Encoding ${quoteOutside(encoding, 40)}`) +
          ', so it was cut short on the way. Run again later',
        { cause },
      );
    }
    throw new Error(answered, { cause });
  }
}
