/**
 * Evaluates a plugin's rule operator synchronously, as rule evaluation needs: the runtime's thread
 * posts the values to the plugin's worker and waits (Atomics.wait on a shared flag) at most the
 * operator time limit for the answer on a port of its own. A slow operator costs one bounded wait
 * and an error, never the runtime's thread; one that stays silent past the grace period too has
 * its thread reported stuck.
 */
import { receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { OperatorAnswer, ToWorker } from './plugin-worker-protocol.js';

export class RuleOperatorChannel {
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  /** An operator evaluation that timed out and has not answered yet. */
  private late: number | undefined;

  constructor(
    private readonly thread: Worker,
    private readonly port: MessagePort,
    private readonly abortGraceMs: number,
    /** The thread did not answer within the grace period either: it is to be replaced. */
    private readonly stuck: (why: string) => void,
  ) {}

  /**
   * Evaluation `id` of operator `name`. While an earlier evaluation is still unanswered the next
   * one fails at once instead of waiting again.
   */
  evaluate(
    id: number,
    name: string,
    factValue: unknown,
    compareValue: unknown,
    timeoutMs: number,
  ): boolean {
    if (this.late !== undefined) {
      if (Atomics.load(this.flag, 0) === 0)
        throw new Error(`rule operator '${name}' is still busy with an earlier evaluation`);
      this.late = undefined;
    }
    Atomics.store(this.flag, 0, 0);
    this.thread.postMessage({
      kind: 'evaluate-operator',
      id,
      name,
      factValue,
      compareValue,
      flag: this.flag,
    } satisfies ToWorker);
    if (Atomics.wait(this.flag, 0, 0, timeoutMs) === 'timed-out') {
      this.late = id;
      const reason = `rule operator '${name}' did not answer within ${timeoutMs} ms`;
      // Still no answer after the grace period: the thread is stuck; replace it.
      setTimeout(() => {
        if (this.late === id && Atomics.load(this.flag, 0) === 0)
          this.stuck(
            `${reason} nor within ${this.abortGraceMs} ms more (stuck in synchronous ` +
              'code?): its worker was terminated',
          );
      }, this.abortGraceMs);
      throw new Error(reason);
    }
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (!got) throw new Error(`rule operator '${name}' answered nothing`);
      const a = got.message as OperatorAnswer;
      if (a.id !== id) continue; // a late answer to an earlier evaluation
      if ('error' in a) throw new Error(a.error);
      return a.value;
    }
  }

  close(): void {
    this.port.close();
  }
}
