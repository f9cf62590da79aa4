/**
 * How long to wait before reconnect attempt `failures` (1 = the first retry after a drop):
 * `firstMs`, doubled per consecutive failure, at most `maxMs`, spread by ±20 % so that many
 * clients dropped by one broker restart do not all come back in the same instant.
 */
export function reconnectDelayMs(
  failures: number,
  firstMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const base = Math.min(maxMs, firstMs * 2 ** exponent);
  const spread = base * 0.2 * (random() * 2 - 1);
  return Math.max(1, Math.round(Math.min(maxMs, base + spread)));
}
