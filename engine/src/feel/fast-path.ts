/**
 * A fast path for the most common gateway condition shapes, `name <op> literal` and a bare `name`.
 *
 * Why: feelin re-parses on every call (it exposes no reusable compiled form), and resolving a
 * single variable name costs ~150 name normalisations against its built-in table, so even
 * `level = "special"` costs tens of microseconds. Conditions sit on the interpreter's hot path.
 *
 * Exactness: this is not a FEEL interpreter. It answers only when the outcome is fully determined
 * by JavaScript primitives whose FEEL semantics feelin implements as plain JS operations, and
 * returns `undefined` ("not handled") for everything else, which then goes to feelin:
 *  - the variable must be an own property holding a string, a finite number or a boolean;
 *  - string and boolean operands only with `=` / `!=` (feelin: `a == b` for same-typed values);
 *  - numbers with `= != < <= > >=` (feelin compares JS numbers);
 *  - literals are written the way feelin reads them (integers via parseInt, decimals via
 *    parseFloat, strings without escapes are taken verbatim);
 *  - a type mismatch (e.g. a string variable against a number) is left to feelin (FEEL: null);
 *  - variables named `true`/`false` disable the fast path (feelin resolves them over literals);
 *  - no other variable whose name is not a plain identifier may occur in the text, because such
 *    names take part in feelin's context-sensitive parsing.
 * engine/test/feel/fast-path.test.ts checks equivalence with feelin on generated inputs.
 */

type Literal = string | number | boolean;
type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=';

type Shape =
  | { readonly kind: 'constant'; readonly value: boolean }
  | { readonly kind: 'variable'; readonly name: string }
  | {
      readonly kind: 'compare';
      readonly name: string;
      readonly op: Operator;
      readonly literal: Literal;
    };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BARE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/;
const COMPARE =
  /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|<=|>=|=|<|>)\s*("[^"\\]*"|\d+(?:\.\d+)?|true|false)\s*$/;

/**
 * Words with grammatical meaning in FEEL, or names of built-ins that the grammar treats specially
 * (`date and time`, `years and months duration`...). Never taken as a variable name here.
 */
// prettier-ignore
const RESERVED = new Set([
  'true', 'false', 'null', 'and', 'or', 'not', 'for', 'in', 'return', 'if', 'then', 'else', 'some',
  'every', 'satisfies', 'instance', 'of', 'function', 'between', 'external', 'date', 'time',
  'duration', 'years', 'months', 'days', 'context', 'list', 'string', 'number',
]);

const shapeCache = new Map<string, Shape | null>();
const SHAPE_CACHE_LIMIT = 2_000;

function recognise(source: string): Shape | null {
  const trimmed = source.trim();
  if (trimmed === 'true' || trimmed === 'false') {
    return { kind: 'constant', value: trimmed === 'true' };
  }
  const bare = BARE.exec(source);
  if (bare) {
    const name = bare[1]!;
    return RESERVED.has(name) ? null : { kind: 'variable', name };
  }
  const compare = COMPARE.exec(source);
  if (!compare) return null;
  const name = compare[1]!;
  if (RESERVED.has(name)) return null;
  const op = compare[2] as Operator;
  const text = compare[3]!;
  let literal: Literal;
  if (text.startsWith('"')) literal = text.slice(1, -1);
  else if (text === 'true' || text === 'false') literal = text === 'true';
  // Same conversion feelin applies to a NumericLiteral.
  else literal = text.includes('.') ? parseFloat(text) : parseInt(text, 10);
  return { kind: 'compare', name, op, literal };
}

function shapeOf(source: string): Shape | null {
  let shape = shapeCache.get(source);
  if (shape === undefined) {
    shape = source.length > 500 ? null : recognise(source);
    if (shapeCache.size >= SHAPE_CACHE_LIMIT) shapeCache.clear();
    shapeCache.set(source, shape);
  }
  return shape;
}

function isPlainPrimitive(value: unknown): value is string | number | boolean | null {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function compare(
  value: string | number | boolean,
  op: Operator,
  literal: Literal,
): boolean | undefined {
  if (typeof value !== typeof literal) return undefined;
  switch (op) {
    case '=':
      return value === literal;
    case '!=':
      return value !== literal;
    default:
      break;
  }
  if (typeof value !== 'number' || typeof literal !== 'number') return undefined;
  switch (op) {
    case '<':
      return value < literal;
    case '<=':
      return value <= literal;
    case '>':
      return value > literal;
    case '>=':
      return value >= literal;
  }
}

/**
 * Returns the FEEL result when the fast path applies, or `undefined` when feelin must decide.
 * `mayReference` is the same over-approximation used to build the feelin context.
 */
export function tryFastPath(
  source: string,
  variables: Readonly<Record<string, unknown>>,
  mayReference: (source: string, name: string) => boolean,
): boolean | string | number | null | undefined {
  const shape = shapeOf(source);
  if (shape === null) return undefined;
  // feelin lets a variable called `true`/`false` shadow the literal; leave that oddity to it.
  if (Object.hasOwn(variables, 'true') || Object.hasOwn(variables, 'false')) return undefined;
  if (shape.kind === 'constant') return shape.value;
  if (!Object.hasOwn(variables, shape.name)) return undefined;
  const value = variables[shape.name];
  if (!isPlainPrimitive(value)) return undefined;
  for (const key of Object.keys(variables)) {
    if (!IDENTIFIER.test(key) && mayReference(source, key)) return undefined;
  }
  if (shape.kind === 'variable') return value;
  if (value === null) return undefined;
  return compare(value, shape.op, shape.literal);
}
