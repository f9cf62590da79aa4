import type {
  TaskAttachmentRow,
  TaskCommentRow,
  TaskRecordRow,
} from '../persistence/task-entities.js';
import type { TaskAudience } from './task-access.js';

export interface TaskDto {
  id: string;
  processInstanceId: string;
  processKey: string | null;
  elementId: string;
  name: string | null;
  assignee: string | null;
  /** The model's candidate roles and candidate groups together. */
  candidateRoles: string[];
  candidateGroups: string[];
  candidateUsers: string[];
  formKey: string | null;
  formId: string | null;
  /** The JSON Schema the task's form names, from the process's deployment; null when none. */
  form: Record<string, unknown> | null;
  /** ISO 8601 when the model's due date is a date; otherwise as the model gave it. */
  due: string | null;
  priority: number | null;
  state: TaskRecordRow['state'];
  createdAt: string;
  completedAt: string | null;
  completedBy: string | null;
}

export interface TaskCommentDto {
  id: string;
  taskId: string;
  processInstanceId: string;
  author: string;
  text: string;
  createdAt: string;
}

export interface TaskAttachmentDto {
  id: string;
  taskId: string;
  processInstanceId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  createdAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

function list(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function dueOf(due: string | null): string | null {
  if (!due) return null;
  const ms = Date.parse(due);
  return Number.isNaN(ms) ? due : iso(ms);
}

/** The fields the access rules read, from a stored row. */
export function audienceOf(r: TaskRecordRow): TaskAudience {
  return {
    assignee: r.assignee,
    candidateRoles: list(r.candidateRoles),
    candidateGroups: list(r.candidateGroups),
    candidateUsers: list(r.candidateUsers),
    completedBy: r.completedBy,
  };
}

export function toTaskDto(r: TaskRecordRow, form: Record<string, unknown> | null): TaskDto {
  const a = audienceOf(r);
  return {
    id: r.id,
    processInstanceId: r.instanceId,
    processKey: r.processKey,
    elementId: r.elementId,
    name: r.name,
    assignee: r.assignee,
    candidateRoles: a.candidateRoles,
    candidateGroups: a.candidateGroups,
    candidateUsers: a.candidateUsers,
    formKey: r.formKey,
    formId: r.formId,
    form,
    due: dueOf(r.due),
    priority: r.priority,
    state: r.state,
    createdAt: iso(r.createdAt),
    completedAt: r.completedAt === null ? null : iso(r.completedAt),
    completedBy: r.completedBy,
  };
}

export function toCommentDto(r: TaskCommentRow): TaskCommentDto {
  return {
    id: r.id,
    taskId: r.taskId,
    processInstanceId: r.instanceId,
    author: r.author,
    text: r.text,
    createdAt: iso(r.createdAt),
  };
}

export function toAttachmentDto(r: TaskAttachmentRow): TaskAttachmentDto {
  return {
    id: r.id,
    taskId: r.taskId,
    processInstanceId: r.instanceId,
    filename: r.filename,
    contentType: r.contentType,
    size: r.sizeBytes,
    sha256: r.sha256,
    uploadedBy: r.uploadedBy,
    createdAt: iso(r.createdAt),
  };
}
