// Where a redirect leads, worked out as fetch does it (WHATWG Fetch, "HTTP-redirect fetch").
// The HTTP client follows redirects itself rather than leave it to fetch, so that it knows
// every URL a request went to: when a redirect's target cannot be reached, the error names
// that URL, and whether to retry depends on whether that host, not the first, has answered.
import { logSafe } from '../log-safe.ts';
import { shortUrl } from './http-errors.ts';

/** fetch's own limit: a request redirected more often than this is in a loop. */
export const MAX_REDIRECTS = 20;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that describe a request body, dropped with it when a redirect makes the request a GET. */
const BODY_HEADERS = new Set([
  'content-encoding',
  'content-language',
  'content-location',
  'content-type',
  'content-length',
]);
/** Credentials are not passed on to another origin. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

export interface HopRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * The request that an answer of `status` with `location` sends `request` on to, or undefined
 * when the answer is no redirect to follow (not a redirect status, or no Location): it is then
 * the answer. Throws, naming the request and the Location, when the Location is no HTTP(S) URL.
 */
export function redirectedRequest(
  request: HopRequest,
  status: number,
  location: string | null,
): HopRequest | undefined {
  if (!REDIRECT_STATUSES.has(status) || location === null) return undefined;
  const target = URL.canParse(location, request.url) ? new URL(location, request.url) : undefined;
  if (target?.protocol !== 'http:' && target?.protocol !== 'https:') {
    throw new Error(
      `${request.method} ${shortUrl(request.url)} answered HTTP ${status} with Location ` +
        `"${logSafe(location)}", which is no HTTP(S) URL; check the address asked for`,
    );
  }
  const from = new URL(request.url);
  // A redirect without a fragment keeps the request's (WHATWG Fetch, step 13 of the redirect).
  if (target.hash === '' && from.hash !== '') target.hash = from.hash;
  const toGet =
    (status === 303 && request.method !== 'GET' && request.method !== 'HEAD') ||
    ((status === 301 || status === 302) && request.method === 'POST');
  const crossOrigin = target.origin !== from.origin;
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([name]) => {
      const lower = name.toLowerCase();
      return !(toGet && BODY_HEADERS.has(lower)) && !(crossOrigin && CREDENTIAL_HEADERS.has(lower));
    }),
  );
  return {
    url: target.href,
    method: toGet ? 'GET' : request.method,
    headers,
    body: toGet ? undefined : request.body,
  };
}
