import { describe, expect, it } from 'vitest';

import { compareTrace, sameMultiset } from './trace-compare.js';

describe('compareTrace', () => {
  it('strict: exact sequence only', () => {
    expect(compareTrace(['a', 'b'], ['a', 'b'], 'strict').ok).toBe(true);
    const swapped = compareTrace(['b', 'a'], ['a', 'b'], 'strict');
    expect(swapped.ok).toBe(false);
    expect(swapped.reason).toContain('wrong order');
    const missing = compareTrace(['a'], ['a', 'b'], 'strict');
    expect(missing.ok).toBe(false);
    expect(missing.reason).toContain('missing [b]');
  });

  it('strict: empty traces are equal', () => {
    expect(compareTrace([], [], 'strict').ok).toBe(true);
    expect(compareTrace(['x'], [], 'strict').reason).toContain('unexpected [x]');
  });

  it('set: same multiset in any order, multiplicity counts', () => {
    expect(compareTrace(['b', 'a', 'b'], ['b', 'b', 'a'], 'set').ok).toBe(true);
    const once = compareTrace(['a', 'b'], ['a', 'b', 'b'], 'set');
    expect(once.ok).toBe(false);
    expect(once.reason).toContain('missing [b]');
    const twice = compareTrace(['a', 'a'], ['a'], 'set');
    expect(twice.reason).toContain('unexpected [a]');
  });

  it('groups: each group in any order, groups in sequence', () => {
    const order = { groups: [['t1', 't2'], ['end']] };
    expect(compareTrace(['t2', 't1', 'end'], ['t1', 't2', 'end'], order).ok).toBe(true);
    expect(compareTrace(['t1', 't2', 'end'], ['t1', 't2', 'end'], order).ok).toBe(true);
    const early = compareTrace(['t1', 'end', 't2'], ['t1', 't2', 'end'], order);
    expect(early.ok).toBe(false);
    expect(early.reason).toContain('group 1');
    const short = compareTrace(['t1', 'end'], ['t1', 't2', 'end'], order);
    expect(short.ok).toBe(false);
    expect(short.reason).toContain('missing [t2]');
  });

  it('groups with repeated entries', () => {
    const order = { groups: [['send'], ['fa', 'fb', 'r', 'r']] };
    expect(compareTrace(['send', 'r', 'fa', 'r', 'fb'], [], order).ok).toBe(true);
    expect(compareTrace(['r', 'send', 'fa', 'r', 'fb'], [], order).ok).toBe(false);
  });

  it('sameMultiset', () => {
    expect(sameMultiset(['a', 'b', 'a'], ['a', 'a', 'b'])).toBe(true);
    expect(sameMultiset(['a', 'b'], ['a', 'a'])).toBe(false);
  });
});
