/**
 * An external worker over the REST job API (`POST /api/jobs/activate`, `/api/jobs/:key/complete`),
 * as an integration would run one: a few loops, each activating a batch of jobs under a short lease
 * and completing them. It survives its service being killed: requests that die with the process are
 * counted, the loops pause until `attach` points them at the restarted service, and jobs whose answer
 * was lost come back when their lease runs out.
 */

export interface WorkerTarget {
  base: string;
  token: string;
}

export interface WorkerOptions {
  /** Concurrent activate/complete loops. */
  loops: number;
  maxJobs: number;
  /** Lease of an activation; a job whose answer was lost in the crash is activatable again after it. */
  lockMs: number;
  /** Pause after an activation that found nothing: the worker's poll interval. */
  idlePollMs: number;
  /** Variables every completion carries. */
  variables: Record<string, unknown>;
}

export class ExternalWorker {
  /** Jobs the service confirmed completed (204). */
  readonly completed = new Set<string>();
  /**
   * Completions answered 404: the job was gone — answered before the crash with the reply lost, or
   * by another loop that activated it again after this loop's lease ran out.
   */
  readonly alreadyGone = new Set<string>();
  /**
   * Completions answered 409: another command on the instance committed first (on PostgreSQL, two
   * loops completing the same job at once after a lease ran out); the other one won.
   */
  readonly refused = new Set<string>();
  /** Every activation of each job key (a job activated again after the crash shows up twice). */
  readonly activations = new Map<string, number>();
  /** Requests that failed on the network (the service died under them). */
  networkErrors = 0;
  /** Replies no worker should get from a healthy service (5xx, 400, …), for the test to assert on. */
  readonly unexpected: string[] = [];
  /** Requests sent and not yet answered. */
  inFlight = 0;
  rounds = 0;
  /** Called after each confirmed completion. */
  onCompleted: (() => void) | undefined;

  private target: WorkerTarget | undefined;
  private attached: Promise<void> = Promise.resolve();
  private wakeAttached: () => void = () => undefined;
  private stopped = false;
  private readonly roundWaiters = new Set<() => void>();
  private running: Promise<void[]> | undefined;

  constructor(
    readonly type: string,
    private readonly options: WorkerOptions,
  ) {
    this.detach();
  }

  /** Points the loops at a (re)started service. */
  attach(target: WorkerTarget): void {
    this.target = target;
    this.wakeAttached();
  }

  /** The service is going away: loops start no new requests until the next `attach`. */
  detach(): void {
    this.target = undefined;
    this.attached = new Promise((resolve) => (this.wakeAttached = resolve));
  }

  start(): void {
    this.running = Promise.all(
      Array.from({ length: this.options.loops }, (_, i) => this.loop(`crash-worker-${i}`)),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeAttached();
    this.wakeRound();
    await this.running;
  }

  /** Resolves after the next activation round of any loop, or at `deadline` (real time, ms). */
  nextRound(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.roundWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      this.roundWaiters.add(done);
    });
  }

  private wakeRound(): void {
    for (const wake of [...this.roundWaiters]) wake();
  }

  private async loop(worker: string): Promise<void> {
    while (!this.stopped) {
      const target = this.target;
      if (!target) {
        await this.attached;
        continue;
      }
      let found = 0;
      try {
        const r = await this.post(target, '/api/jobs/activate', {
          type: this.type,
          maxJobs: this.options.maxJobs,
          lockMs: this.options.lockMs,
          worker,
        });
        if (r.status !== 200) this.unexpected.push(`activate → ${r.status} ${r.text}`);
        else {
          const jobs = JSON.parse(r.text) as Array<{ key: string }>;
          found = jobs.length;
          for (const job of jobs) {
            this.activations.set(job.key, (this.activations.get(job.key) ?? 0) + 1);
            await this.complete(target, job.key);
          }
        }
      } catch {
        this.networkErrors++;
      } finally {
        this.rounds++;
        this.wakeRound();
      }
      if (found === 0 && !this.stopped) await pause(this.options.idlePollMs);
    }
  }

  private async complete(target: WorkerTarget, key: string): Promise<void> {
    const r = await this.post(target, `/api/jobs/${encodeURIComponent(key)}/complete`, {
      variables: this.options.variables,
    });
    if (r.status === 204) {
      this.completed.add(key);
      this.onCompleted?.();
    } else if (r.status === 404) this.alreadyGone.add(key);
    else if (r.status === 409) this.refused.add(key);
    else this.unexpected.push(`complete ${key} → ${r.status} ${r.text}`);
  }

  private async post(
    target: WorkerTarget,
    path: string,
    body: unknown,
  ): Promise<{ status: number; text: string }> {
    this.inFlight++;
    try {
      const res = await fetch(target.base + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      return { status: res.status, text: await res.text() };
    } finally {
      this.inFlight--;
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
