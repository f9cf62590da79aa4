import type { InstanceRow } from '../persistence/entities.js';

export interface InstanceDto {
  id: string;
  /** The version key the instance runs on, `processId:version`. */
  processKey: string;
  /** The BPMN process id (the part of `processKey` before the version). */
  processId: string;
  /** The process version the instance runs on (changes only by migration). */
  version: number;
  businessKey: string | null;
  state: string;
  variables: Record<string, unknown>;
  activeElementIds: string[];
  parentInstanceId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Splits a version key `processId:version` (process ids may not contain `:`, versions are whole). */
export function splitProcessKey(key: string): { processId: string; version: number } {
  const colon = key.lastIndexOf(':');
  return { processId: key.slice(0, colon), version: Number(key.slice(colon + 1)) };
}

export function toInstanceDto(row: InstanceRow): InstanceDto {
  const view = JSON.parse(row.view) as {
    variables: Record<string, unknown>;
    activeElementIds: string[];
  };
  const { processId, version } = splitProcessKey(row.processKey);
  return {
    id: row.id,
    processKey: row.processKey,
    processId,
    version,
    businessKey: row.businessKey,
    state: row.state,
    variables: view.variables,
    activeElementIds: view.activeElementIds,
    parentInstanceId: row.parentId,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
