// The figures for the current filter, announced when they change: the Leeds total and the
// months the window holds, or, for a window without data or with no crime type chosen, why
// there is nothing to count. A run of changes (a month handle dragged or stepped with the
// arrow keys) is announced once, whole, when it settles (Announced), not at every
// step, which a screen reader would queue or cut off. The announcement is said in the island's
// status line (CrimeMap), outside the filters: on a phone they are hidden while closed and under
// a ward's details, where Back, Forward or a change that comes with a ward still changes them.
import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { MAP_AREA } from '../lib/map-area.ts';
import type { MapData } from '../shared/map-data.ts';
import { CRIME_TYPES, type CrimeType } from '../shared/constants.ts';
import { plural } from '../lib/format.ts';
import { formatCount } from '../shared/format-count.ts';
import { describeMonths } from '../shared/months.ts';
import { NO_TYPES, type Figures } from './use-figures.ts';

export interface MapFiguresProps {
  data: MapData;
  types: readonly CrimeType[];
  excludeCityCentre: boolean;
  figures: Figures;
  rangeLabel: string;
  /** Say `text` in the island's status line (CrimeMap). */
  announce(text: string): void;
}

export function MapFigures(props: MapFiguresProps) {
  const { data, types, excludeCityCentre, figures, rangeLabel, announce } = props;
  const { coverage, noData, leedsTotal } = figures;
  const gaps = coverage.monthsWithoutData.length;
  if (figures.noTypes) {
    return (
      <Announced announce={announce}>
        <p class="crime-map__no-data" id="crime-map-no-data">
          {NO_TYPES}: there is nothing to count or rank. Choose at least one.
        </p>
      </Announced>
    );
  }
  if (noData) {
    const withData = data.months.filter((_, m) => data.hasData[m]);
    return (
      <Announced announce={announce}>
        <p class="crime-map__no-data" id="crime-map-no-data">
          No data for {rangeLabel}: the site holds no crimes for{' '}
          {plural(coverage.months, 'this month', `these ${coverage.months} months`)}: a gap, not
          zero, so there is nothing to count or rank. Months with data: {describeMonths(withData)}.
        </p>
      </Announced>
    );
  }
  return (
    <Announced announce={announce}>
      <p class="crime-map__total">
        <strong id="crime-map-total">{formatCount(leedsTotal)}</strong> {figures.noun} in{' '}
        {MAP_AREA.district}
        {types.length < CRIME_TYPES.length
          ? ` (${types.length} of ${CRIME_TYPES.length} crime types)`
          : ''}
        {excludeCityCentre && MAP_AREA.centre !== null
          ? `, ${MAP_AREA.centre.label} (${MAP_AREA.centre.description}) excluded`
          : ''}
      </p>
      <p id="crime-map-coverage">
        {rangeLabel}: {coverage.months} {plural(coverage.months, 'month', 'months')}
        {gaps > 0 ? (
          <>
            , {coverage.monthsWithData.length} with data; {gaps} of them without data
            <span data-unannounced="true"> ({figures.gapMonths})</span> {plural(gaps, 'is', 'are')}{' '}
            left out, not counted as zero
          </>
        ) : (
          `, ${plural(coverage.months, 'with data', 'all with data')}`
        )}
        .
      </p>
    </Announced>
  );
}

/**
 * Marks words shown but left out of the announcement: the names of a window's months without
 * data, which can run long; the announcement keeps their count, and the figures shown name them.
 */
const UNANNOUNCED = 'data-unannounced';

/** The text of `node` as textContent gives it, without the elements marked UNANNOUNCED. */
function announcedText(node: Node): string {
  if (node.nodeType === node.TEXT_NODE) return node.textContent ?? '';
  if (node.nodeType !== node.ELEMENT_NODE || (node as Element).hasAttribute(UNANNOUNCED)) {
    return '';
  }
  return [...node.childNodes].map(announcedText).join('');
}

/**
 * The figures' paragraphs as sentences, as the announcement reads them (without the words
 * marked UNANNOUNCED): each ends with a full stop, and they are joined with a space (the
 * element's own text runs them together: "in LeedsJul 2024").
 */
export function spokenText(figures: Element | null): string {
  return [...(figures?.children ?? [])]
    .map((p) => announcedText(p).replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .map((line) => (/[.!?]$/.test(line) ? line : `${line}.`))
    .join(' ');
}

/** How long the figures must stay the same before they are announced. */
export const ANNOUNCE_AFTER_MS = 500;

/**
 * The figures as shown, their words said by `announce` once they have stayed the same for
 * ANNOUNCE_AFTER_MS: one announcement for a run of changes. The figures shown when the map
 * opens are not announced (they are read with the page).
 */
function Announced({
  announce,
  children,
}: {
  announce(text: string): void;
  children: ComponentChildren;
}) {
  const shown = useRef<HTMLDivElement>(null);
  const heard = useRef<string | null>(null);
  // The words are read once the figures have settled, not at every change of a run: reading
  // them walks the figures' elements, work a change would otherwise do before its frame is done.
  useEffect(() => {
    if (heard.current === null) {
      heard.current = spokenText(shown.current);
      return undefined;
    }
    const timer = setTimeout(() => {
      const text = spokenText(shown.current);
      if (text === heard.current) return;
      heard.current = text;
      announce(text);
    }, ANNOUNCE_AFTER_MS);
    return () => clearTimeout(timer);
  });
  return (
    <div class="crime-map__figures" ref={shown}>
      {children}
    </div>
  );
}
