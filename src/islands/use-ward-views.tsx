// The ranking and the selected ward's details, each built again only when what it shows
// changed: an unchanged element is skipped whole when the view is compared with the page.
import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { MapData } from '../shared/map-data.ts';
import { MAP_AREA, withoutCentre } from '../lib/map-area.ts';
import type { MapViewState } from '../lib/map-state.ts';
import { WardDetails } from './WardDetails.tsx';
import { WardRanking } from './WardRanking.tsx';
import type { Figures } from './use-figures.ts';
import type { WardFocus } from './use-ward-focus.ts';
import { useElement } from './use-same.ts';

export interface WardViewsInput {
  data: MapData;
  figures: Figures;
  state: MapViewState;
  wards: WardFocus;
  /** The window in words. */
  windowText: string;
  /** The window's months alone (what a window without data names). */
  rangeLabel: string;
  wardsBase: string;
  /** What the place search said of the ward's postcode, or null. */
  found: string | null;
}

export function useWardViews(input: WardViewsInput): {
  ranking: JSX.Element | false;
  details: JSX.Element | false;
} {
  const { data, figures, state, wards, windowText, rangeLabel, wardsBase, found } = input;
  const [showAll, setShowAll] = useState(false);
  const { noData } = figures;
  const rankingElement = useElement(WardRanking, {
    data,
    ranking: figures.ranking,
    rates: figures.rates,
    rateUnit: figures.rateUnit,
    noun: figures.noun,
    window: windowText,
    without: withoutCentre(state.excludeCityCentre),
    leftOut: figures.leftOut,
    centreLabel: MAP_AREA.centre?.label ?? 'centre',
    measure: state.measure,
    showAll,
    selected: state.ward,
    onPick: wards.toggle,
    onShowAll: setShowAll,
  });
  const selected = state.ward === null ? -1 : data.wards.findIndex((w) => w.slug === state.ward);
  const detailsElement = useElement(WardDetails, {
    data,
    ward: selected,
    figures,
    window: windowText,
    range: rangeLabel,
    wardsBase,
    found,
    onClose: wards.close,
  });
  const ranking = !noData && rankingElement;
  const details = selected >= 0 && detailsElement;
  return { ranking, details };
}
