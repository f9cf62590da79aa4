import { Inject, Injectable } from '@nestjs/common';
import { In, type DataSource } from 'typeorm';
import { InstanceEventEntity } from '../persistence/entities.js';
import { DATA_SOURCE } from '../tokens.js';
import { taskFacts, type EngineTaskLike, type TaskFacts } from './task-audience.js';

/**
 * The open tasks' facts, kept so that a task's completion or cancellation — whose engine event
 * carries only the task id — still reaches exactly the people the task was offered to. Tasks this
 * process has not seen (opened before a restart, or by another replica) are read back from the
 * instance's event log.
 */
@Injectable()
export class TaskDirectory {
  private readonly open = new Map<string, TaskFacts>();

  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  get(taskId: string): TaskFacts | undefined {
    return this.open.get(taskId);
  }

  remember(facts: TaskFacts): void {
    this.open.set(facts.id, facts);
  }

  forget(taskId: string): void {
    this.open.delete(taskId);
  }

  /** Loads the facts of `taskIds` of one instance that are not known yet, from its event log. */
  async recall(instanceId: string, taskIds: readonly string[]): Promise<void> {
    const missing = new Set(taskIds.filter((id) => !this.open.has(id)));
    if (missing.size === 0) return;
    const rows = await this.ds.getRepository(InstanceEventEntity).find({
      select: { type: true, payload: true, seq: true },
      where: { instanceId, type: In(['task.created', 'task.assigned']) },
      order: { seq: 'ASC' },
    });
    const found = new Map<string, TaskFacts>();
    for (const row of rows) {
      const p = JSON.parse(row.payload) as {
        task?: EngineTaskLike;
        taskId?: string;
        assignee?: string | null;
      };
      if (row.type === 'task.created' && p.task && missing.has(p.task.id))
        found.set(p.task.id, taskFacts(instanceId, p.task));
      else if (row.type === 'task.assigned' && p.taskId) {
        const f = found.get(p.taskId);
        if (f) f.assignee = p.assignee ?? null;
      }
    }
    for (const f of found.values()) this.open.set(f.id, f);
  }
}
