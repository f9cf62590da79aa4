/** Runs one unit of work; may return a promise (asynchronous engines) or nothing (synchronous ones). */
export type RunOne = (index: number) => void | Promise<void>;

export interface PhaseResult {
  /** Units of work completed in the phase. */
  count: number;
  elapsedMs: number;
  perSecond: number;
}

const NS_PER_MS = 1_000_000n;

function elapsedMsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / Number(NS_PER_MS);
}

/**
 * Runs `runOne` sequentially (each unit finishes before the next starts) until `durationMs`
 * has passed, checking the clock after every unit; indices continue from `firstIndex`.
 */
export async function runFor(
  runOne: RunOne,
  durationMs: number,
  firstIndex = 0,
): Promise<PhaseResult> {
  const start = process.hrtime.bigint();
  let count = 0;
  let elapsedMs = 0;
  do {
    const pending = runOne(firstIndex + count);
    if (pending) await pending;
    count++;
    elapsedMs = elapsedMsSince(start);
  } while (elapsedMs < durationMs);
  return { count, elapsedMs, perSecond: count / (elapsedMs / 1000) };
}
