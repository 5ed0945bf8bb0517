// Text from outside (police.uk fields, file names, error messages quoting them) reaches the
// GitHub Actions log through everything the pipeline and the refresh print. The runner reads a
// line that starts with "::" (or the older "##[") as a workflow command: a crime's location
// with a line break and "::add-mask::" or "::error::" in it could hide log lines or fake
// annotations. Every line printed goes through logSafe(), which breaks such a start with an
// invisible WORD JOINER (U+2060): the text still reads the same, the runner ignores it.
const COMMAND_START = /^(\s*)(:)(:)|^(\s*)(#)(#\[)/gm;
const WORD_JOINER = '\u2060';

export function logSafe(text: string): string {
  return text.replace(
    COMMAND_START,
    (
      _match,
      space1?: string,
      c1?: string,
      c2?: string,
      space2?: string,
      h1?: string,
      h2?: string,
    ) =>
      c1 !== undefined
        ? `${space1 ?? ''}${c1}${WORD_JOINER}${c2 ?? ''}`
        : `${space2 ?? ''}${h1 ?? ''}${WORD_JOINER}${h2 ?? ''}`,
  );
}
