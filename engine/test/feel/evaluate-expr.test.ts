import { describe, expect, it } from 'vitest';
import {
  FeelEvaluationError,
  MAX_FEEL_EXPRESSION_LENGTH,
  MAX_FEEL_NESTING_DEPTH,
  evaluateExpr,
  evaluateFeel,
} from '../../src/feel/index.js';
import type { Expr } from '../../src/model/expression.js';

const feel = (source: string): Expr => ({ kind: 'feel', source });

describe('evaluateExpr', () => {
  it('given a static expression when evaluated then returns its value unchanged', () => {
    expect(evaluateExpr({ kind: 'static', value: 'send-mail' }, {})).toBe('send-mail');
  });

  it('given arithmetic when evaluated then returns the number', () => {
    expect(evaluateExpr(feel('1 + 2 * 3'), {})).toBe(7);
    expect(evaluateExpr(feel('(price - discount) / 2'), { price: 10, discount: 4 })).toBe(3);
    expect(evaluateExpr(feel('2 ** 10'), {})).toBe(1024);
  });

  it('given division by zero when evaluated then returns FEEL null', () => {
    expect(evaluateExpr(feel('1 / 0'), {})).toBeNull();
  });

  it('given string operations when evaluated then returns the string', () => {
    expect(evaluateExpr(feel('"Hello " + name'), { name: 'Ada' })).toBe('Hello Ada');
    expect(evaluateExpr(feel('upper case(name)'), { name: 'ada' })).toBe('ADA');
    expect(evaluateExpr(feel('string length("pump")'), {})).toBe(4);
    expect(evaluateExpr(feel('substring("permit", 1, 3)'), {})).toBe('per');
  });

  it('given contains() when evaluated then returns a boolean', () => {
    expect(evaluateExpr(feel('contains(area, "zone 1")'), { area: 'ATEX zone 1' })).toBe(true);
    expect(evaluateExpr(feel('contains(area, "zone 2")'), { area: 'ATEX zone 1' })).toBe(false);
  });

  it('given lists and for-expressions when evaluated then returns arrays', () => {
    expect(
      evaluateExpr(feel('for i in 1..integerVariable return i'), { integerVariable: 3 }),
    ).toEqual([1, 2, 3]);
    expect(evaluateExpr(feel('for x in items return x * 2'), { items: [1, 2] })).toEqual([2, 4]);
    expect(evaluateExpr(feel('items[item > 1]'), { items: [1, 2, 3] })).toEqual([2, 3]);
    expect(evaluateExpr(feel('count(items)'), { items: [1, 2, 3] })).toBe(3);
    expect(evaluateExpr(feel('sum([1, 2, 3])'), {})).toBe(6);
  });

  it('given contexts when evaluated then returns plain objects and supports path access', () => {
    expect(evaluateExpr(feel('{a: 1, b: {c: "x"}}'), {})).toEqual({ a: 1, b: { c: 'x' } });
    expect(evaluateExpr(feel('order.customer.name'), { order: { customer: { name: 'Bo' } } })).toBe(
      'Bo',
    );
    const result = evaluateExpr(feel('{a: 1}'), {});
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });

  it('given null or missing variables when evaluated then returns null', () => {
    expect(evaluateExpr(feel('null'), {})).toBeNull();
    expect(evaluateExpr(feel('missing'), {})).toBeNull();
    expect(evaluateExpr(feel('present'), { present: null })).toBeNull();
    expect(evaluateExpr(feel('missing.field'), {})).toBeNull();
    expect(evaluateExpr(feel('missing + 1'), {})).toBeNull();
    expect(evaluateExpr(feel('missing = null'), {})).toBe(true);
  });

  it('given a syntax error when evaluated then throws FeelEvaluationError naming the expression', () => {
    const run = () => evaluateExpr(feel('a +* b'), { a: 1, b: 2 });
    expect(run).toThrow(FeelEvaluationError);
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(FeelEvaluationError);
      expect((error as FeelEvaluationError).expression).toBe('a +* b');
      expect((error as FeelEvaluationError).message).toMatch(/syntax error in 'a \+\* b'/);
    }
    expect(() => evaluateExpr(feel('level = '), {})).toThrow(FeelEvaluationError);
  });

  it('given temporal results when evaluated then returns ISO strings', () => {
    expect(evaluateExpr(feel('date("2024-02-28") + duration("P1D")'), {})).toBe('2024-02-29');
    expect(evaluateExpr(feel('date and time("2024-01-01T10:00:00Z")'), {})).toBe(
      '2024-01-01T10:00:00Z',
    );
    expect(evaluateExpr(feel('@"2024-01-01T10:00:00@Europe/Berlin"'), {})).toBe(
      '2024-01-01T10:00:00@Europe/Berlin',
    );
    expect(evaluateExpr(feel('duration("PT90M")'), {})).toBe('PT1H30M');
    expect(evaluateExpr(feel('duration("P1Y2M")'), {})).toBe('P1Y2M');
    expect(evaluateExpr(feel('time("10:15:00")'), {})).toBe('10:15:00');
    expect(evaluateExpr(feel('{due: date("2024-03-01")}'), {})).toEqual({ due: '2024-03-01' });
    expect(evaluateExpr(feel('[date("2024-03-01")]'), {})).toEqual(['2024-03-01']);
  });

  it('given a result that is JSON already when evaluated then it round-trips through JSON', () => {
    const value = evaluateExpr(feel('{d: @"2024-01-01", r: [1..3], l: [1, "a", null]}'), {});
    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
    expect(value).toEqual({
      d: '2024-01-01',
      r: { start: 1, end: 3, 'start included': true, 'end included': true },
      l: [1, 'a', null],
    });
  });

  it('given an injected clock when now() and today() are evaluated then they use it', () => {
    const now = Date.UTC(2024, 0, 31, 23, 30, 0);
    expect(evaluateExpr(feel('now()'), {}, { now })).toBe('2024-01-31T23:30:00Z');
    expect(evaluateExpr(feel('today()'), {}, { now })).toBe('2024-01-31');
    expect(evaluateExpr(feel('now() + duration("PT1H")'), {}, { now })).toBe(
      '2024-02-01T00:30:00Z',
    );
  });

  it('given a function result when evaluated then throws because it cannot be stored', () => {
    expect(() => evaluateExpr(feel('function(x) x + 1'), {})).toThrow(/cannot be stored/);
  });

  it('given a large unrelated variable when evaluated then the result is unchanged', () => {
    const readings = Array.from({ length: 10_000 }, (_, i) => ({ i }));
    expect(evaluateExpr(feel('limit * 2'), { limit: 4, readings })).toBe(8);
    expect(evaluateExpr(feel('count(readings)'), { limit: 4, readings })).toBe(10_000);
  });

  it('given variable names with spaces or dashes when evaluated then feelin still resolves them', () => {
    expect(evaluateExpr(feel('a - b + 1'), { 'a - b': 10 })).toBe(11);
    expect(evaluateExpr(feel('tank level * 2'), { 'tank level': 3 })).toBe(6);
  });

  it('given the input variables when evaluated then they are not mutated', () => {
    const variables = { items: [3, 1, 2], when: '2024-01-01' };
    evaluateExpr(feel('sort(items, function(a, b) a < b)'), variables);
    expect(variables).toEqual({ items: [3, 1, 2], when: '2024-01-01' });
  });
});

describe('evaluateFeel with hostile input', () => {
  const expectRefusedQuickly = (source: string) => {
    const started = performance.now();
    expect(() => evaluateFeel(source, {})).toThrow(FeelEvaluationError);
    expect(performance.now() - started).toBeLessThan(10_000);
  };

  it('given an expression longer than the limit when evaluated then it is refused without parsing', () => {
    const source = '1 + '.repeat(MAX_FEEL_EXPRESSION_LENGTH) + '1';
    const started = performance.now();
    expect(() => evaluateFeel(source, {})).toThrow(/longer than/);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('given deeply nested parentheses when evaluated then it is refused before parsing', () => {
    expectRefusedQuickly('('.repeat(4_999) + '1' + ')'.repeat(4_999));
    expect(() => evaluateFeel('('.repeat(MAX_FEEL_NESTING_DEPTH + 1), {})).toThrow(/deeper than/);
  });

  it('given nesting within the limit when evaluated then it is computed', () => {
    const depth = MAX_FEEL_NESTING_DEPTH;
    expect(evaluateFeel('('.repeat(depth) + '1' + ')'.repeat(depth), {})).toBe(1);
    expect(evaluateFeel('"((((((" + ")"', {})).toBe('(((((()');
  });

  it('given unbalanced brackets and braces when evaluated then it fails cleanly', () => {
    expectRefusedQuickly('['.repeat(MAX_FEEL_EXPRESSION_LENGTH));
    expectRefusedQuickly('{a:'.repeat(MAX_FEEL_EXPRESSION_LENGTH / 3));
    expectRefusedQuickly('[{a:'.repeat(MAX_FEEL_NESTING_DEPTH / 2 - 1));
    expectRefusedQuickly('abs(1) + '.repeat(1_000) + ']]]]');
  });

  it('given a huge iteration when evaluated then it is bounded only by feelin (documented)', () => {
    // FEEL cannot be interrupted; `for i in 1..1e6` runs to completion. The host must bound
    // evaluation time (worker + timeout) if models come from untrusted authors.
    expect(evaluateFeel('count(for i in 1..10000 return i)', {})).toBe(10_000);
  });

  it('given a long but valid expression when evaluated then it is computed', () => {
    // feelin's parser gives up on a few hundred chained operators, so stay below that.
    const source = Array.from({ length: 200 }, () => 'x').join(' + ');
    expect(evaluateFeel(source, { x: 1 })).toBe(200);
  });

  it('given attempts to reach JavaScript internals when evaluated then nothing executes', () => {
    const variables = { x: { a: 1 }, s: 'abc' };
    expect(evaluateFeel('x.constructor', variables)).toBeNull();
    expect(evaluateFeel('x.__proto__', variables)).toBeNull();
    expect(evaluateFeel('s.length', variables)).toBeNull();
    expect(evaluateFeel('x.constructor.constructor("return process")()', variables)).toBeNull();
    expect(evaluateFeel('{a: 1}.constructor.constructor("globalThis.pwned = 1")()', {})).toBeNull();
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it('given a variable named __proto__ when evaluated then it stays an ordinary variable', () => {
    const variables = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<
      string,
      unknown
    >;
    expect(evaluateFeel('a + 1', variables)).toBe(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
