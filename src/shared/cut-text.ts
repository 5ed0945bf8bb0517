// Text cut short for a message: a value from outside quoted in one of the pipeline's errors or
// log lines, or in a note over the map. Ships to the browser.

/**
 * `text` in at most `maxChars` characters: as it is when it fits, else its first
 * `maxChars - 1` and "…". Characters are code points, not UTF-16 code units: a cut by code
 * units can fall inside an emoji or another character beyond U+FFFF and leave half of it, a
 * lone surrogate, which shows as a replacement character or breaks the text's encoding.
 */
export function cutText(text: string, maxChars: number): string {
  // Never more code points than code units: text this short fits whatever it holds.
  if (text.length <= maxChars) return text;
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join('')}…`;
}
