// The map's view state, kept in the URL: parsed on load and on back/forward, written as
// history entries (one per discrete change, one per continuous move). An address opened with
// values the map could not use is replaced by the one for what it shows, and the notes say why.
import { useEffect, useMemo, useRef, useState, type MutableRef } from 'preact/hooks';
import {
  readState,
  sameState,
  serialiseState,
  type MapViewState,
  type StateContext,
} from '../lib/map-state.ts';
import { createHistoryWriter } from './history-writer.ts';

/**
 * 'push': a discrete change, one history entry (back undoes it). 'step': one step of a
 * continuous change (slider, map pan or zoom); the steps of one move share an entry. 'amend':
 * the rest of the last change, in its entry (a picked ward's pan into view).
 */
export type CommitMode = 'push' | 'step' | 'amend';
export type Commit = (patch: Partial<MapViewState>, mode: CommitMode) => void;

export interface MapStateHandle {
  state: MapViewState;
  /**
   * What the address asked for that the map could not show as asked, one sentence each, and
   * what it shows instead (readState's notes); [] once dismissed or after back or forward.
   */
  linkNotes: string[];
  dismissLinkNotes(): void;
  /** The latest state, for callbacks that outlive a render. */
  stateRef: MutableRef<MapViewState>;
  /** One function for the life of the view, so parts drawn once keep their props. */
  commit: Commit;
}

/** `root` gets data-history="pending" while an entry waits to be written (tests wait for it). */
export function useMapState(
  context: StateContext,
  root: MutableRef<HTMLElement | null>,
): MapStateHandle {
  const [opened] = useState(() => readState(window.location.search, context));
  const [state, setState] = useState<MapViewState>(opened.state);
  const [linkNotes, setLinkNotes] = useState(opened.notes);
  const stateRef = useRef(state);
  stateRef.current = state;
  const history = useMemo(
    () =>
      createHistoryWriter((pending) => {
        if (pending) root.current?.setAttribute('data-history', 'pending');
        else root.current?.removeAttribute('data-history');
      }),
    [root],
  );

  const commit: Commit = useMemo(
    () => (patch, mode) => {
      const current = stateRef.current;
      const next = { ...current, ...patch };
      // A slider's end usually repeats its last step: no second redraw.
      if (!sameState(next, current)) {
        stateRef.current = next;
        setState(next);
      }
      const search = serialiseState(next, context);
      if (mode === 'push') history.push(search);
      else if (mode === 'amend') history.amend(search);
      // The changed values name the control: one move of a control is one entry.
      else history.step(search, Object.keys(patch).sort().join());
    },
    [context, history],
  );

  useEffect(() => {
    // The address says what the map shows: what it could not use is left out of it (the notes
    // say what), in place of the entry it came in, so back still leaves the page at once.
    const search = serialiseState(stateRef.current, context);
    if (search !== window.location.search) {
      const { pathname, hash } = window.location;
      window.history.replaceState(window.history.state, '', `${pathname}${search}${hash}`);
    }
    // Once, for the address the page was opened with.
  }, []);

  useEffect(() => {
    const onPopState = () => {
      history.discard();
      // A jump within the page (the skip link's #main) leaves the address's query as the map
      // wrote it: nothing to read again, and the notes stay.
      if (window.location.search === serialiseState(stateRef.current, context)) return;
      const { state: next, notes } = readState(window.location.search, context);
      stateRef.current = next;
      setState(next);
      setLinkNotes(notes);
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, [context, history]);

  const dismissLinkNotes = useMemo(() => () => setLinkNotes([]), []);
  return { state, stateRef, commit, linkNotes, dismissLinkNotes };
}
