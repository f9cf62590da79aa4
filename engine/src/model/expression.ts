/**
 * An expression as written in the model. Camunda 8 convention: a value starting with `=` is FEEL,
 * anything else is a static string. Conditions are always FEEL (the `=` is optional there).
 */
export type Expr =
  | { readonly kind: 'feel'; readonly source: string }
  | { readonly kind: 'static'; readonly value: string };

/** One input or output mapping (`zeebe:input` / `zeebe:output`). */
export interface IoMapping {
  readonly source: Expr;
  /** Variable name the result is written to (may be a dotted path like `a.b`). */
  readonly target: string;
}
