/** Where a JSON text stops being JSON, 1-based, and what was expected there. */
export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

function describe(c: string | undefined): string {
  if (c === undefined) return 'the end of the text';
  const code = c.codePointAt(0)!;
  return code < 0x20 || code === 0xfeff
    ? `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
    : `'${c}'`;
}

/**
 * Scans a text JSON.parse refused and returns the offset of the first error. V8's messages carry a
 * position only for some errors, so the position is found here; without recursion, so deeply nested
 * input cannot overflow the stack.
 */
function firstError(text: string): { offset: number; message: string } {
  let i = 0;
  const closers: Array<'}' | ']'> = [];
  const skip = () => {
    while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  };
  const fail = (message: string) => ({ offset: i, message });
  /** Reads a string at `i` (on its quote); an error, or undefined when it is well formed. */
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return undefined;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (e !== undefined && e !== 'u' && ESCAPES.has(e)) i += 2;
        else return fail(`invalid escape in a string`);
        continue;
      }
      if (c.charCodeAt(0) < 0x20) return fail(`${describe(c)} inside a string (escape it)`);
      i++;
    }
    return fail('a string is not closed (missing ")');
  };
  let mode: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    skip();
    const c = text[i];
    if (mode === 'key') {
      if (c !== '"') return fail(`expected a property name in double quotes, found ${describe(c)}`);
      const bad = string();
      if (bad) return bad;
      skip();
      if (text[i] !== ':')
        return fail(`expected ':' after the property name, found ${describe(text[i])}`);
      i++;
      mode = 'value';
      continue;
    }
    if (mode === 'value') {
      if (c === '{' || c === '[') {
        closers.push(c === '{' ? '}' : ']');
        i++;
        skip();
        if (text[i] === closers[closers.length - 1]) {
          closers.pop();
          i++;
          mode = 'after';
        } else mode = c === '{' ? 'key' : 'value';
        continue;
      }
      if (c === '"') {
        const bad = string();
        if (bad) return bad;
      } else if (c !== undefined && /[-0-9]/.test(c)) {
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(text);
        if (!m) return fail(`invalid number`);
        i += m[0].length;
      } else {
        const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
        if (!word) return fail(`expected a value, found ${describe(c)}`);
        i += word.length;
      }
      mode = 'after';
      continue;
    }
    // after a value
    const closer = closers[closers.length - 1];
    if (closer === undefined) {
      if (i < text.length) return fail(`unexpected ${describe(c)} after the end of the JSON value`);
      return fail('invalid JSON');
    }
    if (c === ',') {
      const comma = i;
      i++;
      skip();
      if (text[i] === closer)
        return { offset: comma, message: `a trailing comma before '${closer}' is not allowed` };
      mode = closer === '}' ? 'key' : 'value';
    } else if (c === closer) {
      closers.pop();
      i++;
    } else return fail(`expected ',' or '${closer}', found ${describe(c)}`);
  }
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** JSON.parse, with the line and column of the first error when the text is not JSON. */
export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const { offset, message } = firstError(text);
    return { ok: false, error: { ...position(text, offset), message } };
  }
}
