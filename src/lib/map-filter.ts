// What the map shows for a filter (crime types, month range, city-centre switch), computed
// from the decoded map data. Pure and DOM-free; each function is one pass over typed arrays,
// so a filter change stays within a frame at eight years of data.
import { CHECKPOINT_MONTHS, FLAG_CITY_CENTRE, type MapData } from '../shared/map-data.ts';
import { residentsExcluding } from '../shared/rates.ts';
import { liesWhollyInCentre } from './figures.ts';

export interface MapFilter {
  /** Included crime types, as indexes into MapData.crimeTypes. */
  types: readonly number[];
  /** First and last month, as indexes into MapData.months (inclusive). */
  from: number;
  to: number;
  excludeCityCentre: boolean;
}

function typeMask(data: MapData, types: readonly number[]): Uint8Array {
  const mask = new Uint8Array(data.crimeTypes.length);
  for (const t of types) if (t >= 0 && t < mask.length) mask[t] = 1;
  return mask;
}

function monthBounds(
  data: MapData,
  filter: Pick<MapFilter, 'from' | 'to'>,
): { from: number; to: number } {
  const last = data.months.length - 1;
  const from = Math.max(0, Math.min(filter.from, last));
  const to = Math.max(from, Math.min(filter.to, last));
  return { from, to };
}

/**
 * The per-month ward totals summed from the first month: at (m * wardSlots + w) * typeCount + t,
 * the crimes of type t in ward slot w over months [0, m), for m = 0 .. months.length; the same
 * for city-centre points in `cityCentre`. A month range's totals are then one difference per
 * ward and type, whatever its length. Counts are whole numbers, far below 2^53, so the
 * differences are exact: the same totals as adding the months one by one.
 */
export interface WardCumulative {
  all: Float64Array;
  cityCentre: Float64Array;
}

export function wardCumulative(data: MapData): WardCumulative {
  const stride = data.wardSlots * data.crimeTypes.length;
  const months = data.months.length;
  const all = new Float64Array((months + 1) * stride);
  const cityCentre = new Float64Array((months + 1) * stride);
  for (let m = 0; m < months; m++) {
    const from = m * stride;
    const to = from + stride;
    for (let i = 0; i < stride; i++) {
      all[to + i] = (all[from + i] ?? 0) + (data.monthWardType[from + i] ?? 0);
      cityCentre[to + i] =
        (cityCentre[from + i] ?? 0) + (data.cityCentreMonthWardType[from + i] ?? 0);
    }
  }
  return { all, cityCentre };
}

/**
 * Crimes per ward slot for the filter: index w < wards.length is wards[w], the last slot is
 * crimes in no ward. Uses the per-month ward totals, not the entries, through `cumulative`
 * (wardCumulative of the same data: the map keeps one, so a change of filter costs one
 * difference per ward and type).
 */
export function wardTotals(
  data: MapData,
  filter: MapFilter,
  cumulative: WardCumulative,
): Float64Array {
  const totals = wardSums(data, filter, cumulative.all);
  if (filter.excludeCityCentre) {
    const centre = wardSums(data, filter, cumulative.cityCentre);
    for (let w = 0; w < totals.length; w++) totals[w] = (totals[w] ?? 0) - (centre[w] ?? 0);
  }
  return totals;
}

/**
 * Per ward slot, `sums` (one of a WardCumulative's arrays) over the filter's months and types:
 * one difference per ward and type.
 */
function wardSums(
  data: MapData,
  filter: Pick<MapFilter, 'types' | 'from' | 'to'>,
  sums: Float64Array,
): Float64Array {
  const T = data.crimeTypes.length;
  const slots = data.wardSlots;
  const totals = new Float64Array(slots);
  if (data.months.length === 0) return totals;
  const { from, to } = monthBounds(data, filter);
  const mask = typeMask(data, filter.types);
  const first = from * slots * T;
  const end = (to + 1) * slots * T;
  for (let w = 0; w < slots; w++) {
    let sum = 0;
    for (let t = 0; t < T; t++) {
      if (mask[t] === 0) continue;
      const i = w * T + t;
      sum += (sums[end + i] ?? 0) - (sums[first + i] ?? 0);
    }
    totals[w] = sum;
  }
  return totals;
}

/**
 * The wards (indexes into data.wards) that the centre holds whole: every resident of them lives
 * in it (liesWhollyInCentre) and every crime of them in the data is the centre's, as Sheffield's
 * City ward, which is its centre. With the centre left out nothing of them is left: they have
 * no count and no rate to show or rank, not a count of 0.
 */
export function wardsWhollyInCentre(data: MapData): number[] {
  const T = data.crimeTypes.length;
  const slots = data.wardSlots;
  return data.wards.flatMap((ward, w) => {
    if (!liesWhollyInCentre(ward)) return [];
    for (let m = 0; m < data.months.length; m++) {
      const base = (m * slots + w) * T;
      for (let t = 0; t < T; t++) {
        if ((data.monthWardType[base + t] ?? 0) !== (data.cityCentreMonthWardType[base + t] ?? 0)) {
          return [];
        }
      }
    }
    return [w];
  });
}

/**
 * The crimes at the centre's points (FLAG_CITY_CENTRE) per ward slot, in the filter's months
 * and of its types, whether or not the filter leaves the centre out: what leaving it out takes
 * from each ward's count over those months. From the per-month sums (`cumulative`, as
 * wardTotals), one difference per ward and type.
 */
export function wardCentreCrimes(
  data: MapData,
  filter: Pick<MapFilter, 'types' | 'from' | 'to'>,
  cumulative: WardCumulative,
): Float64Array {
  return wardSums(data, filter, cumulative.cityCentre);
}

/**
 * The wards (indexes into data.wards) the centre reaches in the filter's view, by what of
 * theirs it holds. `crimes`: some of their crimes in the filter's months and of its types lie
 * at its points (wardCentreCrimes), so leaving it out changes their count over those months,
 * their tables by type and their rate; a ward whose centre crimes all fall in other months or
 * are of other types has the same count either way, and is not among them. `residents`: some
 * of their residents live in it (Ward.cityCentreResidents, which leave the rate's denominator:
 * residentsExcluding), so it changes what their rate divides by in any view (the rate itself
 * unless the view counts none of their crimes); a ward in this one alone (in Leeds, one given
 * a few LS1 or LS2 residents by a postcode at an organisation's site) has the same count
 * either way. A ward in neither has the same figures either way.
 */
export function wardsTouchedByCentre(
  data: MapData,
  filter: Pick<MapFilter, 'types' | 'from' | 'to'>,
  cumulative: WardCumulative,
): { crimes: number[]; residents: number[] } {
  const centre = wardCentreCrimes(data, filter, cumulative);
  return {
    crimes: data.wards.flatMap((_, w) => ((centre[w] ?? 0) > 0 ? [w] : [])),
    residents: data.wards.flatMap((ward, w) => (ward.cityCentreResidents > 0 ? [w] : [])),
  };
}

/**
 * Crimes per month for the filter over its month range, for one ward index or (ward = null)
 * all of Leeds. A month without data is null: a gap, never a zero.
 */
export function monthlySeries(
  data: MapData,
  filter: MapFilter,
  ward: number | null,
): { month: string; count: number | null }[] {
  if (data.months.length === 0) return [];
  const T = data.crimeTypes.length;
  const slots = data.wardSlots;
  const { from, to } = monthBounds(data, filter);
  const mask = typeMask(data, filter.types);
  const series: { month: string; count: number | null }[] = [];
  for (let m = from; m <= to; m++) {
    const month = data.months[m] ?? '';
    if (!data.hasData[m]) {
      series.push({ month, count: null });
      continue;
    }
    let sum = 0;
    const firstSlot = ward === null ? 0 : ward;
    const lastSlot = ward === null ? slots - 1 : ward;
    for (let w = firstSlot; w <= lastSlot; w++) {
      const base = (m * slots + w) * T;
      for (let t = 0; t < T; t++) {
        if (mask[t] === 0) continue;
        sum += data.monthWardType[base + t] ?? 0;
        if (filter.excludeCityCentre) sum -= data.cityCentreMonthWardType[base + t] ?? 0;
      }
    }
    series.push({ month, count: sum });
  }
  return series;
}

/** Crimes of each crime type (indexed like MapData.crimeTypes) in one ward for the filter. */
export function wardTypeTotals(data: MapData, filter: MapFilter, ward: number): number[] {
  const T = data.crimeTypes.length;
  const slots = data.wardSlots;
  const totals = new Array<number>(T).fill(0);
  if (data.months.length === 0 || ward < 0 || ward >= slots) return totals;
  const { from, to } = monthBounds(data, filter);
  const mask = typeMask(data, filter.types);
  for (let m = from; m <= to; m++) {
    const base = (m * slots + ward) * T;
    for (let t = 0; t < T; t++) {
      if (mask[t] === 0) continue;
      let n = data.monthWardType[base + t] ?? 0;
      if (filter.excludeCityCentre) n -= data.cityCentreMonthWardType[base + t] ?? 0;
      totals[t] = (totals[t] ?? 0) + n;
    }
  }
  return totals;
}

/**
 * Crimes per point for the filter, written into `out` (length pointCount, reused between
 * calls to spare the garbage collector). Returns the largest value.
 *
 * The range is the difference of two checkpoints (cumulative totals every CHECKPOINT_MONTHS),
 * corrected at either end by the entries of the months between the checkpoint and the range's
 * end: added when the checkpoint falls inside the range, subtracted when outside. Each end
 * takes the nearer checkpoint, counted in entries, so a window of any length and alignment
 * reads at most about half a checkpoint span of entries at each end; a short range far from
 * any checkpoint is summed from its entries alone.
 */
export function pointTotals(data: MapData, filter: MapFilter, out: Float64Array): number {
  out.fill(0);
  if (data.months.length === 0) return 0;
  const { from, to } = monthBounds(data, filter);
  const mask = typeMask(data, filter.types);
  const plan = cheapestPlan(data, mask, from, to + 1);
  if (plan === null) {
    addEntries(data, filter, mask, from, to + 1, 1, out);
  } else {
    const low = plan.low * CHECKPOINT_MONTHS;
    const high = plan.high * CHECKPOINT_MONTHS;
    addCheckpointSpan(data, filter, mask, plan.low, plan.high, out);
    if (low < from) addEntries(data, filter, mask, low, from, -1, out);
    else addEntries(data, filter, mask, from, low, 1, out);
    if (high > to + 1) addEntries(data, filter, mask, to + 1, high, -1, out);
    else addEntries(data, filter, mask, high, to + 1, 1, out);
  }
  let max = 0;
  for (let p = 0; p < out.length; p++) if ((out[p] ?? 0) > max) max = out[p] ?? 0;
  return max;
}

/**
 * The checkpoints (low < high) whose difference, corrected by the fewest entries, gives months
 * [from, end); null when summing the range's own entries reads less. The cost counts entries
 * read plus the cumulative values read (one per point, or one per point and chosen type).
 */
function cheapestPlan(
  data: MapData,
  mask: Uint8Array,
  from: number,
  end: number,
): { low: number; high: number } | null {
  const entriesBetween = (a: number, b: number) => {
    const first = Math.min(a, b);
    const last = Math.max(a, b);
    return (data.monthStart[last] ?? 0) - (data.monthStart[first] ?? 0);
  };
  const spanCost = data.pointCount * spanReads(mask);
  let best: { low: number; high: number } | null = null;
  let bestCost = entriesBetween(from, end);
  const nearest = (month: number) => {
    const below = Math.floor(month / CHECKPOINT_MONTHS);
    return [below, below + 1].filter((c) => c < data.checkpoints);
  };
  for (const low of nearest(from)) {
    for (const high of nearest(end)) {
      if (high <= low) continue;
      const cost =
        spanCost +
        entriesBetween(low * CHECKPOINT_MONTHS, from) +
        entriesBetween(high * CHECKPOINT_MONTHS, end);
      if (cost < bestCost) {
        best = { low, high };
        bestCost = cost;
      }
    }
  }
  return best;
}

/**
 * Cumulative values read per point for a span: the chosen types, or the all-types total less
 * the types left out when fewer are left out than chosen.
 */
function spanReads(mask: Uint8Array): number {
  let chosen = 0;
  for (const m of mask) chosen += m;
  const left = mask.length - chosen;
  return left === 0 ? 1 : Math.min(chosen, 1 + left);
}

/** Add months [first * CHECKPOINT_MONTHS, last * CHECKPOINT_MONTHS) from the cumulative totals. */
function addCheckpointSpan(
  data: MapData,
  filter: MapFilter,
  mask: Uint8Array,
  first: number,
  last: number,
  out: Float64Array,
): void {
  const T = data.crimeTypes.length;
  const P = data.pointCount;
  const chosen: number[] = [];
  const left: number[] = [];
  for (let t = 0; t < T; t++) (mask[t] === 1 ? chosen : left).push(t);
  // The all-types total less the types left out, when that reads fewer values.
  const fromAll = 1 + left.length < chosen.length || left.length === 0;
  // Indexed, not iterated: the loop below runs for every point, and iterating the types made
  // garbage for the collector on every change.
  const types = Int32Array.from(fromAll ? left : chosen);
  const typeCount = types.length;
  const sign = fromAll ? -1 : 1;
  const skipCityCentre = filter.excludeCityCentre;
  const flags = data.pointFlags;
  const all = data.pointCumulative;
  const cumulative = data.pointTypeCumulative;
  const stride = P * T;
  for (let p = 0; p < P; p++) {
    if (skipCityCentre && ((flags[p] ?? 0) & FLAG_CITY_CENTRE) !== 0) continue;
    const a = first * stride + p * T;
    const b = last * stride + p * T;
    let sum = 0;
    for (let k = 0; k < typeCount; k++) {
      const t = types[k] ?? 0;
      sum += (cumulative[b + t] ?? 0) - (cumulative[a + t] ?? 0);
    }
    sum *= sign;
    if (fromAll) sum += (all[last * P + p] ?? 0) - (all[first * P + p] ?? 0);
    out[p] = (out[p] ?? 0) + sum;
  }
}

/** Add (sign 1) or subtract (sign -1) the entries of months [from, end) (nothing when end <= from). */
function addEntries(
  data: MapData,
  filter: MapFilter,
  mask: Uint8Array,
  from: number,
  end: number,
  sign: 1 | -1,
  out: Float64Array,
): void {
  if (end <= from) return;
  const { entryPoint, entryType, entryCount, pointFlags } = data;
  const start = data.monthStart[from] ?? 0;
  const stop = data.monthStart[end] ?? 0;
  const skipCityCentre = filter.excludeCityCentre;
  for (let e = start; e < stop; e++) {
    if (mask[entryType[e] ?? 0] === 0) continue;
    const point = entryPoint[e] ?? 0;
    if (skipCityCentre && ((pointFlags[point] ?? 0) & FLAG_CITY_CENTRE) !== 0) continue;
    out[point] = (out[point] ?? 0) + sign * (entryCount[e] ?? 0);
  }
}

/** The months of a filter's range: how many, which have data, and which have none. */
export interface MonthCoverage {
  from: string;
  to: string;
  months: number;
  /** The months with data ("YYYY-MM"), ascending: what a rate's window is made of. */
  monthsWithData: string[];
  /** The months without data ("YYYY-MM"), ascending: the gaps the window's words name. */
  monthsWithoutData: string[];
}

/** Months of the filter's range: which of them have data, and which have none. */
export function monthCoverage(
  data: MapData,
  filter: Pick<MapFilter, 'from' | 'to'>,
): MonthCoverage {
  if (data.months.length === 0) {
    return {
      from: '',
      to: '',
      months: 0,
      monthsWithData: [],
      monthsWithoutData: [],
    };
  }
  const { from, to } = monthBounds(data, filter);
  const monthsWithData: string[] = [];
  const monthsWithoutData: string[] = [];
  for (let m = from; m <= to; m++) {
    (data.hasData[m] ? monthsWithData : monthsWithoutData).push(data.months[m]!);
  }
  return {
    from: data.months[from] ?? '',
    to: data.months[to] ?? '',
    months: to - from + 1,
    monthsWithData,
    monthsWithoutData,
  };
}

/**
 * The residents a rate divides by under the filter, for one ward index or (ward = null) all
 * of Leeds: with the city centre excluded, its residents leave the denominator with its
 * crimes (Ward.cityCentreResidents, apportioned like the ward populations).
 */
export function residentsFor(
  data: MapData,
  filter: Pick<MapFilter, 'excludeCityCentre'>,
  ward: number | null,
): number {
  const wards = ward === null ? data.wards : data.wards.slice(ward, ward + 1);
  let residents = 0;
  for (const w of wards) {
    residents += filter.excludeCityCentre
      ? residentsExcluding(w.population, w.cityCentreResidents)
      : w.population;
  }
  return residents;
}
