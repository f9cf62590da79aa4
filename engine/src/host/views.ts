import type {
  IncidentState,
  InstanceState,
  JobState,
  TaskState,
} from '../runtime/instance-state.js';
import type { Run } from '../runtime/run.js';
import type { IncidentView, InstanceView, JobView, UserTaskView } from './host-types.js';

/** Read models handed to callers: copies, never the live state. */
export function instanceView(state: InstanceState): InstanceView {
  const incident = state.status === 'active' && Object.keys(state.incidents).length > 0;
  const root = state.elements[state.rootKey];
  const view: InstanceView = {
    id: state.id,
    processId: state.processId,
    processKey: state.processKey,
    version: state.version,
    state: incident ? 'incident' : state.status,
    variables: { ...(root?.vars ?? {}) },
    activeElementIds: Object.values(state.elements)
      .filter((e) => e.key !== state.rootKey)
      .map((e) => e.elementId),
    startedAt: state.startedAt,
  };
  if (state.businessKey !== undefined) view.businessKey = state.businessKey;
  if (state.parent) view.parentInstanceId = state.parent.instanceId;
  if (state.endedAt !== undefined) view.endedAt = state.endedAt;
  return view;
}

export function taskView(state: InstanceState, t: TaskState, run: Run): UserTaskView {
  const v: UserTaskView = {
    id: t.id,
    instanceId: state.id,
    processId: state.processId,
    elementId: t.elementId,
    candidateGroups: [...t.candidateGroups],
    candidateUsers: [...t.candidateUsers],
    candidateRoles: [...t.candidateRoles],
    variables: run.visibleVars(t.key),
    createdAt: t.createdAt,
  };
  const node = run.model.nodes.get(t.elementId);
  if (t.name) v.name = t.name;
  if (t.assignee) v.assignee = t.assignee;
  if (t.formKey) v.formKey = t.formKey;
  if (t.formId) v.formId = t.formId;
  if (node?.userTask?.embeddedForm) v.embeddedForm = node.userTask.embeddedForm;
  if (t.due) v.due = t.due;
  if (t.followUp) v.followUp = t.followUp;
  if (t.priority !== undefined) v.priority = t.priority;
  return v;
}

export function jobView(state: InstanceState, j: JobState, run: Run): JobView {
  const v: JobView = {
    key: j.key,
    type: j.type,
    instanceId: state.id,
    processId: state.processId,
    elementId: j.elementId,
    headers: { ...j.headers },
    variables: run.visibleVars(j.elementKey),
    retries: j.retries,
    idempotencyKey: j.key,
    createdAt: j.createdAt,
  };
  if (j.notBefore !== undefined) v.notBefore = j.notBefore;
  return v;
}

export function incidentViews(state: InstanceState): IncidentView[] {
  return Object.values(state.incidents).map((i: IncidentState) => ({
    id: i.id,
    instanceId: state.id,
    ...(i.elementId ? { elementId: i.elementId } : {}),
    type: i.type,
    message: i.message,
    ...(i.jobKey ? { jobKey: i.jobKey } : {}),
    createdAt: i.createdAt,
  }));
}
