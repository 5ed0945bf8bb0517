import { describe, expect, it } from 'vitest';
import { coordinateKey, isCoordinateKey } from '../../src/shared/coordinates.ts';

describe('coordinateKey(lon, lat)', () => {
  it('is the same for the archive text and the API text of one coordinate', () => {
    // Archive CSV "-1.553877" and API JSON "-1.553877" parse to the same number, and a
    // coordinate that went through arithmetic keeps its key.
    expect(coordinateKey(Number('-1.553877'), Number('53.795180'))).toBe('-1.553877,53.795180');
    expect(coordinateKey(-1.5 - 0.053877, 53.79518)).toBe('-1.553877,53.795180');
    expect(coordinateKey(-1.553877, 53.79518)).not.toBe(coordinateKey(-1.553878, 53.79518));
  });
});

describe('isCoordinateKey(text)', () => {
  it('accepts what coordinateKey writes and nothing else', () => {
    expect(isCoordinateKey(coordinateKey(-1.553877, 53.79518))).toBe(true);
    for (const text of [
      '',
      'Leeds',
      '-1.5539,53.7952',
      '-1.553877,53.795180,0.000000',
      ' -1.553877,53.795180',
      'NaN,NaN',
      'Infinity,53.795180',
    ]) {
      expect(isCoordinateKey(text), text).toBe(false);
    }
  });
});
