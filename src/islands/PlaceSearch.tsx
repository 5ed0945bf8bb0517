// Find a place: a postcode of the district's list (full, sector or district, any case and
// spacing) centres the map on it and opens its ward; a ward's name opens that ward. Postcodes
// come from the published postcode index, fetched the first time one is searched; no other
// server is asked. Every answer is said in the island's status line (CrimeMap) and shown once:
// one that opens a ward with the ward's details (which cover the search on a phone, and take
// the focus), where a postcode is said under the ward's name, and under the field once they
// close, until the next search; any other under the field (several wards that match: their
// count there, a button for each after it, and their names in the status line). A ward is said
// by its details' heading alone, read out as it takes the focus: a ward found by name says
// nothing more, a postcode says where it is in "this ward".
import { MAP_AREA } from '../lib/map-area.ts';
import { useRef, useState } from 'preact/hooks';
import type { MapData } from '../shared/map-data.ts';
import type { PostcodeIndexFile } from '../shared/postcode-index.ts';
import { normalisePostcode } from '../shared/postcode-index.ts';
import { PLACE_ZOOM, findPostcode, findWards, searchWords } from '../lib/map-postcodes.ts';
import { errorMessage } from '../shared/error-message.ts';

export interface FoundPlace {
  ward: string;
  /** Where to centre the map, with its zoom; null keeps the view (a ward found by name). */
  centre: [number, number] | null;
  zoom: number | null;
  /** Where a postcode is, for the ward's details to show ("Most of LS9 7 is in …"); null for a ward. */
  note: string | null;
}

export interface PlaceSearchProps {
  data: MapData;
  postcodesUrl: string;
  onFound(place: FoundPlace): void;
  /** A search begins: what an earlier one found is no longer its answer. */
  onSearch(): void;
  /**
   * The last search's answer, once the ward it opened (which showed it) is closed: shown under
   * the field, where the postcode typed still is, until the next search; null: none.
   */
  keptAnswer: string | null;
  /** Say `text` in the island's status line. */
  announce(text: string): void;
}

async function fetchIndex(url: string): Promise<PostcodeIndexFile> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return (await response.json()) as PostcodeIndexFile;
}

const WORDS = searchWords(MAP_AREA);

export function PlaceSearch(props: PlaceSearchProps) {
  const { data, postcodesUrl, onFound, announce } = props;
  const [message, setShown] = useState('');
  /**
   * Show `text` under the field and say it; or, for an answer that opens a ward, show it
   * nowhere here (the ward's details show it) and say `said`.
   */
  const setMessage = (text: string, said?: string) => {
    setShown(said === undefined ? text : '');
    announce(said ?? text);
  };
  const [choices, setChoices] = useState<string[]>([]);
  const index = useRef<Promise<PostcodeIndexFile> | null>(null);
  const wardName = (slug: string) => data.wards.find((w) => w.slug === slug)?.name ?? slug;

  const searchPostcode = async (text: string) => {
    index.current ??= fetchIndex(postcodesUrl);
    let file: PostcodeIndexFile;
    try {
      file = await index.current;
    } catch (e) {
      index.current = null;
      setMessage(`The postcode list could not be loaded (${errorMessage(e)}).`);
      return;
    }
    const found = findPostcode(file, text);
    if (found?.kind !== 'postcode') {
      setMessage(found?.kind === 'none' ? found.message : `“${text}” is not a postcode.`);
      return;
    }
    const where = (ward: string) =>
      found.precision === 'unit'
        ? `${found.label} is in ${ward}.`
        : `Most of ${found.label} is in ${ward}; the map is centred on it.`;
    const note = where(wardName(found.ward));
    // The ward's details take the focus and their heading, the ward's name, is read out then:
    // the status line says the rest, so the name is heard once and the postcode too.
    setMessage(note, where('this ward'));
    onFound({
      ward: found.ward,
      centre: [found.lat, found.lon],
      zoom: PLACE_ZOOM[found.precision],
      note,
    });
  };

  const search = (text: string) => {
    props.onSearch();
    setChoices([]);
    if (text.trim() === '') {
      setMessage(WORDS.prompt);
      return;
    }
    // Text that reads as a postcode is looked up as one: findWards never takes it for a ward.
    if (normalisePostcode(text) !== null) {
      void searchPostcode(text);
      return;
    }
    const wards = findWards(data.wards, text);
    if (wards.length === 1 && wards[0] !== undefined) {
      // The ward's details take the focus, and their heading, the ward's name, is read out
      // then: said in the status line as well, the name would be heard twice.
      setMessage('', '');
      onFound({ ward: wards[0], centre: null, zoom: null, note: null });
    } else if (wards.length > 1) {
      // Shown before the wards' buttons, which say the rest; said, the wards are named too, or
      // a screen reader would hear the count and no ward.
      const matches = `${wards.length} wards match “${text.trim()}”`;
      setShown(`${matches}:`);
      announce(`${matches}: ${wards.map(wardName).join(', ')}. Each is a button after the field.`);
      setChoices(wards);
    } else {
      setMessage(WORDS.noMatch(text));
    }
  };

  return (
    <form
      class="crime-map__search"
      role="search"
      aria-label="Find a place"
      onSubmit={(e) => {
        e.preventDefault();
        const input = e.currentTarget.elements.namedItem('place') as HTMLInputElement | null;
        search(input?.value ?? '');
      }}
    >
      <label for="crime-map-place" class="crime-map__label">
        {WORDS.label}
      </label>
      <div class="crime-map__search-row">
        {/* The answer is the field's description: read out again when focus comes back to
            the field (as it does when the ward the search opened is closed). */}
        <input
          id="crime-map-place"
          name="place"
          type="search"
          autocomplete={WORDS.autocomplete}
          aria-describedby="crime-map-search-result"
        />
        <button type="submit">Find</button>
      </div>
      <p class="crime-map__note" id="crime-map-search-result">
        {message === '' ? (props.keptAnswer ?? '') : message}
      </p>
      {choices.length > 0 && (
        <ul class="crime-map__choices">
          {choices.map((slug) => (
            <li key={slug}>
              <button
                type="button"
                onClick={() => onFound({ ward: slug, centre: null, zoom: null, note: null })}
              >
                {wardName(slug)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
