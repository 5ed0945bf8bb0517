// The island's one status line (CrimeMap): what a screen reader hears of the map's changes. A
// screen reader reads out a status whose text changes, so a text said again (the same postcode
// searched twice) would be heard once only. Said again, it ends in a no-break space, which is
// not read but changes the text; said again after that, it is without one, and so on. Each call
// is one change of the text, so nothing is read twice (clearing the line and setting it again
// would be two changes, and a screen reader could read the line between them).

/** What was said last, and whether it is shown with the trailing space. */
export interface StatusLine {
  text: string;
  marked: boolean;
}

export const SILENT: StatusLine = { text: '', marked: false };

/** The status line once `text` is said ('' says nothing and empties it). */
export function say(line: StatusLine, text: string): StatusLine {
  if (text === '') return line.text === '' ? line : SILENT;
  return { text, marked: text === line.text ? !line.marked : false };
}

/** The line's text as the page shows it. */
export function statusText(line: StatusLine): string {
  return line.marked ? `${line.text}\u00a0` : line.text;
}
