// The two parts of the explorer's frame: the panel (a side panel on a wide screen, a bottom
// sheet on a phone) that opens and closes, and the map's area with its notes.
import { MAP_AREA } from '../lib/map-area.ts';
import type { ComponentChildren, Ref, RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { MapMeasure, MapView } from '../lib/map-state.ts';
import { escapeIsTheFields } from './escape-keys.ts';

export interface MapPanelProps {
  /** The panel's element, measured while closed for the bar's height (use-sheet-bar.ts). */
  panelRef: Ref<HTMLElement>;
  open: boolean;
  onToggle(): void;
  /** Shown beside or under the toggle, also when the panel is closed; it may wrap. */
  summary: string;
  children: ComponentChildren;
}

export function MapPanel({ panelRef, open, onToggle, summary, children }: MapPanelProps) {
  const toggle = useRef<HTMLButtonElement>(null);
  // On a narrow screen the open panel is a sheet over the map, closed by Escape like any
  // disclosure that covers the page, focus going to its toggle (the controls inside are
  // hidden). On a wide screen it is a side panel beside the map, part of the page: Escape
  // leaves it open. A disclosure inside that closes on Escape (the crime types) takes it first.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented || !open || escapeIsTheFields(e.target)) return;
    const panel = e.currentTarget;
    if (!(panel instanceof HTMLElement) || getComputedStyle(panel).position !== 'fixed') return;
    e.preventDefault();
    toggle.current?.focus({ preventScroll: true });
    onToggle();
  };
  return (
    <section
      ref={panelRef}
      class="crime-map__panel"
      aria-label="Map controls and figures"
      onKeyDown={onKeyDown}
    >
      <div class="crime-map__panel-bar">
        <button
          ref={toggle}
          type="button"
          class="crime-map__panel-toggle"
          aria-expanded={open}
          aria-controls="crime-map-panel-body"
          onClick={onToggle}
        >
          {open ? 'Hide filters and figures' : 'Filters and figures'}
        </button>
        {/* Read out while the panel is closed, when it is all a phone shows of the figures; open,
            the figures in the panel say it, and it would only repeat them. */}
        <p class="crime-map__bar-summary" aria-hidden={open ? 'true' : undefined}>
          {summary}
        </p>
      </div>
      <div id="crime-map-panel-body" class="crime-map__panel-body" hidden={!open}>
        {children}
      </div>
    </section>
  );
}

export interface MapAreaProps {
  /** The map's element: where focus goes when the notes over it close. */
  mapRef: RefObject<HTMLDivElement>;
  view: MapView;
  measure: MapMeasure;
  mapError: string | null;
  tilesFailed: boolean;
  /** What the page's address asked for that the map could not show as asked (readState). */
  linkNotes: readonly string[];
  onDismissLinkNotes(): void;
  /** Say `text` in the island's status line (CrimeMap); '' says nothing. */
  announce(text: string): void;
  /** What the map counts, as the figures name it ("anti-social behaviour incidents"). */
  noun: string;
  /**
   * What the map's crimes cover when not the whole district: "Leeds without the city centre"
   * (withoutCentre) when the centre is left out, null otherwise.
   */
  without: string | null;
  /**
   * Why the map draws nothing ("no data for Jul 2024 – Jan 2025", "no crime types chosen"),
   * or null when it draws the heatmap or the wards' colours.
   */
  nothing: string | null;
  /** The legend and the ward's details, drawn over the map. */
  children: ComponentChildren;
}

/** The text that says what the map shows and how to move it (its accessible description). */
const MAP_DESCRIPTION_ID = 'crime-map-map-description';

/** Shown over the map and said in the island's status line when the base map's tiles fail. */
const TILES_FAILED = 'The background map could not be loaded; the crime layers still work.';

/**
 * What the island's status line says of a link's notes (none: nothing): the notes themselves,
 * so other notes after Back are read out too.
 */
function linkNotesAnnouncement(notes: readonly string[]): string {
  if (notes.length === 0) return '';
  return `This link asked for what the map cannot show (notes over the map): ${notes.join(' ')}`;
}

export function MapArea(props: MapAreaProps) {
  const { mapRef, view, measure, mapError, tilesFailed, linkNotes, noun, nothing, children } =
    props;
  // Said in the island's status line, there since the map data began to load (CrimeMap): a
  // screen reader reads out a status that changes, not one that comes with its text.
  const { announce } = props;
  useEffect(() => announce(linkNotesAnnouncement(linkNotes)), [announce, linkNotes]);
  // The tiles fail after the map is drawn, so after the link's notes have been said: said on
  // their own, those are not said again.
  useEffect(() => {
    if (tilesFailed) announce(TILES_FAILED);
  }, [announce, tilesFailed]);
  // The button goes with the notes: focus goes on to the map they were over, not to the page's
  // start, where a keyboard or screen reader would be left. Escape in the notes closes them too,
  // as it closes the other boxes over the map (escape-keys.ts).
  const closeLinkNotes = () => {
    props.onDismissLinkNotes();
    mapRef.current?.focus({ preventScroll: true });
  };
  // The map's name is short, as a screen reader says it on every move into the map; what it
  // shows and how to use it are its description, said after the name and its role. Read
  // alone, it names the centre left out as the legend does: "..., Leeds without the city centre".
  const drawn =
    view === 'heat'
      ? `Heatmap of ${noun}`
      : `Wards coloured by ${measure === 'count' ? noun : `${noun} per 1,000 residents`}`;
  const shows =
    nothing !== null
      ? `Nothing drawn, ${nothing}`
      : props.without === null
        ? drawn
        : `${drawn}, ${props.without}`;
  return (
    <div class="crime-map__main">
      {mapError !== null && (
        <p class="crime-map__error" role="alert">
          The map could not be drawn ({mapError}); the figures beside it are still right.
        </p>
      )}
      {(tilesFailed || linkNotes.length > 0) && (
        <div class="crime-map__map-notes">
          {tilesFailed && <p class="crime-map__note crime-map__tiles-note">{TILES_FAILED}</p>}
          {linkNotes.length > 0 && (
            <div
              class="crime-map__link-notes"
              id="crime-map-link-notes"
              role="group"
              aria-labelledby="crime-map-link-notes-title"
              onKeyDown={(e) => {
                if (e.key !== 'Escape' || e.defaultPrevented) return;
                e.preventDefault();
                closeLinkNotes();
              }}
            >
              <p id="crime-map-link-notes-title">This link asked for what the map cannot show:</p>
              <ul>
                {linkNotes.map((note, i) => (
                  <li key={i}>{note}</li>
                ))}
              </ul>
              <button type="button" onClick={closeLinkNotes}>
                Close notes
              </button>
            </div>
          )}
        </div>
      )}
      {/* Hidden: read as the map's description alone, not a second time as text before the
          map, where "Arrow keys pan" would say nothing (a description may name hidden text). */}
      <p id={MAP_DESCRIPTION_ID} hidden>
        {mapError !== null
          ? 'It could not be drawn; the figures beside it are still right.'
          : `${shows}. Arrow keys pan, plus and minus zoom; pick a ward from the ranking or the search.`}
      </p>
      {/* Focus can be given to the map's box (tabIndex -1) also when the map could not be drawn,
          so closing the notes or losing a control leaves focus here, not at the page's start;
          a map that is drawn puts it in the tab order (Leaflet's keyboard handler). */}
      <div
        ref={mapRef}
        class="crime-map__map"
        role="region"
        tabIndex={-1}
        aria-label={`Map of ${MAP_AREA.district}`}
        aria-describedby={MAP_DESCRIPTION_ID}
      />
      {children}
    </div>
  );
}
