// The crime types, folded into a disclosure that says how many are chosen ("12 of 14 types"),
// so on a phone the fourteen checkboxes do not push the map off the screen.
import { useState } from 'preact/hooks';
import { CRIME_TYPES, type CrimeType } from '../shared/constants.ts';
import type { Commit } from './use-map-state.ts';
import { foldOnEscape } from './escape-keys.ts';

export interface CrimeTypePickerProps {
  selected: readonly CrimeType[];
  commit: Commit;
  /** Open at first (a wide screen has room for the list). */
  initiallyOpen: boolean;
}

export function typesSummary(chosen: number): string {
  if (chosen === CRIME_TYPES.length) return `All ${CRIME_TYPES.length} types`;
  if (chosen === 0) return `No types (of ${CRIME_TYPES.length})`;
  return `${chosen} of ${CRIME_TYPES.length} types`;
}

export function CrimeTypePicker({ selected, commit, initiallyOpen }: CrimeTypePickerProps) {
  const [open, setOpen] = useState(initiallyOpen);
  const chosen = new Set<CrimeType>(selected);
  return (
    <details
      class="crime-map__types"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      onKeyDown={foldOnEscape}
    >
      <summary>
        Crime types: <span class="crime-map__count">{typesSummary(selected.length)}</span>
      </summary>
      <fieldset>
        <legend class="visually-hidden">Crime types</legend>
        <div class="crime-map__buttons">
          <button type="button" onClick={() => commit({ types: [...CRIME_TYPES] }, 'push')}>
            All types
          </button>
          <button type="button" onClick={() => commit({ types: [] }, 'push')}>
            No types
          </button>
        </div>
        {CRIME_TYPES.map((type) => (
          <label key={type} class="crime-map__option">
            <input
              type="checkbox"
              name="type"
              value={type}
              checked={chosen.has(type)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                const next = CRIME_TYPES.filter((t) => (t === type ? on : chosen.has(t)));
                commit({ types: next }, 'push');
              }}
            />{' '}
            {type}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
