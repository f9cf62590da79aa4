import { loadBpmn } from '../load-bpmn.js';
import type { Problem } from '../model/problem.js';
import type { ProcessModel } from '../model/process-model.js';
import { contentHash } from './content-hash.js';
import type { DeploymentResource } from './host-types.js';
import { DeploymentError } from './deployment-error.js';

/** A BPMN resource that loaded: its executable processes and the hash of its text. */
export interface LoadedBpmn {
  resource: string;
  hash: string;
  models: ProcessModel[];
}

/** A deployment's resources, read and checked, before anything is registered. */
export interface ReadDeployment {
  bpmn: LoadedBpmn[];
  /** Non-BPMN resources deployed with the processes (form schemas, rule sets): name → text. */
  companions: Map<string, string>;
  warnings: Problem[];
}

/**
 * Reads the resources of a deployment: BPMN is loaded (parsed, compiled, validated), anything else
 * is kept as text. A deployment is all or nothing — every problem of every resource is collected
 * and the whole deployment refused with them, so an author sees all mistakes at once.
 */
export async function readDeployment(resources: DeploymentResource[]): Promise<ReadDeployment> {
  if (!Array.isArray(resources) || resources.length === 0) {
    throw new DeploymentError([
      {
        code: 'empty-deployment',
        message: 'a deployment needs at least one resource',
        severity: 'error',
      },
    ]);
  }
  const problems: Array<Problem & { resource?: string }> = [];
  const warnings: Problem[] = [];
  const bpmn: LoadedBpmn[] = [];
  const companions = new Map<string, string>();
  for (const r of resources) {
    const text = typeof r.content === 'string' ? r.content : new TextDecoder().decode(r.content);
    if (!/\.(bpmn|bpmn20\.xml|xml)$/i.test(r.name) && !text.trimStart().startsWith('<')) {
      companions.set(r.name, text);
      continue;
    }
    const result = await loadBpmn(r.content);
    if (!result.ok) {
      for (const p of result.problems) problems.push({ ...p, resource: r.name });
      continue;
    }
    warnings.push(...result.warnings);
    const models = result.definitions.processes.filter((p) => p.isExecutable);
    bpmn.push({ resource: r.name, hash: contentHash(text), models });
  }
  if (problems.length > 0) throw new DeploymentError(problems);
  return { bpmn, companions, warnings };
}
