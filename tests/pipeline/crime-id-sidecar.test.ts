import { describe, expect, it } from 'vitest';
import { sidecarPrefix, sidecarPrefixOfBytes } from '../../pipeline/crime-id-sidecar.ts';
import { sampleRows } from '../support/police-fixtures.ts';

const ID = 'fb19a75b1087fb75f8b38a0cae00006873b8e1c7b4062f366a430eac2a94fed1';

/** sidecarPrefixOfBytes of `id` encoded at an offset in a longer buffer, as an index keeps it. */
function prefixOfEncoded(id: string): number {
  const before = new TextEncoder().encode('0123456789abcdef-');
  const key = new TextEncoder().encode(id);
  const bytes = new Uint8Array(before.length + key.length + 5).fill(0x61);
  bytes.set(before);
  bytes.set(key, before.length);
  return sidecarPrefixOfBytes(bytes, before.length, key.length);
}

describe('sidecarPrefixOfBytes(bytes, start, length)', () => {
  it("gives sidecarPrefix's answer for every Crime ID of a real month", () => {
    const ids = sampleRows('2025-03').map((row) => row['Crime ID']!);
    expect(ids.filter((id) => sidecarPrefix(id) >= 0).length).toBeGreaterThan(1000);
    expect(ids).toContain('');
    for (const id of ids) expect(prefixOfEncoded(id)).toBe(sidecarPrefix(id));
  });

  it('leaves out (-1) what sidecars leave out: any ID not 64 lower-case hex digits', () => {
    const others = [
      '',
      ID.slice(1),
      `${ID}0`,
      ID.toUpperCase(),
      `${ID.slice(0, 50)}g${ID.slice(51)}`,
      `${ID.slice(0, 5)}-${ID.slice(6)}`,
      `${ID.slice(0, 62)}é`,
      `é${ID.slice(0, 62)}`,
      'crime 1',
    ];
    for (const id of others) {
      expect(sidecarPrefix(id)).toBe(-1);
      expect(prefixOfEncoded(id)).toBe(-1);
    }
  });

  it('reads the first 13 hex digits, every digit 0-9 and a-f', () => {
    for (const head of ['0000000000000', 'fffffffffffff', '0123456789abc', 'defabcdef0123']) {
      const id = `${head}${ID.slice(13)}`;
      expect(prefixOfEncoded(id)).toBe(Number.parseInt(head, 16));
      expect(prefixOfEncoded(id)).toBe(sidecarPrefix(id));
    }
  });
});
