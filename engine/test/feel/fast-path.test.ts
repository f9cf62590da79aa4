import fc from 'fast-check';
import { evaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import { evaluateFeel } from '../../src/feel/index.js';
import { toJsonValue } from '../../src/feel/to-json-value.js';

// evaluateFeel answers `name <op> literal` and bare names without feelin when it can. These tests
// check, on generated inputs, that the answer is exactly what feelin alone returns.
const reference = (source: string, variables: Record<string, unknown>): unknown =>
  toJsonValue(evaluate(source, variables).value);

const names = fc.constantFrom(
  'level',
  'lev',
  'l',
  'amount',
  'approved',
  'x',
  'count',
  'sum',
  'not',
  'date',
  'now',
  'a_b',
  'true',
  'null',
  'in',
  'string',
  'Level',
);
const primitive = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('special', '', ' special', 'Special', 'é', '"', '\\'),
  fc.integer({ min: -5, max: 15 }),
  fc.double({ noNaN: true, min: -20, max: 20 }),
  fc.constantFrom(0, -0, 10, 10.5, 1e21, Number.MAX_SAFE_INTEGER),
  fc.boolean(),
  fc.constant(null),
);
const literal = fc.oneof(
  fc.stringMatching(/^[a-z ]{0,6}$/).map((s) => `"${s}"`),
  fc.constantFrom('"special"', '""', '10', '10.5', '0', '007', '1.0', 'true', 'false', '1e3'),
  fc.nat(30).map(String),
);
const operator = fc.constantFrom('=', '!=', '<', '<=', '>', '>=');
const spacing = fc.constantFrom('', ' ', '  ', '\t');
const variables = fc.dictionary(
  fc.oneof(names, fc.constantFrom('level x', 'a-b', 'lev el', 'x.y')),
  fc.oneof(primitive, fc.constant([1]), fc.constant({ a: 1 })),
  { maxKeys: 5 },
);

describe('fast path equivalence with feelin', () => {
  it('given any comparison with a literal when evaluated then matches feelin exactly', () => {
    fc.assert(
      fc.property(
        names,
        operator,
        literal,
        spacing,
        spacing,
        variables,
        (name, op, lit, s1, s2, vars) => {
          const source = `${s1}${name}${s2}${op}${s1}${lit}${s2}`;
          let expected: unknown;
          try {
            expected = reference(source, vars);
          } catch {
            expect(() => evaluateFeel(source, vars)).toThrow();
            return;
          }
          expect(evaluateFeel(source, vars)).toStrictEqual(expected);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('given a bare name when evaluated then matches feelin exactly', () => {
    fc.assert(
      fc.property(names, spacing, variables, (name, s, vars) => {
        const source = `${s}${name}${s}`;
        let expected: unknown;
        try {
          expected = reference(source, vars);
        } catch {
          // e.g. `sum` names a built-in function, which is not a storable value
          expect(() => evaluateFeel(source, vars)).toThrow();
          return;
        }
        expect(evaluateFeel(source, vars)).toStrictEqual(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('given a variable name with a space sharing a prefix when evaluated then feelin decides', () => {
    const vars = { level: 'special', 'level x': 'other' };
    expect(evaluateFeel('level x = "other"', vars)).toBe(reference('level x = "other"', vars));
    expect(evaluateFeel('level = "special"', vars)).toBe(true);
  });
});
