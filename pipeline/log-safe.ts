// Text from outside (police.uk fields, file names, error messages quoting them) reaches the
// GitHub Actions log and the terminal through everything the pipeline and the refresh print.
// Every line printed goes through logSafe(), which makes such text inert in two ways:
//
// - Control characters (C0 but line feed and tab, DEL, C1) are shown as escapes ("\x1b"): an
//   ESC starts an ANSI sequence that can recolour the text after it, erase or rewrite what was
//   printed before (a carriage return too), or hide a link behind harmless words (OSC 8); a
//   BEL rings. Shown, the bytes are still there to read, and do nothing.
// - Half of a character beyond U+FFFF (a lone UTF-16 surrogate, which a cut by code units
//   leaves, as JSON.parse's message quoting a body does) is shown as an escape ("\ud83d"):
//   it is not text, and the log's UTF-8 cannot hold it.
// - The runner reads a line that starts with "::" as a workflow command, and the older form
//   "##[" anywhere in a line (its legacy parser looks for it, not at the start): a crime's
//   location with a line break and "::add-mask::" or "::error::" in it, or "##[error]" or
//   "##[stop-commands]" anywhere, could hide log lines, fake annotations or switch the real
//   ones off. Such a start, and every "##[", is broken with an invisible WORD JOINER (U+2060):
//   the text still reads the same, the runner ignores it.
//
// logSafe(logSafe(text)) is logSafe(text): a line may pass through it twice (the run summary,
// printed through the reporter).
import { cutText } from '../src/shared/cut-text.ts';

// eslint-disable-next-line no-control-regex -- the control characters are what it finds
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const COMMAND_START = /^(\s*)(:)(:)|()(#)(#\[)/gm;
const WORD_JOINER = '\u2060';
/** With the u flag, a surrogate matches only when it is not one of a pair. */
const LONE_SURROGATE = /[\ud800-\udfff]/gu;

export function logSafe(text: string): string {
  return text
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(LONE_SURROGATE, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
    .replace(
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

const JSON_UNESCAPED_CONTROL = /[\x7f-\x9f]/g;

/**
 * A command's --json output, as inert in the log as logSafe() makes a line and with the same
 * value once parsed. JSON.stringify escapes the C0 controls but leaves DEL and the C1 controls
 * as they are: they become \u escapes. And "##[", which the runner reads as a command anywhere
 * in a line, can only be inside a string: it becomes "#\u0023[". A JSON line cannot start with
 * "::".
 */
export function logSafeJson(json: string): string {
  return json
    .replace(JSON_UNESCAPED_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replaceAll('##[', '#\\u0023[');
}

/** Line breaks a log viewer may start a new line at: escaped by oneLine(), as JSON escapes them. */
const LINE_BREAKS = /[\n\t\u2028\u2029]/g;
const LINE_BREAK_ESCAPES: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\t': '\\t',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * `text` on one line: a line feed or tab as "\n", "\t" (the other control characters as
 * logSafe() shows them), and as inert as logSafe() makes a line. For text from outside in an
 * error or a log line: an HTML error page or a pretty-printed JSON body would spread one
 * message over many lines, whose later ones read as lines of their own.
 */
export function oneLine(text: string): string {
  return logSafe(text.replace(LINE_BREAKS, (c) => LINE_BREAK_ESCAPES[c] ?? c));
}

/**
 * Text from outside (a server's body, a field of its answer) quoted in an error or a log line:
 * in double quotes, cut to its first `maxChars` characters and "…" when longer (cutText(),
 * which never halves a character), on one line (oneLine()).
 */
export function quoteOutside(text: string, maxChars: number): string {
  return `"${oneLine(cutText(text, maxChars + 1))}"`;
}

/**
 * A GitHub Actions annotation (`::warning title=TITLE::message`), shown on the run's page:
 * the message escaped as the runner reads a command's message (%, CR and LF as %25, %0D, %0A)
 * and made inert as logSafe() makes a line, so text it quotes cannot end the command or start
 * another. `title` is the caller's own words.
 */
export function annotation(level: 'warning' | 'error', title: string, message: string): string {
  const escaped = message.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
  return `::${level} title=${title}::${logSafe(escaped)}`;
}
