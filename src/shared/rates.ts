// ⚠️ This module ships to the browser: the pipeline, the report pages and the map island all
// take their rates, ranks and changes from here, so the same window gives the same number and
// the same words everywhere. Pure; no Node or DOM APIs.

/** Rates are per this many residents. */
export const RATE_PER = 1000;

/** Whom every rate divides by, as the pages, the map and the downloads name it. */
export const RESIDENTS_SOURCE =
  'Census 2021 usual residents, estimated for each ward from its LSOAs';

/**
 * A window with at least this many months of data, every month of the year among them, gives
 * an annual rate. Fewer months give the rate over those months, never scaled up to a year:
 * crime is seasonal (summer months run higher than winter ones in Leeds), so one to eleven
 * months times 12/N would claim a year the data does not hold. Longer windows give the
 * average year (count × 12 / months): with every calendar month present at least once, the
 * seasonal bias is small and stated. A longer window that lacks a month of the year (January
 * to June of three years) is not a year either, and gives the rate over its months.
 */
export const MONTHS_PER_YEAR = 12;

/**
 * Percentage changes are shown only when the earlier count is at least this: below 20 the
 * Poisson spread of the earlier count alone is over a fifth of it (√20 / 20 ≈ 22%), so a
 * percentage says more about chance than about crime.
 */
export const MIN_COUNT_FOR_PERCENT = 20;

/** Two-sided significance level of the change test. */
export const CHANGE_SIGNIFICANCE = 0.05;

/** Crimes per 1,000 residents, or null when there are no residents to divide by. */
export function ratePerThousand(count: number, residents: number): number | null {
  return residents > 0 ? (count / residents) * RATE_PER : null;
}

/** How a rate over some months of data is expressed. */
export interface RateWindow {
  /** Months with data in the window. */
  months: number;
  /** True when the figure is per year (12 months or more of data, each month of the year). */
  annual: boolean;
  /** The unit after the number: "per 1,000 residents a year", "per 1,000 residents over 3 months". */
  unit: string;
  /** The window in words, for a heading or a note: "a year", "3 months", "a year (average of 30 months)". */
  span: string;
}

/** The months of the year (1-12) among `months` ("YYYY-MM"). */
function monthsOfTheYear(months: readonly string[]): number {
  return new Set(months.map((month) => month.slice(5, 7))).size;
}

/**
 * How a rate over `monthsWithData` ("YYYY-MM", each once) is expressed: per year when they
 * are 12 or more and hold every month of the year, else over those months.
 */
export function rateWindow(monthsWithData: readonly string[]): RateWindow {
  const months = monthsWithData.length;
  if (months < 1) throw new Error('A rate window needs at least one month of data, got none');
  if (new Set(monthsWithData).size !== months) {
    throw new Error(`A rate window counts each month once, got ${monthsWithData.join(', ')}`);
  }
  const monthsText = months === 1 ? '1 month' : `${months} months`;
  if (months < MONTHS_PER_YEAR || monthsOfTheYear(monthsWithData) < MONTHS_PER_YEAR) {
    return {
      months,
      annual: false,
      unit: `per 1,000 residents over ${monthsText}`,
      span: monthsText,
    };
  }
  if (months === MONTHS_PER_YEAR) {
    return { months, annual: true, unit: 'per 1,000 residents a year', span: 'a year' };
  }
  return {
    months,
    annual: true,
    unit: `per 1,000 residents a year (average of ${monthsText})`,
    span: `a year (average of ${monthsText})`,
  };
}

/**
 * The rate for a window (see rateWindow): per year when its months of data make a year (the
 * average year beyond 12), otherwise over the months it holds. Null when there are no residents.
 */
export function annualisedRate(
  count: number,
  residents: number,
  monthsWithData: readonly string[],
): number | null {
  return rateIn(rateWindow(monthsWithData), count, residents);
}

/** annualisedRate for a window worked out once (rateWindow), e.g. for every ward alike. */
export function rateIn(window: RateWindow, count: number, residents: number): number | null {
  const rate = ratePerThousand(count, residents);
  if (rate === null || !window.annual) return rate;
  return (rate * MONTHS_PER_YEAR) / window.months;
}

/** Residents left in a denominator once an excluded area's residents are taken out. */
export function residentsExcluding(residents: number, excluded: number): number {
  if (excluded < 0 || excluded > residents) {
    throw new Error(
      `Cannot exclude ${excluded} residents from ${residents}: the excluded area must be part of the whole`,
    );
  }
  return residents - excluded;
}

/**
 * Competition ranks, 1 = largest; equal values share a rank and the next rank skips
 * ([5, 9, 5, 1] -> [2, 1, 2, 4]). A null value (no rate) gets no rank and does not count.
 * `shownAs`: how the values are shown (a rate to one decimal place); values shown alike are
 * equal, so two wards both shown at 5.0 share a rank whatever lies past the last digit.
 */
export function rankWithTies(
  values: readonly (number | null)[],
  shownAs?: (value: number) => string,
): (number | null)[] {
  // Each value's key worked out once: the value, or how it is shown.
  const keys = values.map((v) => (v === null || shownAs === undefined ? v : shownAs(v)));
  const largestFirst = values
    .map((_, i) => i)
    .filter((i) => values[i] !== null)
    .sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0));
  const firstIndex = new Map<number | string, number>();
  largestFirst.forEach((i, position) => {
    const key = keys[i]!;
    if (!firstIndex.has(key)) firstIndex.set(key, position + 1);
  });
  return keys.map((key) => (key === null ? null : (firstIndex.get(key) ?? null)));
}

/** How a change reads against chance; a downloaded table's change_verdict holds these. */
export const CHANGE_VERDICTS = ['higher', 'lower', 'within-normal', 'too-few'] as const;
export type ChangeVerdict = (typeof CHANGE_VERDICTS)[number];

/**
 * The change test in words, as the About page and the downloads' column descriptions give it.
 */
export const CHANGE_TEST_METHOD =
  'taking both counts as Poisson, the current count out of the two together follows a binomial distribution with probability one half when nothing has changed, and the exact two-sided p-value says how often chance alone would give a split this uneven';

/** A change between two counts over windows of equal length, judged against chance. */
export interface Change {
  current: number;
  earlier: number;
  /** (current - earlier) / earlier, or null when earlier is below MIN_COUNT_FOR_PERCENT. */
  percent: number | null;
  /** Two-sided p-value of the exact conditional test (1 when there is nothing to test). */
  pValue: number;
  /** True when the change is larger than chance would give (p < CHANGE_SIGNIFICANCE). */
  significant: boolean;
  verdict: ChangeVerdict;
  /** The verdict in plain words. */
  words: string;
}

export const VERDICT_WORDS: Record<ChangeVerdict, string> = {
  'too-few': 'too few to compare',
  'within-normal': 'within normal variation',
  higher: 'clearly higher',
  lower: 'clearly lower',
};

/**
 * Compares two counts of events, each taken as Poisson, over windows of equal exposure (the
 * same months a year apart). Given their sum n, the current count is Binomial(n, 1/2) when the
 * underlying rate has not changed; the exact two-sided p-value is twice the smaller tail,
 * capped at 1. The percentage is withheld below MIN_COUNT_FOR_PERCENT, and the words say
 * whether the change exceeds chance.
 */
export function compareCounts(current: number, earlier: number): Change {
  for (const [name, value] of [
    ['current', current],
    ['earlier', earlier],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`compareCounts needs whole non-negative counts; ${name} is ${value}`);
    }
  }
  const n = current + earlier;
  const pValue =
    n === 0 ? 1 : Math.min(1, 2 * Math.min(binomialCdf(current, n), binomialCdf(earlier, n)));
  const significant = pValue < CHANGE_SIGNIFICANCE;
  const percent = earlier >= MIN_COUNT_FOR_PERCENT ? (current - earlier) / earlier : null;
  const verdict: ChangeVerdict = significant
    ? current > earlier
      ? 'higher'
      : 'lower'
    : percent === null
      ? 'too-few'
      : 'within-normal';
  return { current, earlier, percent, pValue, significant, verdict, words: VERDICT_WORDS[verdict] };
}

/**
 * P(X <= k) for X ~ Binomial(n, 1/2), through the regularised incomplete beta function:
 * P(X <= k) = I_{1/2}(n - k, k + 1). Exact sums would be slow at city-wide counts (n in the
 * hundreds of thousands); the continued fraction converges in a few dozen steps.
 */
export function binomialCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return regularisedBeta(0.5, n - k, k + 1);
}

/** Lanczos approximation of ln Γ(x) for x > 0 (g = 7, n = 9; about 15 significant digits). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** I_x(a, b), the regularised incomplete beta function (continued fraction, Lentz). */
function regularisedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  // The fraction converges fast for x < (a + 1) / (a + b + 2); otherwise use the symmetry.
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

const BETA_MAX_STEPS = 10_000;
const BETA_EPSILON = 1e-15;
const BETA_TINY = 1e-300;

function betaFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < BETA_TINY) d = BETA_TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= BETA_MAX_STEPS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < BETA_TINY) d = BETA_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < BETA_TINY) c = BETA_TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < BETA_TINY) d = BETA_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < BETA_TINY) c = BETA_TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < BETA_EPSILON) return h;
  }
  throw new Error(`The incomplete beta fraction did not converge for x=${x}, a=${a}, b=${b}`);
}
