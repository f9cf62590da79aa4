/**
 * Comparison of a marker trace with a betsy case's expected trace, under the case's `order`:
 * `strict` (exact sequence), `set` (same multiset) or `{ groups }` (the groups one after another,
 * each group in any order).
 */

export type TraceOrder = 'strict' | 'set' | { groups: string[][] };

export interface TraceComparison {
  ok: boolean;
  /** Empty when ok; otherwise what differs, for the report. */
  reason: string;
}

const ok: TraceComparison = { ok: true, reason: '' };

function counts(items: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const item of items) map.set(item, (map.get(item) ?? 0) + 1);
  return map;
}

/** Items `a` has more often than `b` (with multiplicity), sorted. */
function surplus(a: readonly string[], b: readonly string[]): string[] {
  const cb = counts(b);
  const out: string[] = [];
  for (const [item, n] of counts(a)) {
    for (let i = cb.get(item) ?? 0; i < n; i++) out.push(item);
  }
  return out.sort();
}

export function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && surplus(a, b).length === 0;
}

export function formatTrace(trace: readonly string[]): string {
  return `[${trace.join(', ')}]`;
}

function multisetDiff(actual: readonly string[], expected: readonly string[]): string {
  const missing = surplus(expected, actual);
  const extra = surplus(actual, expected);
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing ${formatTrace(missing)}`);
  if (extra.length > 0) parts.push(`unexpected ${formatTrace(extra)}`);
  return parts.join(', ');
}

export function describeOrder(order: TraceOrder): string {
  if (typeof order === 'string') return order;
  return `groups ${order.groups.map(formatTrace).join(' then ')}`;
}

export function compareTrace(
  actual: readonly string[],
  expected: readonly string[],
  order: TraceOrder,
): TraceComparison {
  const shown = `expected ${formatTrace(expected)} (${describeOrder(order)}), got ${formatTrace(actual)}`;
  if (order === 'strict') {
    const equal =
      actual.length === expected.length && actual.every((item, i) => item === expected[i]);
    if (equal) return ok;
    const diff = multisetDiff(actual, expected);
    return { ok: false, reason: diff ? `${shown}: ${diff}` : `${shown}: same tasks, wrong order` };
  }
  if (order === 'set') {
    if (sameMultiset(actual, expected)) return ok;
    return { ok: false, reason: `${shown}: ${multisetDiff(actual, expected)}` };
  }
  const groups = order.groups;
  const total = groups.reduce((n, g) => n + g.length, 0);
  if (actual.length !== total) {
    const all = groups.flat();
    const diff = multisetDiff(actual, all);
    return {
      ok: false,
      reason: `${shown}: ${diff || `${actual.length} entries for ${total} expected`}`,
    };
  }
  let offset = 0;
  for (const [index, group] of groups.entries()) {
    const slice = actual.slice(offset, offset + group.length);
    if (!sameMultiset(slice, group)) {
      return {
        ok: false,
        reason: `${shown}: group ${index + 1} should be ${formatTrace(group)} in any order, got ${formatTrace(slice)}`,
      };
    }
    offset += group.length;
  }
  return ok;
}
