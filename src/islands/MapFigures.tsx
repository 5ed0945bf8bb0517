// The figures for the current filter, announced when they change: the Leeds total and the
// months the window holds, or, for a window without data or with no crime type chosen, why
// there is nothing to count.
import { MAP_AREA } from '../lib/map-area.ts';
import type { MapData } from '../shared/map-data.ts';
import { CRIME_TYPES, type CrimeType } from '../shared/constants.ts';
import { formatCount } from '../lib/format.ts';
import { describeMonths } from '../shared/months.ts';
import { NO_TYPES, type Figures } from './use-figures.ts';

export interface MapFiguresProps {
  data: MapData;
  types: readonly CrimeType[];
  excludeCityCentre: boolean;
  figures: Figures;
  rangeLabel: string;
}

export function MapFigures(props: MapFiguresProps) {
  const { data, types, excludeCityCentre, figures, rangeLabel } = props;
  const { coverage, noData, leedsTotal } = figures;
  if (figures.noTypes) {
    return (
      <div class="crime-map__figures" aria-live="polite" aria-atomic="true">
        <p class="crime-map__no-data" id="crime-map-no-data">
          {NO_TYPES}: there is nothing to count or rank. Choose at least one.
        </p>
      </div>
    );
  }
  if (noData) {
    const withData = data.months.filter((_, m) => data.hasData[m]);
    return (
      <div class="crime-map__figures" aria-live="polite" aria-atomic="true">
        <p class="crime-map__no-data" id="crime-map-no-data">
          No data for {rangeLabel}: the site holds no crimes for{' '}
          {coverage.months === 1 ? 'this month' : `these ${coverage.months} months`}: a gap, not
          zero, so there is nothing to count or rank. Months with data: {describeMonths(withData)}.
        </p>
      </div>
    );
  }
  return (
    <div class="crime-map__figures" aria-live="polite" aria-atomic="true">
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
        {rangeLabel}: {coverage.months} month{coverage.months === 1 ? '' : 's'}
        {coverage.gaps > 0
          ? `, ${coverage.withData} with data; ${coverage.gaps} of them without data are left out, not counted as zero`
          : ', all with data'}
        .
      </p>
    </div>
  );
}
