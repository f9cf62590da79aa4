import type { InstanceRow } from '../persistence/entities.js';

export interface InstanceDto {
  id: string;
  processKey: string;
  businessKey: string | null;
  state: string;
  variables: Record<string, unknown>;
  activeElementIds: string[];
  parentInstanceId: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toInstanceDto(row: InstanceRow): InstanceDto {
  const view = JSON.parse(row.view) as {
    variables: Record<string, unknown>;
    activeElementIds: string[];
  };
  return {
    id: row.id,
    processKey: row.processKey,
    businessKey: row.businessKey,
    state: row.state,
    variables: view.variables,
    activeElementIds: view.activeElementIds,
    parentInstanceId: row.parentId,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
