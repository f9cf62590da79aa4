/**
 * Guards against hostile FEEL input before it reaches feelin. The parser is synchronous, so the
 * engine cannot interrupt it; measured on feelin 8.2 a few thousand characters of nested `{a:` take
 * over a second, while 10,000 characters without deep nesting stay around 300 ms. Real model
 * expressions are a few hundred characters nested a handful of levels (and feelin itself gives up
 * beyond a few hundred chained operators), so these limits are far above anything a modeller writes.
 * Brackets inside comments or backtick names are counted too, which can only refuse more.
 */
export const MAX_FEEL_EXPRESSION_LENGTH = 10_000;
export const MAX_FEEL_NESTING_DEPTH = 200;

/** Returns why the source is refused, or `undefined` when it may be parsed. */
export function checkInputLimits(source: string): string | undefined {
  if (source.length > MAX_FEEL_EXPRESSION_LENGTH) {
    return `is longer than ${MAX_FEEL_EXPRESSION_LENGTH} characters`;
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
      continue;
    }
    switch (ch) {
      case 0x22: // "
        inString = true;
        break;
      case 0x28: // (
      case 0x5b: // [
      case 0x7b: // {
        if (++depth > MAX_FEEL_NESTING_DEPTH) {
          return `nests brackets deeper than ${MAX_FEEL_NESTING_DEPTH} levels`;
        }
        break;
      case 0x29: // )
      case 0x5d: // ]
      case 0x7d: // }
        depth--;
        break;
      default:
        break;
    }
  }
  return undefined;
}
