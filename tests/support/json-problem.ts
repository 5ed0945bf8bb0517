// What JSON.parse says of a damaged file's text: the reason a message about it should give.

/** JSON.parse's message for `text`; throws if `text` parses (the damage did not take). */
export function jsonParseProblem(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`The damaged text still parses: ${text.slice(0, 80)}`);
}
