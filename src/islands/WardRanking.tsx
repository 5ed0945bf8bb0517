// The wards ranked by crimes or by rate: the top 5, or all 33. Each ward's name is a button
// that opens its details, the keyboard's way to pick a ward (the outlines are not in the tab
// order).
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { MapData } from '../shared/map-data.ts';
import { capitalise, formatRate, listInWords, ordinal, plural } from '../lib/format.ts';
import { formatCount } from '../shared/format-count.ts';
import { tiedBeyond, type RankedWard } from '../lib/map-rates.ts';
import type { MapMeasure } from '../lib/map-state.ts';

/** How many wards the ranking shows until "show all" is pressed. */
export const TOP_WARDS = 5;

export interface WardRankingProps {
  data: MapData;
  ranking: readonly RankedWard[];
  /** Each ward's rate, indexed like data.wards, and the rates' unit. */
  rates: readonly (number | null)[];
  rateUnit: string;
  /** What the counts count: "crimes", "crimes and anti-social behaviour incidents". */
  noun: string;
  /** The window in words, as the legend and the ward details name it (describeWindow). */
  window: string;
  /**
   * What the figures cover when it is not the whole district: "Leeds without the city centre"
   * (withoutCentre) when the centre is left out, null otherwise.
   */
  without: string | null;
  /**
   * The wards (indexes) the centre holds whole while it is left out (Figures.leftOut): listed
   * without a rank or a figure, and a note under them says why.
   */
  leftOut: ReadonlySet<number>;
  /** The centre's label ("city centre"), which that note names. */
  centreLabel: string;
  measure: MapMeasure;
  showAll: boolean;
  /** Slug of the selected ward, or null. */
  selected: string | null;
  onPick(slug: string): void;
  onShowAll(showAll: boolean): void;
}

/**
 * The top list's caption, "Top 5 wards by crimes, Feb 2025 – Mar 2025, all 2 months with data",
 * saying when wards left out share the last rank shown: "...; 2 more share 5th place".
 */
function topCaption(ranking: readonly RankedWard[], by: string): string {
  const more = tiedBeyond(ranking, TOP_WARDS);
  const rank = ranking[TOP_WARDS - 1]?.rank ?? null;
  const top = `Top ${TOP_WARDS} wards by ${by}`;
  return more === 0 || rank === null
    ? top
    : `${top}; ${more} more ${plural(more, 'shares', 'share')} ${ordinal(rank)} place`;
}

/**
 * Why wards wholly in the centre, left out with it, are listed without a rank or a figure:
 * "City is not ranked: it lies wholly in the city centre, which is left out."
 */
function leftOutNote(names: readonly string[], centreLabel: string): string {
  const one = names.length === 1;
  return `${listInWords(names)} ${one ? 'is' : 'are'} not ranked: ${one ? 'it lies' : 'they lie'} wholly in the ${centreLabel}, which is left out.`;
}

export function WardRanking(props: WardRankingProps) {
  const { data, ranking, showAll, selected } = props;
  const visible = showAll ? ranking : ranking.slice(0, TOP_WARDS);
  const leftOutShown = visible
    .filter((r) => props.leftOut.has(r.ward))
    .map((r) => data.wards[r.ward]?.name ?? '');
  // The window named as the legend and the ward details name it, its months without data too,
  // after the centre left out: a reader of the table alone learns the centre's crimes are not in it.
  const measured = props.measure === 'count' ? props.noun : `${props.noun} ${props.rateUnit}`;
  const by = [measured, props.without, props.window].filter((part) => part !== null).join(', ');
  const caption = showAll ? `All wards by ${by}` : topCaption(ranking, by);
  // The button sits under the list, which it lengthens or shortens: pressed from the keyboard,
  // it would leave the panel's view with the focus on it. It is scrolled back into view.
  const toggle = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => {
    const button = toggle.current;
    if (button !== null && document.activeElement === button) {
      button.scrollIntoView({ block: 'nearest' });
    }
  }, [showAll]);
  // Back or forward can reorder the wards under the keyboard's focus: a button moved to its new
  // place, or left out of the top 5, loses focus to the page's start. It is given back, or to
  // the button under the list when the ward is no longer shown.
  // Read as the render starts, before it moves the buttons; none when rendered to a string
  // (no document: the page's HTML at build time, the tests).
  const table = useRef<HTMLTableElement>(null);
  const active = typeof document === 'undefined' ? null : document.activeElement;
  const focusedWard =
    active !== null && table.current?.contains(active)
      ? (active.getAttribute('data-ward') ?? null)
      : null;
  useLayoutEffect(() => {
    if (focusedWard === null || document.activeElement !== document.body) return;
    const button = table.current?.querySelector<HTMLButtonElement>(
      `button[data-ward="${CSS.escape(focusedWard)}"]`,
    );
    (button ?? toggle.current)?.focus({ preventScroll: true });
  });
  // Escape in the whole list folds it back to the top wards, focus on the button that shows them
  // all again, as a fold-out list folds (escape-keys.ts foldOnEscape, which is a <details>'
  // and so cannot serve a table and its button); the next Escape is the sheet's.
  const showTopOnEscape = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented || !showAll) return;
    e.preventDefault();
    toggle.current?.focus({ preventScroll: true });
    props.onShowAll(false);
  };
  return (
    <>
      <table
        class="crime-map__ranking"
        id="crime-map-ranking"
        ref={table}
        onKeyDown={showTopOnEscape}
      >
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Ward</th>
            <th scope="col">{capitalise(props.noun)}</th>
            <th scope="col">Rate {props.rateUnit}</th>
          </tr>
        </thead>
        <tbody>
          {visible.map(({ ward, count, rank }) => {
            const w = data.wards[ward];
            if (w === undefined) return null;
            const rate = props.rates[ward] ?? null;
            const left = props.leftOut.has(ward);
            return (
              <tr key={w.slug} aria-current={selected === w.slug ? 'true' : undefined}>
                <td>{rank ?? '–'}</td>
                <th scope="row">
                  <button
                    type="button"
                    class="crime-map__ward-button"
                    data-ward={w.slug}
                    aria-pressed={selected === w.slug}
                    onClick={() => props.onPick(w.slug)}
                  >
                    {w.name}
                  </button>
                </th>
                <td>{left ? 'n/a' : formatCount(count)}</td>
                <td>{left || rate === null ? 'n/a' : formatRate(rate)}</td>
              </tr>
            );
          })}
        </tbody>
        {leftOutShown.length > 0 && (
          <tfoot>
            <tr>
              <td colSpan={4} id="crime-map-ranking-left-out">
                {leftOutNote(leftOutShown, props.centreLabel)}
              </td>
            </tr>
          </tfoot>
        )}
      </table>
      <button
        type="button"
        ref={toggle}
        aria-expanded={showAll}
        aria-controls="crime-map-ranking"
        onClick={() => props.onShowAll(!showAll)}
        onKeyDown={showTopOnEscape}
      >
        {showAll ? `Show the top ${TOP_WARDS} only` : `Show all ${data.wards.length} wards`}
      </button>
    </>
  );
}
