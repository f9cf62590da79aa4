/** A JSON Schema (draft 2020-12 or 07) as plain JSON; the runtime validates with ajv. */
export type JsonSchema = { [key: string]: unknown };

/** Any JSON value. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Process variables: a JSON object. */
export type Variables = { [name: string]: JsonValue };
