import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withPngText } from '../../../src/lib/png-text.ts';
import { pngChunks, pngTexts } from '../../support/png-chunks.ts';

/** A committed PNG: the README's picture of the map. */
const PNG = readFileSync('docs/map.png');

describe('withPngText(png, texts)', () => {
  it('adds each text after the header and keeps every chunk of the picture as it was', () => {
    const texts = { Copyright: 'Contains OS data © Crown copyright', Comment: 'Ŵ ŷ: not Latin-1' };
    const out = withPngText(PNG, texts);
    const before = pngChunks(PNG);
    const after = pngChunks(out);
    expect(after.map((c) => c.type)).toEqual([
      'IHDR',
      'iTXt',
      'iTXt',
      ...before.slice(1).map((c) => c.type),
    ]);
    expect(after.filter((c) => c.type !== 'iTXt')).toEqual(before);
    expect(Object.fromEntries(pngTexts(out))).toEqual(texts);
  });

  it('refuses a keyword PNG cannot hold, and bytes that are not a PNG', () => {
    for (const keyword of ['', ' Copyright', 'x'.repeat(80), 'Licence\u0175']) {
      expect(() => withPngText(PNG, { [keyword]: 'text' }), keyword).toThrow(
        `A PNG text keyword is 1-79 Latin-1 characters, got "${keyword}"`,
      );
    }
    expect(() => withPngText(Buffer.from('GIF89a and more bytes'), { Comment: 'x' })).toThrow(
      /Not a PNG/,
    );
  });
});
