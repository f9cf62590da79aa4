import type { FlowNode } from '../model/flow-node.js';
import { evalString, evalStringList, evalValue } from './expressions.js';
import { IncidentError } from './incident-error.js';
import type { JobState, TaskState } from './instance-state.js';
import type { Run } from './run.js';

/** Job type handed to the host for business-rule tasks bound to a SafeFlow rule set. */
export const RULE_SET_JOB_TYPE = 'safeflow:rule-set';
/** Job type for business-rule tasks bound to a DMN decision (`zeebe:calledDecision`). */
export const DECISION_JOB_TYPE = 'safeflow:decision';

/** Globally unique id of the task or job of an element instance. */
export function workItemId(run: Run, key: number): string {
  return `${run.state.id}.${key}`;
}

/** Work the engine does not do itself: it becomes a job the host runs and answers. */
export function createJob(
  run: Run,
  node: FlowNode,
  key: number,
  listener?: { event: 'start' | 'end'; index: number },
): void {
  const vars = run.visibleVars(key);
  let type: string;
  let retries = 3;
  let headers: Record<string, string> = {};
  const jobDef = listener ? node.executionListeners![listener.event][listener.index] : node.job;
  if (jobDef) {
    type = evalString(jobDef.type, vars, `job type of '${node.id}'`, run.ctx.now);
    const r = Number(evalValue(jobDef.retries, vars, `retries of '${node.id}'`, run.ctx.now));
    if (!Number.isInteger(r) || r < 0) {
      throw new IncidentError(
        'EXTRACT_VALUE_ERROR',
        `retries of '${node.id}' must be a whole number ≥ 0`,
      );
    }
    retries = r;
    headers = { ...jobDef.headers };
  } else if (node.ruleSetId) {
    type = RULE_SET_JOB_TYPE;
    headers = { ruleSetId: node.ruleSetId };
  } else if (
    node.extensions &&
    typeof node.extensions.calledDecision === 'object' &&
    node.extensions.calledDecision
  ) {
    type = DECISION_JOB_TYPE;
    const d = node.extensions.calledDecision as Record<string, unknown>;
    for (const [k, v] of Object.entries(d)) if (typeof v === 'string') headers[k] = v;
  } else {
    throw new IncidentError(
      'EXTRACT_VALUE_ERROR',
      `'${node.id}' has no job type (zeebe:taskDefinition)`,
    );
  }
  const job: JobState = {
    key: listener
      ? `${workItemId(run, key)}.${listener.event}${listener.index}`
      : workItemId(run, key),
    elementKey: key,
    elementId: node.id,
    type,
    retries,
    headers,
    ...(listener ? { listener } : {}),
    createdAt: run.ctx.now,
  };
  run.emit('job.created', { elementId: node.id, key }, { job });
  if (retries === 0) {
    run.raiseIncident(
      new IncidentError(
        'JOB_NO_RETRIES',
        `job '${job.key}' of '${node.id}' was created with 0 retries`,
      ),
      run.el(key),
      { op: 'job', jobKey: job.key },
      job.key,
    );
  }
}

export function createUserTask(run: Run, node: FlowNode, key: number): void {
  const vars = run.visibleVars(key);
  const ut = node.userTask ?? {};
  const what = (field: string) => `${field} of user task '${node.id}'`;
  const task: TaskState = {
    id: workItemId(run, key),
    key,
    elementId: node.id,
    candidateGroups: evalStringList(
      ut.candidateGroups,
      vars,
      what('candidate groups'),
      run.ctx.now,
    ),
    candidateUsers: evalStringList(ut.candidateUsers, vars, what('candidate users'), run.ctx.now),
    candidateRoles: evalStringList(ut.candidateRoles, vars, what('candidate roles'), run.ctx.now),
    createdAt: run.ctx.now,
  };
  if (node.name) task.name = node.name;
  if (ut.assignee) {
    const a = evalValue(ut.assignee, vars, what('assignee'), run.ctx.now);
    if (a !== null && a !== undefined && a !== '') task.assignee = String(a);
  }
  if (ut.formKey) task.formKey = ut.formKey;
  if (ut.formId) task.formId = ut.formId;
  if (ut.dueDate) {
    const d = evalValue(ut.dueDate, vars, what('due date'), run.ctx.now);
    if (d !== null && d !== undefined) task.due = String(d);
  }
  if (ut.followUpDate) {
    const d = evalValue(ut.followUpDate, vars, what('follow-up date'), run.ctx.now);
    if (d !== null && d !== undefined) task.followUp = String(d);
  }
  if (ut.priority) {
    const p = Number(evalValue(ut.priority, vars, what('priority'), run.ctx.now));
    if (Number.isFinite(p)) task.priority = p;
  }
  run.emit('task.created', { elementId: node.id, key }, { task });
}
