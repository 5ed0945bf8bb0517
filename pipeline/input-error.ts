// The one error type for unusable input files (a zip, a CSV, a JSON snapshot): its message
// says which file, what is wrong with it and what to do, so the CLI can print it as it is.

export class InputError extends Error {
  /** The file (or "archive.zip:entry") the problem is in. */
  readonly where: string;
  constructor(where: string, problem: string, options?: { cause?: unknown }) {
    super(`${where}: ${problem}`, options);
    this.name = 'InputError';
    this.where = where;
  }
}
