// frictionlessdata/datapackage-js ships no types; the tests use only its validator.
declare module 'datapackage' {
  /** Validate a descriptor against its Frictionless profile (the JSON Schemas it ships). */
  export function validate(
    descriptor: object,
    options?: { basePath?: string },
  ): Promise<{ valid: boolean; errors: Error[] }>;
}
