import type { Run } from '../runtime/run.js';
import type { IncidentView, InstanceView, JobView, UserTaskView } from './host-types.js';
import type { InstanceEntry, InstanceTable } from './instance-table.js';
import { incidentViews, instanceView, jobView, taskView } from './views.js';

/**
 * Read-only questions across the instances in memory: which instances, which open user tasks,
 * which jobs a worker may take now, which incidents. Answers are views (copies), never live state.
 */
export class WorkQueries {
  constructor(
    private readonly table: InstanceTable,
    private readonly readerFor: (e: InstanceEntry) => Run,
  ) {}

  instances(filter: { processId?: string; state?: InstanceView['state'] }): InstanceView[] {
    const out: InstanceView[] = [];
    for (const e of this.table.entries()) {
      if (filter.processId && e.state.processId !== filter.processId) continue;
      const v = instanceView(e.state);
      if (filter.state && v.state !== filter.state) continue;
      out.push(v);
    }
    return out;
  }

  openTasks(filter: {
    instanceId?: string;
    elementId?: string;
    assignee?: string;
    candidateGroup?: string;
  }): UserTaskView[] {
    const out: UserTaskView[] = [];
    for (const e of this.table.entries(filter.instanceId)) {
      for (const t of Object.values(e.state.tasks)) {
        if (filter.elementId && t.elementId !== filter.elementId) continue;
        if (filter.assignee && t.assignee !== filter.assignee) continue;
        if (filter.candidateGroup && !t.candidateGroups.includes(filter.candidateGroup)) continue;
        out.push(taskView(e.state, t, this.readerFor(e)));
      }
    }
    return out;
  }

  task(taskId: string): UserTaskView | undefined {
    const instanceId = this.table.taskOwner(taskId);
    const e = instanceId ? this.table.get(instanceId) : undefined;
    const t = e?.state.tasks[taskId];
    return e && t ? taskView(e.state, t, this.readerFor(e)) : undefined;
  }

  /** Jobs with retries left and past their back-off at `now`. */
  activatableJobs(filter: { type?: string; instanceId?: string }, now: number): JobView[] {
    const out: JobView[] = [];
    for (const e of this.table.entries(filter.instanceId)) {
      for (const j of Object.values(e.state.jobs)) {
        if (filter.type && j.type !== filter.type) continue;
        if (j.retries <= 0 || (j.notBefore !== undefined && j.notBefore > now)) continue;
        out.push(jobView(e.state, j, this.readerFor(e)));
      }
    }
    return out;
  }

  incidents(filter: { instanceId?: string }): IncidentView[] {
    const out: IncidentView[] = [];
    for (const e of this.table.entries(filter.instanceId)) out.push(...incidentViews(e.state));
    return out;
  }
}
