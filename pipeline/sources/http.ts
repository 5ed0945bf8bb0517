// The one way the pipeline talks HTTP: paced, with a timeout on every wait, retries with
// backoff for what is transient (429, 408, 5xx, timeouts, cut connections) and an immediate,
// explicit failure for what is not (any other 4xx). Every retry is logged with URL, attempt
// and reason; the final error names the request and carries the last failure as its cause.
import pRetry, { AbortError } from 'p-retry';

export type Log = (message: string) => void;

/** police.uk documents a leaky bucket of 15 requests a second with bursts of 30. */
export const POLICE_API_PACE = { perSecond: 15, burst: 30 } as const;

/** Some police.uk API answers take over a minute to start; wait that long before calling it a timeout. */
const DEFAULT_TIMEOUT_MS = 120_000;
/** Five retries with doubling backoff from 1 s wait about a minute in all: enough to ride out a restart. */
const DEFAULT_RETRIES = 5;
const DEFAULT_MIN_BACKOFF_MS = 1_000;
const DEFAULT_MAX_BACKOFF_MS = 60_000;
/** A Retry-After beyond this is not worth waiting for within one run. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;
/** Long polygon URLs make unreadable log lines; keep the start, which says what was asked. */
const LOGGED_URL_MAX_CHARS = 160;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket: `burst` requests may go at once, then `perSecond` on average. Waiters are
 * served in the order they asked.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  readonly perSecond: number;
  readonly burst: number;
  private readonly clock: Clock;

  constructor(perSecond: number, burst: number, clock: Clock = realClock) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Resolves when one request may be sent (and spends its token). */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeInTurn());
    this.queue = turn;
    return turn;
  }

  private async takeInTurn(): Promise<void> {
    this.refill();
    while (this.tokens < 1) {
      await this.clock.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
  }
}

/** A response with a status the caller did not accept. */
export class HttpStatusError extends Error {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly retryAfterMs: number | undefined;

  constructor(method: string, url: string, status: number, retryAfterMs: number | undefined) {
    super(`${method} ${shortUrl(url)} answered HTTP ${status}`);
    this.method = method;
    this.url = url;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.name = 'HttpStatusError';
  }

  /** 408, 429 and 5xx may succeed if asked again; other statuses will not. */
  get transient(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** Nothing arrived for `timeoutMs`, either before the headers or between two body chunks. */
export class HttpTimeoutError extends Error {
  constructor(method: string, url: string, timeoutMs: number) {
    super(`${method} ${shortUrl(url)} timed out: nothing received for ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

/** The connection failed or was cut (refused, reset, closed mid-body). */
export class HttpNetworkError extends Error {
  constructor(method: string, url: string, cause: unknown) {
    super(`${method} ${shortUrl(url)} lost its connection: ${describeError(cause)}`, { cause });
    this.name = 'HttpNetworkError';
  }
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
 * nothing listens. On the first attempt they mean no network (or a wrong URL), which waiting
 * will not fix: the request fails at once, in one line, instead of retrying for a minute.
 * Later in a run (the server restarting) they are retried like any cut connection.
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

/** The host could not be reached on the first attempt (see UNREACHABLE_CODES). */
export class HttpUnreachableError extends Error {
  readonly code: string;
  constructor(method: string, url: string, code: string, cause: unknown) {
    const what =
      code === 'ECONNREFUSED'
        ? 'nothing answers at that address'
        : 'its host name does not resolve (no network, or a wrong URL?)';
    super(`${method} ${shortUrl(url)}: cannot reach the host, ${what} [${code}]`, { cause });
    this.name = 'HttpUnreachableError';
    this.code = code;
  }
}

export function isTransient(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.transient;
  return error instanceof HttpTimeoutError || error instanceof HttpNetworkError;
}

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
}

/** One response whose body has not been read yet. */
export interface Exchange {
  readonly response: Response;
  /** The body, chunk by chunk; the idle timeout restarts with every chunk. */
  chunks(): AsyncGenerator<Uint8Array>;
  /** The whole body. */
  bytes(): Promise<Buffer>;
  /** Discard the body and free the connection. */
  discard(): Promise<void>;
}

export class HttpClient {
  readonly stats: HttpStats = { requests: 0, bytesReceived: 0 };
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly log: Log;
  private readonly clock: Clock;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly bucket: TokenBucket | undefined;

  constructor(options: HttpClientOptions = {}) {
    this.bucket = options.bucket;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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
            const unreachable = attemptNumber === 1 ? unreachableCode(error) : undefined;
            if (unreachable !== undefined) {
              throw new AbortError(new HttpUnreachableError(method, href, unreachable, error));
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
            const retryAfterMs =
              error instanceof HttpStatusError && error.retryAfterMs !== undefined
                ? Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS)
                : 0;
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
      if (error instanceof HttpUnreachableError) {
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
   * Send one request (no retry): waits for the pacing bucket, applies the idle timeout, and
   * throws HttpStatusError for a status that is neither 2xx nor in `accept`.
   */
  async send(url: string | URL, options: RequestOptions = {}): Promise<Exchange> {
    const method = options.method ?? 'GET';
    const href = String(url);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    await this.bucket?.take();
    this.stats.requests += 1;

    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(
        () => controller.abort(new HttpTimeoutError(method, href, timeoutMs)),
        timeoutMs,
      );
    };
    const disarm = (): void => clearTimeout(timer);
    const failure = (error: unknown): Error => {
      if (controller.signal.reason instanceof HttpTimeoutError) return controller.signal.reason;
      return new HttpNetworkError(method, href, error);
    };

    arm();
    let response: Response;
    try {
      response = await this.fetchImpl(href, {
        method,
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.body !== undefined ? { body: options.body } : {}),
        signal: controller.signal,
        redirect: 'follow',
      });
    } catch (error) {
      disarm();
      throw failure(error);
    }

    const stats = this.stats;
    let consumed = false;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      consumed = true;
      try {
        if (!response.body) return;
        for await (const chunk of response.body) {
          arm();
          stats.bytesReceived += chunk.byteLength;
          yield chunk;
        }
      } catch (error) {
        throw failure(error);
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
    throw new HttpStatusError(
      method,
      href,
      response.status,
      parseRetryAfter(response.headers.get('retry-after'), Date.now()),
    );
  }

  /** GET (or POST) and parse a JSON body, with retries. */
  async json(url: string | URL, options: RequestOptions = {}): Promise<unknown> {
    const method = options.method ?? 'GET';
    return this.retrying(method, url, async () => {
      const exchange = await this.send(url, options);
      const body = await exchange.bytes();
      try {
        return JSON.parse(body.toString('utf8')) as unknown;
      } catch (cause) {
        throw new Error(
          `${method} ${shortUrl(String(url))} answered HTTP ${exchange.response.status} with a body that is not JSON: ` +
            `"${body.toString('utf8', 0, 120)}"`,
          { cause },
        );
      }
    });
  }

  /** The whole body as bytes, with retries. */
  async buffer(url: string | URL, options: RequestOptions = {}): Promise<Buffer> {
    return this.retrying(options.method ?? 'GET', url, async () =>
      (await this.send(url, options)).bytes(),
    );
  }
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

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause !== undefined && !error.message.includes(cause)
    ? `${error.message} (${cause})`
    : error.message;
}
