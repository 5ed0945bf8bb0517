// A small seeded pseudo-random generator, so the synthetic input is byte-for-byte the same
// on every machine and every run. Math.random cannot be seeded.

/** cyrb128: spreads a text seed over four 32-bit words (sfc32 needs a well-mixed state). */
function seedWords(seed: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export interface Random {
  /** The next 32-bit unsigned integer. */
  uint32(): number;
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** 64 lowercase hex characters, the shape of a police.uk Crime ID. */
  hex64(): string;
}

/** sfc32 (period about 2^128): fast, good enough statistically, and seedable from text. */
export function createRandom(seed: string): Random {
  let [a, b, c, d] = seedWords(seed);
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  const float = (): number => uint32() / 4294967296;
  return {
    uint32,
    float,
    int: (n) => Math.floor(float() * n),
    hex64: () => {
      let out = '';
      for (let i = 0; i < 8; i++) out += uint32().toString(16).padStart(8, '0');
      return out;
    },
  };
}
