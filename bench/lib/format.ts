/** Rounds a rate for printing: integers from 100 up, one decimal below. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 100) return String(Math.round(perSecond));
  return perSecond.toFixed(1);
}

/** Rounds a ratio for printing: integers from 10 up, one decimal below. */
export function formatRatio(ratio: number): string {
  if (ratio >= 10) return String(Math.round(ratio));
  return ratio.toFixed(1);
}

/** Thousands separators for counts in prose (`100,000`). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
