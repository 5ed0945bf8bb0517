import { describe, expect, it } from 'vitest';
import { StepError } from '../../pipeline/cli.ts';
import { WriteError } from '../../pipeline/write.ts';
import { errorMessage } from '../../src/shared/error-message.ts';

describe('errorMessage(thrown)', () => {
  it("gives an Error's message, a subclass's and a DOMException's", () => {
    expect(errorMessage(new Error('disk full'))).toBe('disk full');
    expect(errorMessage(new RangeError('out of range'))).toBe('out of range');
    expect(errorMessage(new DOMException('The operation was aborted.', 'AbortError'))).toBe(
      'The operation was aborted.',
    );
  });

  it('gives a thrown string as it is', () => {
    expect(errorMessage('no such month')).toBe('no such month');
    expect(errorMessage('')).toBe('');
  });

  it("gives a thrown object's fields as JSON, not [object Object]", () => {
    expect(errorMessage({ code: 'ECONNRESET', status: 502 })).toBe(
      '{"code":"ECONNRESET","status":502}',
    );
    expect(errorMessage(['a', 1])).toBe('["a",1]');
  });

  it('falls back to String() for what has no useful JSON form', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    expect(errorMessage(cyclic)).toBe('[object Object]');
    expect(errorMessage({ big: 1n })).toBe('[object Object]');
    expect(errorMessage({})).toBe('[object Object]');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage(null)).toBe('null');
    expect(errorMessage(Symbol('stop'))).toBe('Symbol(stop)');
  });
});

describe('messages that give a thrown reason', () => {
  it("name a thrown object's fields: a failed step, a failed write", () => {
    const thrown = { code: 'EIO', detail: 'bad sector' };
    expect(new StepError(3, 'months', thrown, 'leeds').message).toBe(
      'step 3 (months) failed for leeds: {"code":"EIO","detail":"bad sector"}',
    );
    expect(new WriteError('/x/site-data.json', thrown).message).toMatch(
      /^\/x\/site-data\.json could not be written \(\{"code":"EIO","detail":"bad sector"\}\)/,
    );
  });
});
