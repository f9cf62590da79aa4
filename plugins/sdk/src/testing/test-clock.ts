/**
 * A clock a test moves by hand: the engine's timers and a job's retry back-off are measured on it,
 * so a test can step past a back-off without waiting.
 */
export interface TestClock {
  /** The current time, ms since epoch. */
  now(): number;
  /** Moves the clock forward by `ms` and returns the new time. */
  advance(ms: number): number;
  /** Sets the clock to `time` (ms since epoch); it never goes backwards. */
  set(time: number): number;
}

/** 2025-01-01T00:00:00Z: a fixed start, so times in a test's results are the same on every run. */
export const TEST_EPOCH = Date.UTC(2025, 0, 1);

export function createTestClock(start: number = TEST_EPOCH): TestClock {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms}`);
      current += ms;
      return current;
    },
    set(time) {
      if (time < current) throw new RangeError('the test clock does not go backwards');
      current = time;
      return current;
    },
  };
}
