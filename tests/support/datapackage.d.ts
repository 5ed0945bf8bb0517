// frictionlessdata/datapackage-js ships no types; the tests use its validator, and its
// Resource to cast a table's rows by their Table Schema.
declare module 'datapackage' {
  /** Validate a descriptor against its Frictionless profile (the JSON Schemas it ships). */
  export function validate(
    descriptor: object,
    options?: { basePath?: string },
  ): Promise<{ valid: boolean; errors: Error[] }>;

  /** A row that does not cast: its errors, one per cell, and its row number (the header 1). */
  export interface CastError extends Error {
    errors: Error[];
    rowNumber: number;
  }

  /** A Data Resource; the tests load tabular ones with inline data (rows, header first). */
  export class Resource {
    static load(descriptor: object): Promise<Resource>;
    readonly valid: boolean;
    readonly errors: Error[];
    /**
     * The rows cast by the schema. With forceCast, a row that does not cast is its error in
     * place of the row, rather than stopping the read.
     */
    read(options: { cast: true; forceCast: true }): Promise<(unknown[] | CastError)[]>;
  }
}
