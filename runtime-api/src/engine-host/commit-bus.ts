import { Injectable } from '@nestjs/common';
import type { EngineEvent, InstanceView, UserTaskView } from '@safeflow/engine';

/** What one command changed in one instance, announced after its transaction committed. */
export interface InstanceCommit {
  instanceId: string;
  processKey: string;
  /** The instance as it now is. */
  view: InstanceView;
  /** The events the command appended, in order. */
  events: EngineEvent[];
  /** The instance's open user tasks after the command. */
  tasks: UserTaskView[];
  actor: string;
}

export type CommitListener = (commits: readonly InstanceCommit[]) => void;

/**
 * In-process announcements of committed changes (live socket events, notifiers). Listeners run after
 * the data is durable and cannot undo or block it: a listener that throws is logged by the caller
 * and the others still run. Not a delivery guarantee across replicas — durable consumers read the
 * event table.
 */
@Injectable()
export class CommitBus {
  private readonly listeners = new Set<CommitListener>();

  subscribe(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls every listener; returns the errors they threw (the caller logs them). */
  publish(commits: readonly InstanceCommit[]): unknown[] {
    const errors: unknown[] = [];
    if (commits.length === 0) return errors;
    for (const l of this.listeners) {
      try {
        l(commits);
      } catch (e) {
        errors.push(e);
      }
    }
    return errors;
  }
}
