import { Injectable } from '@nestjs/common';
import type { JobView } from '@safeflow/engine';

/** What a handler is given: the job, with the key to make its side effects idempotent. */
export interface JobContext {
  job: JobView;
  /** Stable across retries of the same job (at-least-once delivery: a handler may run twice). */
  idempotencyKey: string;
  /** Attempts left including this one. */
  retries: number;
}

/** Returns the variables to complete the job with; throwing fails the job (retried with back-off). */
export type JobHandler = (
  ctx: JobContext,
) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

/** Thrown by a handler to raise a BPMN error (caught by an error boundary event) instead of failing. */
export class BpmnError extends Error {
  constructor(
    readonly code: string,
    message?: string,
    readonly variables: Record<string, unknown> = {},
  ) {
    super(message ?? code);
  }
}

/**
 * Thrown by a handler to fail the attempt with its own retry decision (a plugin's `fail(...)`
 * outcome): `retries` left (0: an incident at once) and the back-off before the next attempt.
 * Unset fields fall back to the worker's defaults (one retry fewer, exponential back-off).
 */
export class JobFailure extends Error {
  constructor(
    message: string,
    readonly retries?: number,
    readonly retryBackoffMs?: number,
  ) {
    super(message);
  }
}

/** A built-in handler that does nothing and completes the job. */
export const NOOP_JOB_TYPE = 'safeflow:noop';

/** Handlers by job type: built-in ones now, plugins later; tests register their own. */
@Injectable()
export class JobHandlerRegistry {
  private readonly handlers = new Map<string, JobHandler>([[NOOP_JOB_TYPE, () => undefined]]);

  register(type: string, handler: JobHandler): void {
    this.handlers.set(type, handler);
  }

  unregister(type: string): void {
    this.handlers.delete(type);
  }

  get(type: string): JobHandler | undefined {
    return this.handlers.get(type);
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}
