import { describe, expect, it } from 'vitest';
import {
  FeelEvaluationError,
  evaluateCondition,
  evaluateList,
  evaluateString,
} from '../../src/feel/index.js';
import type { Expr } from '../../src/model/expression.js';

const feel = (source: string): Expr => ({ kind: 'feel', source });

describe('evaluateCondition', () => {
  it('given a condition that is true when evaluated then returns true', () => {
    expect(evaluateCondition(feel('level = "special"'), { level: 'special' })).toBe(true);
    expect(
      evaluateCondition(feel('amount > 10 and approved'), { amount: 11, approved: true }),
    ).toBe(true);
  });

  it('given a condition that is false when evaluated then returns false', () => {
    expect(evaluateCondition(feel('level = "special"'), { level: 'normal' })).toBe(false);
    expect(evaluateCondition(feel('false'), {})).toBe(false);
  });

  it('given a condition on a missing variable when evaluated then throws like a Zeebe incident', () => {
    expect(() => evaluateCondition(feel('amount > 10'), {})).toThrow(FeelEvaluationError);
    expect(() => evaluateCondition(feel('amount > 10'), {})).toThrow(
      /condition 'amount > 10' must evaluate to a boolean but returned null/,
    );
  });

  it('given a condition returning a non-boolean when evaluated then the error names the value', () => {
    expect(() => evaluateCondition(feel('level'), { level: 'special' })).toThrow(
      /condition 'level' must evaluate to a boolean but returned "special"/,
    );
    expect(() => evaluateCondition(feel('1 + 1'), {})).toThrow(/returned 2/);
  });

  it('given mismatched types when compared then FEEL null becomes an error', () => {
    expect(() => evaluateCondition(feel('amount = "10"'), { amount: 10 })).toThrow(
      FeelEvaluationError,
    );
  });

  it('given a static condition when evaluated then it is read as FEEL (the = is optional)', () => {
    expect(evaluateCondition({ kind: 'static', value: 'x > 1' }, { x: 2 })).toBe(true);
  });

  it('given a syntax error when evaluated then throws FeelEvaluationError', () => {
    expect(() => evaluateCondition(feel('x >'), { x: 1 })).toThrow(FeelEvaluationError);
  });
});

describe('evaluateList', () => {
  it('given a list expression when evaluated then returns the array', () => {
    expect(evaluateList(feel('assignees'), { assignees: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(evaluateList(feel('for i in 1..n return i'), { n: 2 })).toEqual([1, 2]);
  });

  it('given a non-list result when evaluated then throws naming the value', () => {
    expect(() => evaluateList(feel('assignees'), { assignees: 'a' })).toThrow(
      /must evaluate to a list but returned "a"/,
    );
    expect(() => evaluateList(feel('missing'), {})).toThrow(/returned null/);
  });
});

describe('evaluateString', () => {
  it('given a static value when evaluated then returns it', () => {
    expect(evaluateString({ kind: 'static', value: 'inspect-valve' }, {})).toBe('inspect-valve');
  });

  it('given a FEEL string or number when evaluated then returns a string', () => {
    expect(evaluateString(feel('"permit-" + area'), { area: 'A1' })).toBe('permit-A1');
    expect(evaluateString(feel('orderId'), { orderId: 4711 })).toBe('4711');
  });

  it('given null or a non-string when evaluated then throws', () => {
    expect(() => evaluateString(feel('orderId'), {})).toThrow(
      /must evaluate to a string or a number but returned null/,
    );
    expect(() => evaluateString(feel('[1]'), {})).toThrow(FeelEvaluationError);
    expect(() => evaluateString(feel('true'), {})).toThrow(FeelEvaluationError);
  });
});
