import { EntitySchema } from 'typeorm';
import { asNumber } from './as-number.js';

export type TaskState = 'open' | 'completed' | 'cancelled';

/**
 * A user task as the task list sees it: the projection of the engine's task.* events. Closed tasks
 * stay as history rows (who completed a permit step, when), so the table only grows with tasks.
 */
export interface TaskRecordRow {
  id: string;
  instanceId: string;
  /** The process version the instance runs (`processId:version`): where its forms come from. */
  processKey: string | null;
  elementId: string;
  name: string | null;
  assignee: string | null;
  /** JSON string[]: the model's candidate roles and candidate groups together. */
  candidateRoles: string;
  /** JSON string[]: the model's candidate groups alone. */
  candidateGroups: string;
  /** JSON string[] */
  candidateUsers: string;
  formKey: string | null;
  formId: string | null;
  /** The due date as the model gave it (normally ISO 8601). */
  due: string | null;
  priority: number | null;
  state: TaskState;
  createdAt: number;
  /** When the task was completed or cancelled, and the actor of that command. */
  completedAt: number | null;
  completedBy: string | null;
}

export const TaskRecordEntity = new EntitySchema<TaskRecordRow>({
  name: 'TaskRecord',
  tableName: 'user_task',
  columns: {
    id: { type: 'varchar', length: 128, primary: true },
    instanceId: { name: 'instance_id', type: 'varchar', length: 64 },
    processKey: { name: 'process_key', type: 'varchar', length: 256, nullable: true },
    elementId: { name: 'element_id', type: 'varchar', length: 256 },
    name: { type: 'varchar', length: 512, nullable: true },
    assignee: { type: 'varchar', length: 256, nullable: true },
    candidateRoles: { name: 'candidate_roles', type: 'text' },
    candidateGroups: { name: 'candidate_groups', type: 'text' },
    candidateUsers: { name: 'candidate_users', type: 'text' },
    formKey: { name: 'form_key', type: 'varchar', length: 512, nullable: true },
    formId: { name: 'form_id', type: 'varchar', length: 512, nullable: true },
    due: { type: 'varchar', length: 128, nullable: true },
    priority: { type: 'integer', nullable: true },
    state: { type: 'varchar', length: 16 },
    createdAt: { name: 'created_at', type: 'bigint', transformer: asNumber },
    completedAt: { name: 'completed_at', type: 'bigint', nullable: true, transformer: asNumber },
    completedBy: { name: 'completed_by', type: 'varchar', length: 128, nullable: true },
  },
});

/** A remark on a user task (hand-over notes, why a measure was judged sufficient). */
export interface TaskCommentRow {
  id: string;
  taskId: string;
  instanceId: string;
  /** Order within the task (1, 2, …): stable even when two comments share a millisecond. */
  seq: number;
  author: string;
  text: string;
  createdAt: number;
}

export const TaskCommentEntity = new EntitySchema<TaskCommentRow>({
  name: 'TaskComment',
  tableName: 'task_comment',
  columns: {
    id: { type: 'varchar', length: 64, primary: true },
    taskId: { name: 'task_id', type: 'varchar', length: 128 },
    instanceId: { name: 'instance_id', type: 'varchar', length: 64 },
    seq: { type: 'integer' },
    author: { type: 'varchar', length: 128 },
    text: { type: 'text' },
    createdAt: { name: 'created_at', type: 'bigint', transformer: asNumber },
  },
});

/**
 * A file attached to a user task (a photo of a hazard, a signed PDF). The content lives on disk at
 * `<dataDir>/attachments/<instanceId>/<id>`; the row holds what was checked about it.
 */
export interface TaskAttachmentRow {
  id: string;
  taskId: string;
  instanceId: string;
  seq: number;
  /** Sanitised display name; never used as a path. */
  filename: string;
  /** Detected from the content's magic bytes, not taken from the client. */
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  createdAt: number;
}

export const TaskAttachmentEntity = new EntitySchema<TaskAttachmentRow>({
  name: 'TaskAttachment',
  tableName: 'task_attachment',
  columns: {
    id: { type: 'varchar', length: 64, primary: true },
    taskId: { name: 'task_id', type: 'varchar', length: 128 },
    instanceId: { name: 'instance_id', type: 'varchar', length: 64 },
    seq: { type: 'integer' },
    filename: { type: 'varchar', length: 256 },
    contentType: { name: 'content_type', type: 'varchar', length: 64 },
    sizeBytes: { name: 'size_bytes', type: 'bigint', transformer: asNumber },
    sha256: { type: 'varchar', length: 64 },
    uploadedBy: { name: 'uploaded_by', type: 'varchar', length: 128 },
    createdAt: { name: 'created_at', type: 'bigint', transformer: asNumber },
  },
});
