// The binomial sums the change test must agree with, computed exactly in integers (BigInt) so
// tests check src/shared/rates.ts against first principles, not against its own arithmetic.

/** P(X <= k) for X ~ Binomial(n, 1/2): sum of C(n, i) for i <= k, over 2^n. */
export function exactBinomialCdf(k: number, n: number): number {
  let coefficient = 1n;
  let total = 0n;
  for (let i = 0; i <= k; i++) {
    total += coefficient;
    coefficient = (coefficient * BigInt(n - i)) / BigInt(i + 1);
  }
  // Keep 60 bits of the ratio before converting to a float.
  const scale = 2n ** 60n;
  return Number((total * scale) / 2n ** BigInt(n)) / Number(scale);
}

/** Two-sided exact p-value of two Poisson counts over equal windows: twice the smaller tail, at most 1. */
export function exactTwoSidedPValue(current: number, earlier: number): number {
  const n = current + earlier;
  if (n === 0) return 1;
  return Math.min(1, 2 * Math.min(exactBinomialCdf(current, n), exactBinomialCdf(earlier, n)));
}
