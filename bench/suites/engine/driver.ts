import type { WorkStats } from './permit-model.js';

/** Drives one engine: each call of runOne starts an instance and works it until it has ended. */
export interface InstanceDriver {
  readonly name: string;
  /** Work counted since the last reset. */
  readonly stats: WorkStats;
  /** Starts instance `index` and completes its tasks/jobs until the instance has ended. */
  runOne(index: number): void | Promise<void>;
  resetStats(): void;
}
