import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HttpRedirectLoopError,
  HttpRequestFailed,
  HttpStatusError,
  parseRetryAfter,
} from '../../../pipeline/sources/http-errors.ts';
import { HttpClient } from '../../../pipeline/sources/http.ts';
import { TokenBucket, type Clock } from '../../../pipeline/sources/pacing.ts';
import { ReplayServer } from '../../support/replay-server.ts';

/** A clock that only moves when something sleeps on it. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('TokenBucket(15/s, burst 30)', () => {
  it('take() lets a burst of 30 through at once, then paces the rest at 15 a second', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(15, 30, clock);
    for (let i = 0; i < 30; i += 1) await bucket.take();
    expect(clock.sleeps).toEqual([]);
    for (let i = 0; i < 15; i += 1) await bucket.take();
    // 15 more requests needed one more second of refill.
    expect(clock.now()).toBeGreaterThanOrEqual(1000 - 15);
    expect(clock.now()).toBeLessThanOrEqual(1000 + 15);
  });
});

describe('parseRetryAfter(value)', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

describe('HttpClient against a replay server', () => {
  let server: ReplayServer;
  let logs: string[];
  let client: HttpClient;
  beforeEach(async () => {
    server = await ReplayServer.start();
    logs = [];
    client = new HttpClient({
      minBackoffMs: 1,
      maxBackoffMs: 5,
      retries: 4,
      timeoutMs: 300,
      log: (m) => logs.push(m),
    });
  });
  afterEach(async () => {
    await server.close();
  });

  it('json() retries a burst of 429s, honouring Retry-After, and returns the answer', async () => {
    server.route('GET', '/api/crimes-street-dates', [
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 429 },
      { body: [{ date: '2025-03' }] },
    ]);
    const answer = await client.json(`${server.url}api/crimes-street-dates`);
    expect(answer).toEqual([{ date: '2025-03' }]);
    expect(server.requests).toHaveLength(4);
    expect(logs).toHaveLength(3);
    expect(logs[0]).toMatch(
      /^retry 1\/4 GET http:\/\/127\.0\.0\.1:\d+\/api\/crimes-street-dates: .*HTTP 429/,
    );
    expect(logs[2]).toContain('retry 3/4');
  });

  it('json() waits as long as Retry-After asks before the next attempt', async () => {
    const clock = fakeClock();
    const paced = new HttpClient({
      minBackoffMs: 1,
      maxBackoffMs: 5,
      clock,
      log: (m) => logs.push(m),
    });
    server.route('GET', '/slow-down', [
      { status: 429, headers: { 'retry-after': '7' } },
      { body: { ok: true } },
    ]);
    await paced.json(`${server.url}slow-down`);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(6990);
    expect(logs[0]).toContain('(Retry-After)');
  });

  /** A client on `clock` with quick backoff, logging to `logs`. */
  const onClock = (clock: Clock) =>
    new HttpClient({ minBackoffMs: 1, maxBackoffMs: 5, clock, log: (m) => logs.push(m) });

  it('json() waits a Retry-After of exactly five minutes, the most a run waits', async () => {
    const clock = fakeClock();
    server.route('GET', '/busy', [
      { status: 503, headers: { 'retry-after': '300' } },
      { body: { ok: true } },
    ]);
    expect(await onClock(clock).json(`${server.url}busy`)).toEqual({ ok: true });
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(299_990);
    expect(server.requests).toHaveLength(2);
  });

  it('json() fails at once, saying when to run again, on a Retry-After beyond five minutes', async () => {
    const clock = fakeClock();
    server.route('GET', '/busy', [{ status: 429, headers: { 'retry-after': '301' } }]);
    const error = await onClock(clock)
      .json(`${server.url}busy`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRequestFailed);
    expect((error as HttpRequestFailed).attempts).toBe(1);
    expect((error as Error).message).toBe(
      `GET ${server.url}busy answered HTTP 429 with Retry-After "301": a wait of 301 s, ` +
        'longer than the 300 s a run waits for. Run again after that time.',
    );
    expect(server.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect(logs).toEqual([]);
  });

  it('json() waits a Retry-After given as a date within five minutes', async () => {
    const clock = fakeClock();
    // HTTP dates are to the second: two minutes from now, give or take one.
    const date = new Date(Date.now() + 120_000).toUTCString();
    server.route('GET', '/busy', [
      { status: 503, headers: { 'retry-after': date } },
      { body: { ok: true } },
    ]);
    expect(await onClock(clock).json(`${server.url}busy`)).toEqual({ ok: true });
    const waited = clock.sleeps.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThanOrEqual(118_000);
    expect(waited).toBeLessThanOrEqual(120_000);
    expect(server.requests).toHaveLength(2);
  });

  it('json() fails at once on a Retry-After date beyond five minutes, naming the date', async () => {
    const clock = fakeClock();
    const date = new Date(Date.now() + 86_400_000).toUTCString();
    server.route('GET', '/busy', [{ status: 503, headers: { 'retry-after': date } }]);
    const error = await onClock(clock)
      .json(`${server.url}busy`)
      .catch((e: unknown) => e);
    const message = (error as Error).message;
    expect(message).toMatch(
      `GET ${server.url}busy answered HTTP 503 with Retry-After "${date}": a wait of `,
    );
    expect(message).toMatch(
      / s, longer than the 300 s a run waits for\. Run again after that time\.$/,
    );
    // A day, less the part of a second the date drops.
    expect(Number(/a wait of (\d+) s/.exec(message)?.[1])).toBeGreaterThanOrEqual(86_398);
    expect(server.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('escapes the control characters of a Retry-After date it names', async () => {
    const client = new HttpClient({
      minBackoffMs: 1,
      maxBackoffMs: 5,
      clock: fakeClock(),
      fetch: async () =>
        new Response('busy', {
          status: 503,
          headers: { 'retry-after': '\x1bThu, 01 Jan 2099 00:00:00 GMT' },
        }),
    });
    const error = await client.json('https://data.police.uk/api/forces').catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'HTTP 503 with Retry-After "\\x1bThu, 01 Jan 2099 00:00:00 GMT"',
    );
    expect((error as Error).message).not.toContain('\x1b');
  });

  it('json() retries 500s and succeeds when the server recovers', async () => {
    server.route('GET', '/flaky', [{ status: 500 }, { status: 502 }, { body: [1, 2, 3] }]);
    expect(await client.json(`${server.url}flaky`)).toEqual([1, 2, 3]);
    expect(server.requests.map((r) => r.status)).toEqual([500, 502, 200]);
  });

  it('json() gives up after its retries with the URL, the attempts and the last status', async () => {
    server.route('GET', '/down', [{ status: 500 }]);
    const error = await client.json(`${server.url}down`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRequestFailed);
    expect((error as Error).message).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/down failed after 5 attempts: .*HTTP 500/,
    );
    expect((error as Error).cause).toBeInstanceOf(HttpStatusError);
    expect(server.requests).toHaveLength(5);
  });

  it('json() aborts at once on a 404 or 400, without retrying', async () => {
    server.route('GET', '/missing', [{ status: 404 }]);
    const error = await client.json(`${server.url}missing`).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/\/missing failed: .*HTTP 404/);
    expect(server.requests).toHaveLength(1);
    expect(logs).toEqual([]);
  });

  it('json() treats a server that stops answering as a timeout and retries it', async () => {
    server.route('GET', '/hang', [{ delayMs: 2000, body: [] }, { body: ['late but fine'] }]);
    expect(await client.json(`${server.url}hang`)).toEqual(['late but fine']);
    expect(logs[0]).toMatch(/timed out: nothing received for 300 ms/);
  });

  it('buffer() retries a connection cut mid-body', async () => {
    const body = Buffer.alloc(50_000, 7);
    server.route('GET', '/cut', [{ body, cutAfterBytes: 1000 }, { body }]);
    const got = await client.buffer(`${server.url}cut`);
    expect(got.equals(body)).toBe(true);
    expect(logs[0]).toMatch(/lost its connection/);
  });

  it('json() fails at once on a URL that redirects to itself, naming the loop, after the 20 redirects fetch follows', async () => {
    server.route('GET', '/loop', [{ status: 302, headers: { location: '/loop' } }]);
    const error = await client.json(`${server.url}loop`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRequestFailed);
    expect((error as Error).cause).toBeInstanceOf(HttpRedirectLoopError);
    expect((error as Error).message).toBe(
      `GET ${server.url}loop was redirected 20 times without an answer and then back to ` +
        `${server.url}loop, where it had been: the redirects go round a loop. Check the address ` +
        'asked for (its setting); if it is right, the server is at fault: run again later, or ' +
        'report it to whoever runs that server',
    );
    // The request and the 20 redirects followed, once: asked again, it would loop again.
    expect(server.requests).toHaveLength(21);
    expect(logs).toEqual([]);
  });

  it('buffer() fails at once on redirects that go round two hosts, naming where they came back to', async () => {
    const other = await ReplayServer.start();
    try {
      server.route('GET', '/latest.zip', [
        { status: 307, headers: { location: `${other.url}mirror` } },
      ]);
      other.route('GET', '/mirror', [
        { status: 301, headers: { location: `${server.url}latest.zip` } },
      ]);
      const error = await client.buffer(`${server.url}latest.zip`).catch((e: unknown) => e);
      expect((error as Error).cause).toBeInstanceOf(HttpRedirectLoopError);
      expect((error as Error).message).toMatch(
        `GET ${server.url}latest.zip was redirected 20 times without an answer and then back ` +
          `to ${other.url}mirror, where it had been: the redirects go round a loop.`,
      );
      expect(server.requests.length + other.requests.length).toBe(21);
      expect(logs).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('json() follows a chain of 20 redirects, and fails at once on a longer chain that never comes back, naming where it went on to', async () => {
    for (let i = 0; i < 40; i += 1) {
      server.route('GET', `/hop/${i}`, [{ status: 302, headers: { location: `/hop/${i + 1}` } }]);
      server.route('GET', `/far/${i}`, [{ status: 308, headers: { location: `/far/${i + 1}` } }]);
    }
    server.route('GET', '/hop/20', [{ body: ['twenty'] }]);
    expect(await client.json(`${server.url}hop/0`)).toEqual(['twenty']);
    expect(server.requests).toHaveLength(21);

    const error = await client.json(`${server.url}far/0`).catch((e: unknown) => e);
    expect((error as Error).cause).toBeInstanceOf(HttpRedirectLoopError);
    expect((error as Error).message).toMatch(
      `GET ${server.url}far/0 was redirected 20 times without an answer and then on to ` +
        `${server.url}far/21: more redirects than fetch follows. Check the address asked for`,
    );
    expect(server.requests).toHaveLength(21 + 21);
    expect(logs).toEqual([]);
  });

  it('json() does not call a POST answered 303 and led back to its URL as a GET a loop: another request, on along a longer chain', async () => {
    // POST /query is answered 303 (see the result elsewhere, as a GET); 19 more redirects lead
    // to a GET of /query, which the request never sent.
    server.route('POST', '/query', [{ status: 303, headers: { location: '/result/0' } }]);
    for (let i = 0; i < 19; i += 1) {
      server.route('GET', `/result/${i}`, [
        { status: 302, headers: { location: `/result/${i + 1}` } },
      ]);
    }
    server.route('GET', '/result/19', [{ status: 302, headers: { location: '/query' } }]);
    const error = await client
      .json(`${server.url}query`, { method: 'POST', body: '{}' })
      .catch((e: unknown) => e);
    expect((error as Error).cause).toBeInstanceOf(HttpRedirectLoopError);
    expect((error as Error).message).toMatch(
      `POST ${server.url}query was redirected 20 times without an answer and then on to ` +
        `${server.url}query: more redirects than fetch follows.`,
    );
    expect(server.requests).toHaveLength(21);
  });

  it('buffer() names where a redirect led when that connection is cut mid-body', async () => {
    const body = Buffer.alloc(50_000, 7);
    server.route('GET', '/latest.zip', [{ status: 302, headers: { location: '/2025-03.zip' } }]);
    server.route('GET', '/2025-03.zip', [{ body, cutAfterBytes: 1000 }, { body }]);
    expect((await client.buffer(`${server.url}latest.zip`)).equals(body)).toBe(true);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(
      `GET ${server.url}latest.zip (redirected to ${server.url}2025-03.zip) lost its connection`,
    );
  });

  it.each([
    ['cut short in its gzip stream, which fetch takes for whole', true],
    ['cut short by a proxy that ends its chunked stream cleanly', false],
  ])('json() asks again after a body %s, and returns the next answer', async (_, gzip) => {
    const whole = JSON.stringify(
      Array.from({ length: 200 }, (__, i) => ({ date: `20${10 + (i % 10)}-0${1 + (i % 9)}` })),
    );
    const cut = gzip
      ? {
          body: gzipSync(whole).subarray(0, 200),
          headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' },
        }
      : { body: whole.slice(0, 1000), unsized: true };
    server.route('GET', '/dates', [cut, { body: whole }]);
    await expect(client.json(`${server.url}dates`)).resolves.toEqual(JSON.parse(whole));
    expect(server.requests).toHaveLength(2);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(
      new RegExp(
        `^retry 1/4 GET ${server.url}dates: GET ${server.url}dates answered HTTP 200 with a body ` +
          'that is not JSON: "\\[\\{"date":"2010-01"\\}.*" \\(Unterminated string in JSON at ' +
          'position \\d+ .*\\): it ends before its JSON does, after ' +
          `\\d+ bytes${gzip ? ' decoded from Content-Encoding "gzip"' : ''}, so it was cut short on ` +
          'the way\\. Run again later; trying again in',
      ),
    );
  });

  it('json() fails naming the URL and the cut after its retries when every body is empty', async () => {
    server.route('GET', '/empty', [{ body: '' }]);
    await expect(client.json(`${server.url}empty`)).rejects.toThrow(
      `GET ${server.url}empty failed after 5 attempts: GET ${server.url}empty answered HTTP 200 ` +
        'with a body that is not JSON: "" (Unexpected end of JSON input): it ends before its JSON ' +
        'does, after 0 bytes, so it was cut short on the way. Run again later',
    );
    expect(server.requests).toHaveLength(5);
  });

  it('json() names the URL when a 200 body is not JSON', async () => {
    server.route('GET', '/html', [{ body: '<html>maintenance</html>' }]);
    const error = await client.json(`${server.url}html`).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/\/html .*not JSON: "<html>maintenance/);
    expect(server.requests).toHaveLength(1);
  });
});

describe('HttpClient against a server whose body cannot be decoded as its Content-Encoding says', () => {
  let server: ReplayServer;
  let logs: string[];
  let client: HttpClient;
  beforeEach(async () => {
    server = await ReplayServer.start();
    logs = [];
    client = new HttpClient({
      minBackoffMs: 1,
      maxBackoffMs: 5,
      retries: 2,
      timeoutMs: 2000,
      log: (m) => logs.push(m),
    });
  });
  afterEach(async () => {
    await server.close();
  });

  /** police.uk's answer for one crime, as a crimes-street answer holds it. */
  const crimes = Buffer.from(`[${readFileSync('tests/fixtures/police-api/crime.json', 'utf8')}]`);
  /** `data` with two bytes in its middle flipped. */
  const damaged = (data: Buffer): Buffer => {
    const copy = Buffer.from(data);
    const at = Math.floor(copy.length / 2);
    copy[at] = (copy[at] ?? 0) ^ 0xff;
    copy[at + 1] = (copy[at + 1] ?? 0) ^ 0xff;
    return copy;
  };
  // gzip and deflate carry a checksum that tells damaged bytes; brotli and zstd (as zstd
  // compresses by default) do not, so theirs are bodies not compressed at all, though the
  // header says so.
  const encodings: [string, Buffer][] = [
    ['gzip', damaged(gzipSync(crimes))],
    ['deflate', damaged(deflateSync(crimes))],
    ['gzip', crimes],
    ['br', crimes],
    ['zstd', crimes],
  ];

  it.each(encodings)(
    'json() names a damaged body (Content-Encoding %s), not a lost connection, and fails after its retries',
    async (encoding, body) => {
      server.route('GET', '/api/crimes-street/all-crime', [
        { body, headers: { 'content-encoding': encoding } },
      ]);
      const url = `${server.url}api/crimes-street/all-crime`;
      const error = await client.json(url).catch((e: unknown) => e);
      const message = (error as Error).message;
      expect(message).toMatch(
        `GET ${url} failed after 3 attempts: GET ${url} answered with a body that cannot be ` +
          `decoded as its Content-Encoding "${encoding}" says (`,
      );
      expect(message).toMatch(
        /\): the server, or a proxy on the way, sent it damaged\. Run again later; if it fails the same way, report it to whoever runs that server$/,
      );
      expect(message).not.toContain('lost its connection');
      expect(logs[0]).toContain('cannot be decoded');
    },
  );

  it('json() asks again after a damaged gzip body and returns the next answer', async () => {
    server.route('GET', '/api/crimes-street/all-crime', [
      { body: damaged(gzipSync(crimes)), headers: { 'content-encoding': 'gzip' } },
      { body: gzipSync(crimes), headers: { 'content-encoding': 'gzip' } },
    ]);
    const answer = await client.json(`${server.url}api/crimes-street/all-crime`);
    expect(answer).toEqual(JSON.parse(crimes.toString('utf8')));
    expect(logs).toHaveLength(1);
  });

  it('buffer() names where a redirect led when the body there cannot be decoded', async () => {
    server.route('GET', '/latest', [{ status: 302, headers: { location: '/2025-03' } }]);
    server.route('GET', '/2025-03', [{ body: crimes, headers: { 'content-encoding': 'br' } }]);
    const error = await client.buffer(`${server.url}latest`).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      `GET ${server.url}latest (redirected to ${server.url}2025-03) answered with a body that ` +
        'cannot be decoded as its Content-Encoding "br" says',
    );
  });
});

describe('HttpClient against a server whose answer is not valid HTTP', () => {
  /** A server on 127.0.0.1 that writes `answer` as it is to every request. */
  async function rawServer(answer: string): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createServer((socket) => {
      socket.once('data', () => socket.end(answer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/api/crimes-street-dates`,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  it.each([
    [
      'an empty Content-Length',
      'HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n[]',
      'Empty Content-Length',
    ],
    [
      'a chunk size that is not a number, mid-body',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n[\r\nZZ\r\n]\r\n0\r\n\r\n',
      'Invalid character in chunk size',
    ],
    ['no status line', 'HELLO\r\n\r\n', 'Expected HTTP/'],
  ])(
    'json() names an answer with %s as not valid HTTP, not a lost connection',
    async (_what, answer, reason) => {
      const logs: string[] = [];
      const raw = await rawServer(answer);
      try {
        const client = new HttpClient({
          minBackoffMs: 1,
          maxBackoffMs: 2,
          retries: 1,
          log: (m) => logs.push(m),
        });
        const error = await client.json(raw.url).catch((e: unknown) => e);
        const message = (error as Error).message;
        expect(message).toMatch(
          `GET ${raw.url} failed after 2 attempts: GET ${raw.url} was answered with something ` +
            'that is not valid HTTP (Response does not match the HTTP/1.1 protocol (',
        );
        expect(message).toContain(reason);
        expect(message).toMatch(
          /\): the server, or a proxy on the way, is at fault\. Run again later; if it fails the same way, report it to whoever runs that server$/,
        );
        expect(logs).toHaveLength(1);
      } finally {
        await raw.close();
      }
    },
  );
});

describe('HttpClient against a server that answers too slowly for its deadline', () => {
  let server: ReplayServer;
  let logs: string[];
  /** A deadline of 600 ms; an idle timeout of 300 ms, which a byte every 40 ms never trips. */
  let client: HttpClient;
  beforeEach(async () => {
    server = await ReplayServer.start();
    logs = [];
    client = new HttpClient({
      minBackoffMs: 1,
      maxBackoffMs: 5,
      retries: 2,
      timeoutMs: 300,
      deadlineMs: 600,
      log: (m) => logs.push(m),
    });
  });
  afterEach(async () => {
    await server.close();
  });

  /** A crimes-street-like answer of a few kB: at a byte every 40 ms, minutes long. */
  const crimes = JSON.stringify(
    Array.from({ length: 40 }, (_, i) => ({ id: 80_000_000 + i, month: '2025-03' })),
  );

  it('json() ends an answer trickled a byte at a time at its deadline, retries it, and fails naming the URL', async () => {
    server.route('GET', '/api/crimes-street/all-crime', [{ body: crimes, trickleMs: 40 }]);
    const url = `${server.url}api/crimes-street/all-crime`;
    const started = performance.now();
    const error = await client.json(url).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(HttpRequestFailed);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^GET ${url} failed after 3 attempts: GET ${url} took longer than the 600 ms a ` +
          'request may take \\(\\d+ body bytes received\\): the server answers too slowly$',
      ),
    );
    expect(server.requests).toHaveLength(3);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/^retry 1\/2 GET .*took longer than the 600 ms/);
  });

  it('json() retries an answer trickled past its deadline and returns the next one', async () => {
    server.route('GET', '/api/crimes-street/all-crime', [
      { body: crimes, trickleMs: 40 },
      { body: crimes },
    ]);
    const answer = await client.json(`${server.url}api/crimes-street/all-crime`);
    expect(answer).toEqual(JSON.parse(crimes));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/took longer than the 600 ms a request may take/);
  });

  it('buffer() ends a chain of redirects that each answer just within the idle timeout at its deadline', async () => {
    for (let hop = 0; hop < 10; hop += 1) {
      server.route('GET', `/hop${hop}`, [
        { delayMs: 200, status: 302, headers: { location: `/hop${hop + 1}` } },
      ]);
    }
    server.route('GET', '/hop10', [{ body: 'at last' }]);
    const error = await client.buffer(`${server.url}hop0`).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      `GET ${server.url}hop0 failed after 3 attempts: GET ${server.url}hop0 took longer than the 600 ms`,
    );
    expect(server.requestsTo('/hop10')).toHaveLength(0);
  });

  it('buffer() gives a body it was told the size of the time that size takes at 512 KiB/s', async () => {
    // 400 kB: under a second at 512 KiB/s, on top of the 600 ms; the first attempt trickles.
    const body = Buffer.alloc(400_000, 7);
    server.route('GET', '/big', [{ body: body.subarray(0, 40), trickleMs: 40 }, { body }]);
    const started = performance.now();
    await client.buffer(`${server.url}big`, { expectedBytes: body.length });
    // The first attempt ran to 600 ms + 763 ms, not 600 ms.
    expect(performance.now() - started).toBeGreaterThan(1300);
    expect(logs[0]).toMatch(/took longer than the 1363 ms a request may take/);
  });
});

describe('HttpClient when the host cannot be reached', () => {
  /** A port on 127.0.0.1 that nothing listens on. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  /** The error undici's fetch throws when a host name does not resolve. */
  function dnsFailure(code: 'ENOTFOUND' | 'EAI_AGAIN'): TypeError {
    const cause = Object.assign(new Error(`getaddrinfo ${code} data.police.uk`), {
      code,
      syscall: 'getaddrinfo',
      hostname: 'data.police.uk',
    });
    return new TypeError('fetch failed', { cause });
  }

  it('json() fails at once, in one line, when nothing listens (a closed port), without retrying', async () => {
    const logs: string[] = [];
    // The default retry policy: five retries from 1 s would wait about a minute.
    const client = new HttpClient({ log: (m) => logs.push(m) });
    const url = `http://127.0.0.1:${await closedPort()}/api/crimes-street-dates`;
    const started = performance.now();
    const error = await client.json(url).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(HttpRequestFailed);
    expect((error as HttpRequestFailed).attempts).toBe(1);
    expect((error as Error).message).toMatch(/cannot reach the host.*\[ECONNREFUSED\]$/);
    expect((error as Error).message).not.toContain('\n');
    expect(logs).toEqual([]);
  });

  it.each(['ENOTFOUND', 'EAI_AGAIN'] as const)(
    'json() fails at once when the host name does not resolve (%s)',
    async (code) => {
      let calls = 0;
      const client = new HttpClient({
        fetch: async () => {
          calls += 1;
          throw dnsFailure(code);
        },
      });
      const error = await client.json('https://data.police.uk/api/forces').catch((e: unknown) => e);
      expect(calls).toBe(1);
      expect((error as Error).message).toBe(
        `GET https://data.police.uk/api/forces: cannot reach the host, its host name does not resolve (no network, or a wrong URL?) [${code}]`,
      );
    },
  );

  const refused = () =>
    new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });

  /** A client with quick retries whose fetches give `answers` in turn, logging to `logs`. */
  function answering(answers: (() => Promise<Response>)[], logs: string[]): HttpClient {
    return new HttpClient({
      minBackoffMs: 1,
      maxBackoffMs: 2,
      log: (m) => logs.push(m),
      fetch: () => (answers.shift() as () => Promise<Response>)(),
    });
  }

  it('json() still retries a refused connection after the first attempt (a server restarting)', async () => {
    const logs: string[] = [];
    const client = answering(
      [
        async () => new Response('busy', { status: 503 }),
        async () => {
          throw refused();
        },
        async () => Response.json(['2025-03']),
      ],
      logs,
    );
    expect(await client.json('https://data.police.uk/api/crimes-street-dates')).toEqual([
      '2025-03',
    ]);
    expect(logs).toHaveLength(2);
    expect(logs[1]).toMatch(/ECONNREFUSED/);
  });

  it.each([
    ['a refused connection', refused],
    ['a host name that does not resolve for a moment', () => dnsFailure('EAI_AGAIN')],
    ['a host name that does not resolve', () => dnsFailure('ENOTFOUND')],
  ])(
    "retries %s on a later request's first attempt, once the host has answered in the run",
    async (_what, failure) => {
      const answers: (() => Promise<Response>)[] = [
        async () => Response.json(['2025-03']),
        async () => {
          throw failure();
        },
        async () => {
          throw failure();
        },
        async () => Response.json([{ id: 'west-yorkshire' }]),
      ];
      const logs: string[] = [];
      const client = answering(answers, logs);
      await client.json('https://data.police.uk/api/crimes-street-dates');
      expect(await client.json('https://data.police.uk/api/forces')).toEqual([
        { id: 'west-yorkshire' },
      ]);
      expect(logs).toHaveLength(2);
      expect(answers).toHaveLength(0);
    },
  );

  it('still fails at once for another host that has never answered, after one that has', async () => {
    let calls = 0;
    const client = new HttpClient({
      fetch: async (url) => {
        calls += 1;
        if (String(url).startsWith('https://data.police.uk/')) return Response.json([]);
        throw refused();
      },
    });
    await client.json('https://data.police.uk/api/forces');
    const error = await client.json('https://api.postcodes.io/postcodes').catch((e: unknown) => e);
    expect(calls).toBe(2);
    expect((error as Error).message).toMatch(/cannot reach the host.*\[ECONNREFUSED\]$/);
  });

  it.each([9, 25, 6000])(
    'json() fails at once, in one line, for a port fetch never connects to (%i), without retrying',
    async (port) => {
      const logs: string[] = [];
      // The default retry policy: retried, a blocked port would take about a minute to fail.
      const client = new HttpClient({ log: (m) => logs.push(m) });
      const url = `http://127.0.0.1:${port}/api/crimes-street-dates`;
      const started = performance.now();
      const error = await client.json(url).catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error).toBeInstanceOf(HttpRequestFailed);
      expect((error as HttpRequestFailed).attempts).toBe(1);
      expect((error as Error).message).toBe(
        `GET ${url}: not asked, port ${port} is one that fetch never connects to, as browsers ` +
          'do not [bad port]: check the URL (its setting or the redirect)',
      );
      expect(logs).toEqual([]);
    },
  );

  describe('after a redirect', () => {
    let server: ReplayServer;
    beforeEach(async () => {
      server = await ReplayServer.start();
    });
    afterEach(async () => {
      await server.close();
    });

    /** GET /latest.zip on the replay server answers 302 to `target`. */
    const redirectTo = (target: string) =>
      server.route('GET', '/latest.zip', [{ status: 302, headers: { location: target } }]);

    it('names the target that cannot be reached and the URL asked, and fails at once', async () => {
      const logs: string[] = [];
      const client = new HttpClient({ log: (m) => logs.push(m) });
      const target = `http://127.0.0.1:${await closedPort()}/data/archive/2025-03.zip`;
      redirectTo(target);
      const error = await client.buffer(`${server.url}latest.zip`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpRequestFailed);
      expect((error as HttpRequestFailed).attempts).toBe(1);
      expect((error as Error).message).toBe(
        `GET ${server.url}latest.zip (redirected to ${target}): cannot reach that host, ` +
          'nothing answers at that address [ECONNREFUSED]',
      );
      expect(logs).toEqual([]);
    });

    it.each(['http://127.0.0.1:6000/data/archive/2025-03.zip', 'http://127.0.0.1:9/a.zip'])(
      'names a redirect to a port fetch never connects to (%s) and fails at once',
      async (target) => {
        const client = new HttpClient({ log: () => {} });
        redirectTo(target);
        const error = await client.buffer(`${server.url}latest.zip`).catch((e: unknown) => e);
        expect((error as HttpRequestFailed).attempts).toBe(1);
        expect((error as Error).message).toBe(
          `GET ${server.url}latest.zip (redirected to ${target}): not asked, port ` +
            `${new URL(target).port} is one that fetch never connects to, as browsers do not ` +
            '[bad port]: check the URL (its setting or the redirect)',
        );
        expect(server.requestsTo('/latest.zip')).toHaveLength(1);
      },
    );

    it('fails at once when only the host asked has answered before, not the target', async () => {
      const client = new HttpClient({ minBackoffMs: 1, maxBackoffMs: 2 });
      server.route('GET', '/api/forces', [{ body: [] }]);
      await client.json(`${server.url}api/forces`);
      const target = `http://127.0.0.1:${await closedPort()}/data/archive/2025-03.zip`;
      redirectTo(target);
      const error = await client.buffer(`${server.url}latest.zip`).catch((e: unknown) => e);
      expect((error as HttpRequestFailed).attempts).toBe(1);
      expect((error as Error).message).toMatch(/\(redirected to .*\): cannot reach that host/);
      expect(server.requestsTo('/latest.zip')).toHaveLength(1);
    });

    it('retries a target that has answered before and now refuses, naming it', async () => {
      const logs: string[] = [];
      const client = new HttpClient({
        minBackoffMs: 1,
        maxBackoffMs: 2,
        retries: 2,
        log: (m) => logs.push(m),
      });
      const mirror = await ReplayServer.start();
      const target = `${mirror.url}data/archive/2025-03.zip`;
      mirror.route('GET', '/data/archive/2025-03.zip', [{ body: 'zip' }]);
      expect((await client.buffer(target)).toString()).toBe('zip');
      await mirror.close();
      redirectTo(target);
      const error = await client.buffer(`${server.url}latest.zip`).catch((e: unknown) => e);
      expect((error as HttpRequestFailed).attempts).toBe(3);
      expect(logs).toHaveLength(2);
      expect(logs[0]).toContain(
        `GET ${server.url}latest.zip (redirected to ${target}) lost its connection:`,
      );
      expect(logs[0]).toContain('ECONNREFUSED');
      expect(server.requestsTo('/latest.zip')).toHaveLength(3);
    });
  });

  it('retries a refused connection to a server of ours that restarts between two requests', async () => {
    const first = createHttpServer((_req, res) => res.end('["2025-03"]'));
    await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
    const { port } = first.address() as AddressInfo;
    const client = new HttpClient({ minBackoffMs: 100, maxBackoffMs: 200 });
    const url = `http://127.0.0.1:${port}/api/crimes-street-dates`;
    expect(await client.json(url)).toEqual(['2025-03']);
    await new Promise<void>((resolve) => {
      first.closeAllConnections();
      first.close(() => resolve());
    });
    // Back on the same port 150 ms later: the client's first retry waits 100-200 ms.
    const second = createHttpServer((_req, res) => res.end('["2025-04"]'));
    const back = new Promise<void>((resolve) =>
      setTimeout(() => second.listen(port, '127.0.0.1', resolve), 150),
    );
    try {
      expect(await client.json(url)).toEqual(['2025-04']);
    } finally {
      await back;
      await new Promise<void>((resolve) => {
        second.closeAllConnections();
        second.close(() => resolve());
      });
    }
  });
});
