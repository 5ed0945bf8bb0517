// A ward's details beside the map: crimes, rate, rank, types, its last 24 months and the link
// to its report. A non-modal dialog: it takes focus when a ward is picked, and Escape or the
// close button hands focus back (use-ward-focus.ts).
import { MAP_AREA, centreLeftOut, districtShown, type MapArea } from '../lib/map-area.ts';
import { useMemo } from 'preact/hooks';
import type { MapData, MapWard } from '../shared/map-data.ts';
import { centreInflatesRate, centreInflationSentence } from '../lib/figures.ts';
import { capitalise, formatRate, formatShare, plural } from '../lib/format.ts';
import { formatCount } from '../shared/format-count.ts';
import {
  monthCoverage,
  monthlySeries,
  wardCentreCrimes,
  wardTypeTotals,
  type MapFilter,
} from '../lib/map-filter.ts';
import { describeMonths, longMonth } from '../shared/months.ts';
import { RESIDENTS_SOURCE } from '../shared/rates.ts';
import { foldOnEscape } from './escape-keys.ts';
import { WardTrend } from './WardTrend.tsx';
import { NO_TYPES, rankInWords, type Figures } from './use-figures.ts';
import { WARD_HEADING_ID } from './use-ward-focus.ts';

/** The ward details' element: what the map keeps a picked ward clear of. */
export const WARD_DETAILS_ID = 'crime-map-ward';

/** The trend shows this many months, up to the last month of the window. */
export const TREND_MONTHS = 24;

export interface WardDetailsProps {
  data: MapData;
  ward: number;
  figures: Figures;
  /** The window in words, e.g. "Mar 2024 – Mar 2025, no data for Apr 2024–Jan 2025". */
  window: string;
  /** The window's months alone, e.g. "Mar 2024 – Mar 2025": what a window without data names. */
  range: string;
  wardsBase: string;
  /** What the place search said of the postcode that opened the ward, or null. */
  found: string | null;
  onClose(): void;
  /** The district and its centre (MAP_AREA: the area configuration's), which the figures name. */
  area?: Pick<MapArea, 'district' | 'centre'>;
}

/**
 * What a ward's figure says it leaves out, " without the city centre", while the centre is left
 * out and changes that figure of the ward (`changed`: figures.countWithoutCentre for its count
 * and table by type, figures.rateWithoutCentre for its rate, the rule its tooltip follows): read
 * alone, a count or rate of Hunslet and Riverside without the centre's crimes and residents
 * would pass for the ward's whole one. "" for a figure the centre leaves as it is (Armley's
 * count: only a few of its residents are the centre's), and while the centre is in.
 */
function leftOutOfWard(
  changed: ReadonlySet<number>,
  ward: number,
  centre: MapArea['centre'],
): string {
  return centreLeftOut(changed.has(ward), centre);
}

function WardFigures(props: WardDetailsProps) {
  const { data, ward, figures, area = MAP_AREA } = props;
  const w = data.wards[ward];
  if (w === undefined) return null;
  const count = figures.totals[ward] ?? 0;
  const rate = figures.rates[ward] ?? null;
  const leedsRate = figures.leedsRate;
  const rank = figures.rankOf.get(ward) ?? null;
  const { noun } = figures;
  // The district's figures as these are: without the centre's crimes and residents when it is
  // left out, and named so, since the district's own (its reports') are other numbers.
  const district = districtShown(figures.filter.excludeCityCentre, area);
  return (
    <dl>
      <dt>
        {capitalise(noun)}
        {leftOutOfWard(figures.countWithoutCentre, ward, area.centre)}
      </dt>
      <dd id="crime-map-ward-count">{formatCount(count)}</dd>
      <dt>Share of {district}</dt>
      <dd>{formatShare(figures.leedsTotal > 0 ? count / figures.leedsTotal : 0)}</dd>
      <dt>Rate{leftOutOfWard(figures.rateWithoutCentre, ward, area.centre)}</dt>
      <dd id="crime-map-ward-rate">
        {rate === null ? 'n/a' : `${formatRate(rate)} ${figures.rateUnit}`}
        {leedsRate === null ? '' : ` (${district}: ${formatRate(leedsRate)})`}
      </dd>
      <dt>Residents</dt>
      <dd id="crime-map-ward-residents">
        {formatCount(figures.populations[ward] ?? 0)}
        {(figures.populations[ward] ?? 0) < w.population
          ? ` (without the ${area.centre?.label ?? 'centre'}'s ${formatCount(w.population - (figures.populations[ward] ?? 0))})`
          : ''}
        <small> {RESIDENTS_SOURCE}</small>
      </dd>
      <dt>Rank</dt>
      <dd id="crime-map-ward-rank">
        {rank === null ? 'not ranked (no residents)' : rankInWords(figures, rank, area.centre)}
      </dd>
    </dl>
  );
}

/**
 * Why a centre ward's rate runs high (centreInflatesRate), said under its figures as its report
 * says it under its rate (CentreCaveat): null for another ward, for a ward that counts nothing
 * here (a rate of 0, nothing to inflate), for an area without a centre, and once the centre's
 * crimes and residents are left out.
 */
function CentreNote({
  ward,
  count,
  filter,
  centre,
}: {
  ward: MapWard;
  /** What the ward's figures count with the filter (Figures.totals). */
  count: number;
  filter: MapFilter;
  centre: MapArea['centre'];
}) {
  if (centre === null || filter.excludeCityCentre || !centreInflatesRate(ward, count)) return null;
  return (
    <p class="crime-map__note" id="crime-map-ward-centre">
      {centreInflationSentence([ward], centre)} &ldquo;Exclude {centre.label}&rdquo; leaves them
      out.
    </p>
  );
}

function WardTypes({
  data,
  ward,
  filter,
  without,
}: {
  data: MapData;
  ward: number;
  filter: MapFilter;
  /** What its counts leave out (leftOutOfWard). */
  without: string;
}) {
  const rows = useMemo(
    () =>
      wardTypeTotals(data, filter, ward)
        .map((count, t) => ({ type: data.crimeTypes[t] ?? '', count }))
        .filter((r) => filter.types.includes(data.crimeTypes.indexOf(r.type)))
        .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type, 'en-GB')),
    [data, filter, ward],
  );
  return (
    <details onKeyDown={foldOnEscape}>
      <summary>By crime type{without}</summary>
      <table>
        <tbody>
          {rows.map((r) => (
            <tr key={r.type}>
              <th scope="row">{r.type}</th>
              <td>{formatCount(r.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function WardDetails(props: WardDetailsProps) {
  const { data, ward, figures, area = MAP_AREA } = props;
  const w = data.wards[ward];
  const trendFilter = useMemo(
    () => ({ ...figures.filter, from: Math.max(0, figures.filter.to - TREND_MONTHS + 1) }),
    [figures.filter],
  );
  const series = useMemo(() => monthlySeries(data, trendFilter, ward), [data, trendFilter, ward]);
  // The same for every ward and every choice of types: worked out when the trend's months move.
  const trendGaps = useMemo(
    () => monthCoverage(data, { from: trendFilter.from, to: trendFilter.to }).monthsWithoutData,
    [data, trendFilter.from, trendFilter.to],
  );
  const trendGapMonths = useMemo(
    () => (trendGaps.length > 0 ? describeMonths(trendGaps) : ''),
    [trendGaps],
  );
  // Whether the centre left out takes some of the ward's crimes from its trend: over the
  // trend's own months, which the window's count does not decide (a ward whose centre crimes
  // all fall before the window has the same count either way, not the same trend).
  const trendChanged = useMemo(
    () =>
      trendFilter.excludeCityCentre &&
      (wardCentreCrimes(data, trendFilter, figures.cumulative)[ward] ?? 0) > 0,
    [data, trendFilter, figures.cumulative, ward],
  );
  if (w === undefined) return null;
  // Left out whole with the centre: nothing of it to count, and its trend would be drawn as
  // zeros, which are the centre's crimes left out, not months without crime.
  const leftOut = figures.leftOut.has(ward);
  // What the count's table by type leaves out, and what the trend and its table do.
  const without = leftOutOfWard(figures.countWithoutCentre, ward, area.centre);
  const trendWithout = centreLeftOut(trendChanged, area.centre);
  return (
    <section
      class="crime-map__ward"
      id={WARD_DETAILS_ID}
      role="dialog"
      aria-labelledby={WARD_HEADING_ID}
      onKeyDown={(e) => {
        // A table folded out inside takes the Escape first (foldOnEscape); the next one closes.
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault();
          props.onClose();
        }
      }}
    >
      <div class="crime-map__ward-head">
        <h2 id={WARD_HEADING_ID} tabIndex={-1}>
          {w.name}
        </h2>
        <button type="button" class="crime-map__close" onClick={props.onClose}>
          Close<span class="visually-hidden"> ward details</span>
        </button>
      </div>
      {props.found !== null && (
        <p class="crime-map__note" id="crime-map-ward-found">
          {props.found}
        </p>
      )}
      {figures.noData ? (
        <p class="crime-map__no-data">
          {figures.noTypes ? `${NO_TYPES}.` : `No data for ${props.range}.`}
        </p>
      ) : leftOut ? (
        <p class="crime-map__no-data" id="crime-map-ward-left-out">
          {w.name} lies wholly in the {area.centre?.label ?? 'centre'}, which is left out: none of
          its crimes or residents are counted, so it has no figures and no rank here. &ldquo;Exclude{' '}
          {area.centre?.label ?? 'centre'}&rdquo; off shows them.
        </p>
      ) : (
        <>
          <p class="crime-map__note">{props.window}</p>
          <WardFigures {...props} />
          <CentreNote
            ward={w}
            count={figures.totals[ward] ?? 0}
            filter={figures.filter}
            centre={area.centre}
          />
          <WardTypes data={data} ward={ward} filter={figures.filter} without={without} />
        </>
      )}
      {/* With no crime type chosen nothing is counted: a trend of it would be drawn as zeros. */}
      {!figures.noTypes && !leftOut && (
        <>
          <p class="crime-map__label">
            {capitalise(figures.noun)} per month{trendWithout}, {series.length}{' '}
            {plural(series.length, 'month', 'months')} to {longMonth(series.at(-1)?.month ?? '')}
            {trendGaps.length > 0
              ? `, ${series.length - trendGaps.length} of them with data; no data for ${trendGapMonths} (gaps, not zeros)`
              : ''}
          </p>
          <WardTrend
            series={series}
            gapMonths={trendGapMonths}
            label={`${capitalise(figures.noun)} per month in ${w.name}${trendWithout}`}
          />
          <details onKeyDown={foldOnEscape}>
            <summary>Monthly figures{trendWithout}</summary>
            <table>
              <tbody>
                {series.map((s) => (
                  <tr key={s.month}>
                    <th scope="row">{longMonth(s.month)}</th>
                    <td>{s.count === null ? 'no data' : formatCount(s.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
      <p>
        <a class="crime-map__report-link" href={`${props.wardsBase}${w.slug}/`}>
          Read the {w.name} ward report
        </a>
      </p>
    </section>
  );
}
