import type { DeploymentRow, ProcessDefinitionRow } from '../persistence/entities.js';
import { resourceKind } from './resource-kind.js';

export interface DeployedProcessDto {
  id: string;
  key: string;
  version: number;
}

/** The answer to a deployment: its id and the process versions in force for its models. */
export interface DeploymentDto {
  id: string;
  processes: DeployedProcessDto[];
}

/** A deployment in the list: no resource names or contents. */
export interface DeploymentSummaryDto extends DeploymentDto {
  name: string;
  createdBy: string;
  createdAt: string;
}

export interface DeploymentDetailDto extends DeploymentSummaryDto {
  /** Names, kinds and UTF-8 sizes; contents via `/resources/:name`. */
  resources: Array<{ name: string; kind: string; size: number }>;
}

export interface ProcessDefinitionDto {
  id: string;
  key: string;
  version: number;
  name: string | null;
  deploymentId: string;
  createdAt: string;
}

export function toSummaryDto(
  row: Pick<DeploymentRow, 'id' | 'name' | 'processes' | 'createdBy' | 'createdAt'>,
): DeploymentSummaryDto {
  return {
    id: row.id,
    name: row.name,
    processes: JSON.parse(row.processes) as DeployedProcessDto[],
    createdBy: row.createdBy,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

export function toDetailDto(row: DeploymentRow): DeploymentDetailDto {
  const resources = JSON.parse(row.resources) as Array<{ name: string; content: string }>;
  return {
    ...toSummaryDto(row),
    resources: resources.map((r) => ({
      name: r.name,
      kind: resourceKind(r.name) ?? 'other',
      size: Buffer.byteLength(r.content, 'utf8'),
    })),
  };
}

export function toDefinitionDto(r: ProcessDefinitionRow): ProcessDefinitionDto {
  return {
    id: r.processId,
    key: r.key,
    version: r.version,
    name: r.name,
    deploymentId: r.deploymentId,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}
