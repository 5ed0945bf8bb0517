import { describe, expect, it } from 'vitest';
import { redirectedRequest, type HopRequest } from '../../../pipeline/sources/redirect.ts';

const get: HopRequest = {
  url: 'https://data.police.uk/data/archive/latest.zip',
  method: 'GET',
  headers: { range: 'bytes=0-99', 'if-range': '"v1"', authorization: 'Bearer t' },
  body: undefined,
};

const post: HopRequest = {
  url: 'https://api.postcodes.io/postcodes',
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json' },
  body: '{"postcodes":["LS1 1AA"]}',
};

describe('redirectedRequest(request, status, location)', () => {
  it('resolves a relative Location against the URL asked and keeps the request as it was', () => {
    expect(redirectedRequest(get, 302, '/data/archive/2025-03.zip')).toEqual({
      ...get,
      url: 'https://data.police.uk/data/archive/2025-03.zip',
    });
  });

  it('drops credentials, and keeps the rest, when the redirect leads to another origin', () => {
    expect(redirectedRequest(get, 301, 'https://cdn.example/2025-03.zip')).toEqual({
      url: 'https://cdn.example/2025-03.zip',
      method: 'GET',
      headers: { range: 'bytes=0-99', 'if-range': '"v1"' },
      body: undefined,
    });
  });

  it('makes a POST a GET without its body on 301, 302 and 303, as fetch does', () => {
    for (const status of [301, 302, 303]) {
      expect(redirectedRequest(post, status, '/elsewhere')).toEqual({
        url: 'https://api.postcodes.io/elsewhere',
        method: 'GET',
        headers: { accept: 'application/json' },
        body: undefined,
      });
    }
  });

  it('keeps a POST and its body on 307 and 308', () => {
    for (const status of [307, 308]) {
      expect(redirectedRequest(post, status, '/elsewhere')).toEqual({
        ...post,
        url: 'https://api.postcodes.io/elsewhere',
      });
    }
  });

  it('is no redirect for another status, or without a Location', () => {
    expect(redirectedRequest(get, 200, '/x')).toBeUndefined();
    expect(redirectedRequest(get, 304, '/x')).toBeUndefined();
    expect(redirectedRequest(get, 302, null)).toBeUndefined();
  });

  it('refuses a Location that is no HTTP(S) URL, naming it escaped', () => {
    expect(() => redirectedRequest(get, 302, 'ftp://example.org/\x1b[2J')).toThrow(
      'GET https://data.police.uk/data/archive/latest.zip answered HTTP 302 with Location ' +
        '"ftp://example.org/\\x1b[2J", which is no HTTP(S) URL; check the address asked for',
    );
    expect(() => redirectedRequest(get, 302, 'http://[::1')).toThrow(/Location "http:\/\/\[::1"/);
  });
});
