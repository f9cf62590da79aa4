// First, so entity modules that import asNumber from here find it evaluated (import cycle).
import { asNumber } from './as-number.js';
import { EntitySchema } from 'typeorm';
import { TimerStartEntity } from './timer-start-entities.js';
import { PluginConfigEntity } from './plugin-entities.js';
import { AuditLedgerEntity } from './ledger-entities.js';
import { IDENTITY_ENTITIES } from './identity-entities.js';
import { TaskAttachmentEntity, TaskCommentEntity, TaskRecordEntity } from './task-entities.js';

/** Kept for modules that import it from here; new code imports './as-number.js' (no import cycle). */
export { asNumber };

export interface UserRow {
  id: string;
  username: string;
  passwordHash: string;
  salt: string;
  roles: string;
  createdAt: number;
  /** Set: the account may not sign in (identity migration). */
  disabledAt: number | null;
  /** Bumped by every change to the account; tokens carrying an older one are refused. */
  tokenVersion: number;
}

export interface DeploymentRow {
  id: string;
  name: string;
  /** JSON: [{name, content}] */
  resources: string;
  /** JSON: [{id, key, version}] */
  processes: string;
  createdBy: string;
  createdAt: number;
  ordinal: number;
}

export interface ProcessDefinitionRow {
  key: string;
  processId: string;
  version: number;
  name: string | null;
  deploymentId: string;
  createdAt: number;
}

export interface InstanceRow {
  id: string;
  processKey: string;
  parentId: string | null;
  state: string;
  businessKey: string | null;
  /** Optimistic concurrency: every command bumps it; a write with a stale version is refused. */
  version: number;
  lastSeq: number;
  headHash: string;
  /** JSON: the engine's InstanceState. */
  snapshot: string;
  /** JSON: {variables, activeElementIds}. */
  view: string;
  createdAt: number;
  updatedAt: number;
}

export interface InstanceEventRow {
  instanceId: string;
  seq: number;
  type: string;
  elementId: string | null;
  elementKey: number | null;
  scopeKey: number | null;
  actor: string;
  at: number;
  payload: string;
  hash: string;
  prevHash: string;
}

export interface UserTaskRow {
  id: string;
  instanceId: string;
  elementId: string;
  name: string | null;
  assignee: string | null;
  candidateRoles: string;
  formKey: string | null;
  createdAt: number;
}

export const UserEntity = new EntitySchema<UserRow>({
  name: 'User',
  tableName: 'app_user',
  columns: {
    id: { type: 'varchar', length: 64, primary: true },
    username: { type: 'varchar', length: 128, unique: true },
    passwordHash: { name: 'password_hash', type: 'varchar', length: 256 },
    salt: { type: 'varchar', length: 64 },
    roles: { type: 'text' },
    createdAt: { name: 'created_at', type: 'bigint', transformer: asNumber },
    disabledAt: { name: 'disabled_at', type: 'bigint', nullable: true, transformer: asNumber },
    tokenVersion: { name: 'token_version', type: 'integer', default: 0 },
  },
});

export const DeploymentEntity = new EntitySchema<DeploymentRow>({
  name: 'Deployment',
  tableName: 'deployment',
  columns: {
    id: { type: 'varchar', length: 64, primary: true },
    name: { type: 'varchar', length: 256 },
    resources: { type: 'text' },
    processes: { type: 'text' },
    createdBy: { name: 'created_by', type: 'varchar', length: 128 },
    createdAt: { name: 'created_at', type: 'bigint', transformer: asNumber },
    ordinal: { type: 'integer' },
  },
});

export const ProcessDefinitionEntity = new EntitySchema<ProcessDefinitionRow>({
  name: 'ProcessDefinition',
  tableName: 'process_definition',
  columns: {
    key: { type: 'varchar', length: 256, primary: true },
    processId: { name: 'process_id', type: 'varchar', length: 256 },
    version: { type: 'integer' },
    name: { type: 'varchar', length: 256, nullable: true },
    deploymentId: { name: 'deployment_id', type: 'varchar', length: 64 },
    createdAt: { name: 'created_at', type: 'bigint', transformer: asNumber },
  },
});

export const InstanceEntity = new EntitySchema<InstanceRow>({
  name: 'Instance',
  tableName: 'instance',
  columns: {
    id: { type: 'varchar', length: 64, primary: true },
    processKey: { name: 'process_key', type: 'varchar', length: 256 },
    parentId: { name: 'parent_id', type: 'varchar', length: 64, nullable: true },
    state: { type: 'varchar', length: 32 },
    businessKey: { name: 'business_key', type: 'varchar', length: 256, nullable: true },
    version: { type: 'integer' },
    lastSeq: { name: 'last_seq', type: 'integer' },
    headHash: { name: 'head_hash', type: 'varchar', length: 64 },
    snapshot: { type: 'text' },
    view: { type: 'text' },
    createdAt: { name: 'created_at', type: 'bigint', transformer: asNumber },
    updatedAt: { name: 'updated_at', type: 'bigint', transformer: asNumber },
  },
});

export const InstanceEventEntity = new EntitySchema<InstanceEventRow>({
  name: 'InstanceEvent',
  tableName: 'instance_event',
  columns: {
    instanceId: { name: 'instance_id', type: 'varchar', length: 64, primary: true },
    seq: { type: 'integer', primary: true },
    type: { type: 'varchar', length: 64 },
    elementId: { name: 'element_id', type: 'varchar', length: 256, nullable: true },
    elementKey: { name: 'element_key', type: 'integer', nullable: true },
    scopeKey: { name: 'scope_key', type: 'integer', nullable: true },
    actor: { type: 'varchar', length: 128 },
    at: { type: 'bigint', transformer: asNumber },
    payload: { type: 'text' },
    hash: { type: 'varchar', length: 64 },
    prevHash: { name: 'prev_hash', type: 'varchar', length: 64 },
  },
});

export const UserTaskEntity = new EntitySchema<UserTaskRow>({
  name: 'UserTask',
  tableName: 'user_task',
  columns: {
    id: { type: 'varchar', length: 128, primary: true },
    instanceId: { name: 'instance_id', type: 'varchar', length: 64 },
    elementId: { name: 'element_id', type: 'varchar', length: 256 },
    name: { type: 'varchar', length: 512, nullable: true },
    assignee: { type: 'varchar', length: 256, nullable: true },
    candidateRoles: { name: 'candidate_roles', type: 'text' },
    formKey: { name: 'form_key', type: 'varchar', length: 512, nullable: true },
    createdAt: { name: 'created_at', type: 'bigint', transformer: asNumber },
  },
});

/**
 * A service-task job waiting for a worker: the projection of the engine's job.* events, written in
 * the same transaction as them. A worker claims a row by setting a lease (`lockOwner` until
 * `lockUntil`); a failed or re-tried job loses its lease.
 */
export interface JobRow {
  jobKey: string;
  instanceId: string;
  type: string;
  elementId: string;
  retries: number;
  /** Failed attempts so far (drives the back-off). */
  attempts: number;
  /** Not to be worked before (retry back-off), ms. */
  notBefore: number | null;
  errorMessage: string | null;
  lockOwner: string | null;
  lockUntil: number | null;
  createdAt: number;
}

export const JobEntity = new EntitySchema<JobRow>({
  name: 'Job',
  tableName: 'job',
  columns: {
    jobKey: { name: 'job_key', type: 'varchar', length: 128, primary: true },
    instanceId: { name: 'instance_id', type: 'varchar', length: 64 },
    type: { type: 'varchar', length: 256 },
    elementId: { name: 'element_id', type: 'varchar', length: 256 },
    retries: { type: 'integer' },
    attempts: { type: 'integer' },
    notBefore: { name: 'not_before', type: 'bigint', nullable: true, transformer: asNumber },
    errorMessage: { name: 'error_message', type: 'text', nullable: true },
    lockOwner: { name: 'lock_owner', type: 'varchar', length: 128, nullable: true },
    lockUntil: { name: 'lock_until', type: 'bigint', nullable: true, transformer: asNumber },
    createdAt: { name: 'created_at', type: 'bigint', transformer: asNumber },
  },
});

/** A timer of a waiting instance: the projection of the engine's timer.* events; leased when firing. */
export interface TimerRow {
  instanceId: string;
  timerId: string;
  elementId: string;
  dueAt: number;
  lockOwner: string | null;
  lockUntil: number | null;
}

export const TimerEntity = new EntitySchema<TimerRow>({
  name: 'Timer',
  tableName: 'timer',
  columns: {
    instanceId: { name: 'instance_id', type: 'varchar', length: 64, primary: true },
    timerId: { name: 'timer_id', type: 'varchar', length: 128, primary: true },
    elementId: { name: 'element_id', type: 'varchar', length: 256 },
    dueAt: { name: 'due_at', type: 'bigint', transformer: asNumber },
    lockOwner: { name: 'lock_owner', type: 'varchar', length: 128, nullable: true },
    lockUntil: { name: 'lock_until', type: 'bigint', nullable: true, transformer: asNumber },
  },
});

/** An open message or signal subscription of a waiting instance (from subscription.* events). */
export interface SubscriptionRow {
  instanceId: string;
  subscriptionId: string;
  channel: string;
  name: string;
  correlationKey: string | null;
  elementId: string;
}

export const SubscriptionEntity = new EntitySchema<SubscriptionRow>({
  name: 'Subscription',
  tableName: 'subscription',
  columns: {
    instanceId: { name: 'instance_id', type: 'varchar', length: 64, primary: true },
    subscriptionId: { name: 'subscription_id', type: 'varchar', length: 128, primary: true },
    channel: { type: 'varchar', length: 16 },
    name: { type: 'varchar', length: 256 },
    correlationKey: { name: 'correlation_key', type: 'varchar', length: 512, nullable: true },
    elementId: { name: 'element_id', type: 'varchar', length: 256 },
  },
});

export const ENTITIES = [
  PluginConfigEntity,
  AuditLedgerEntity,
  ...IDENTITY_ENTITIES,
  TaskRecordEntity,
  TaskCommentEntity,
  TaskAttachmentEntity,
  TimerStartEntity,
  JobEntity,
  TimerEntity,
  SubscriptionEntity,
  UserEntity,
  DeploymentEntity,
  ProcessDefinitionEntity,
  InstanceEntity,
  InstanceEventEntity,
  UserTaskEntity,
];
