/**
 * The calls a plugin's worker has not answered yet, by request id. Settling a call always runs its
 * cleanups (time-limit timers, abort listeners), so no timer outlives its call whichever way it
 * ends — an answer, a timeout, a cancel or the worker's end.
 */

export interface PendingCall {
  what: string;
  timeoutMs: number;
  /** Set once the time limit passed: the call waits for the abort's acknowledgement. */
  timedOut: boolean;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Run when the call settles: clear its timers, drop its abort listener. */
  cleanups: Array<() => void>;
}

export class PendingCalls {
  private readonly byId = new Map<number, PendingCall>();

  add(id: number, call: PendingCall): void {
    this.byId.set(id, call);
  }

  get(id: number): PendingCall | undefined {
    return this.byId.get(id);
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** Takes the call out and runs its cleanups; the caller resolves or rejects it. */
  settle(id: number): PendingCall | undefined {
    const call = this.byId.get(id);
    if (!call) return undefined;
    this.byId.delete(id);
    for (const c of call.cleanups) c();
    return call;
  }

  /** Settles every call (the worker ended), in the order they were made. */
  settleAll(): PendingCall[] {
    return [...this.byId.keys()].map((id) => this.settle(id)!);
  }
}
