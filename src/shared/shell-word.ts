// Text as one word of a shell command a message tells a person to run.

/** `text` as one word of a POSIX shell command: as it is when plain, else in single quotes. */
export function shellWord(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
