// The text of what was thrown, for a message that gives a failure's reason: the pipeline's
// commands and the site's islands alike. JavaScript can throw anything, not only an Error.

/**
 * The message of what was thrown: an Error's (a DOMException's too), a string as it is, else
 * the thing as JSON when it has a JSON form (an object's fields), else as String() gives it.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    try {
      const json = JSON.stringify(error);
      if (json !== undefined && json !== '{}') return json;
    } catch {
      // A cycle or a BigInt: String() below.
    }
  }
  return String(error);
}
