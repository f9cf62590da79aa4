import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DeploymentEntity, ProcessDefinitionEntity } from '../persistence/entities.js';
import type { TaskRecordRow } from '../persistence/task-entities.js';
import { DATA_SOURCE } from '../tokens.js';
import { compileForm, type FormCheck } from './form-validation.js';

/** A task's form schema and where it came from. */
export interface ResolvedForm {
  deploymentId: string;
  resource: string;
  /** The parsed schema; null when the resource is not a JSON object. */
  schema: Record<string, unknown> | null;
}

const baseName = (name: string) =>
  name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);

/** The resource names a task's form reference may point at, most exact first. */
function candidates(task: Pick<TaskRecordRow, 'formKey' | 'formId'>): string[] {
  const out: string[] = [];
  if (task.formKey) out.push(task.formKey);
  if (task.formId) out.push(task.formId, `${task.formId}.schema.json`, `${task.formId}.json`);
  return out;
}

function parseObject(content: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(content) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Finds the JSON Schema a user task's `formKey` / `formId` names among the resources deployed with
 * its process version (a deployment's resources and a process version's deployment never change,
 * so both are cached), and compiles it once per deployment and resource.
 */
@Injectable()
export class TaskForms {
  private readonly deploymentOf = new Map<string, string>();
  private readonly resources = new Map<string, Map<string, string>>();
  private readonly checks = new Map<string, FormCheck | { error: string }>();

  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  /** The task's form, or null when it names none or none of that name was deployed with it. */
  async resolve(
    task: Pick<TaskRecordRow, 'processKey' | 'formKey' | 'formId'>,
  ): Promise<ResolvedForm | null> {
    const names = candidates(task);
    if (names.length === 0 || !task.processKey) return null;
    const deploymentId = await this.deploymentOfProcess(task.processKey);
    if (!deploymentId) return null;
    const resources = await this.resourcesOf(deploymentId);
    for (const name of names) {
      const found = this.lookup(resources, name);
      if (found) return { deploymentId, resource: found[0], schema: parseObject(found[1]) };
    }
    return null;
  }

  /** The check for the task's form; null when it has none; 400 naming the resource if it is broken. */
  async checkFor(
    task: Pick<TaskRecordRow, 'id' | 'processKey' | 'formKey' | 'formId'>,
  ): Promise<FormCheck | null> {
    const form = await this.resolve(task);
    if (!form) return null;
    const key = `${form.deploymentId}\u0000${form.resource}`;
    let check = this.checks.get(key);
    if (!check) {
      if (!form.schema) check = { error: 'it is not a JSON object' };
      else {
        try {
          check = compileForm(form.schema);
        } catch (e) {
          check = { error: (e as Error).message };
        }
      }
      this.checks.set(key, check);
    }
    if (typeof check === 'function') return check;
    throw new BadRequestException({
      statusCode: 400,
      code: 'FORM_SCHEMA_INVALID',
      message: `the form schema '${form.resource}' of task '${task.id}' is not a usable JSON Schema: ${check.error}`,
      resource: form.resource,
    });
  }

  private lookup(resources: Map<string, string>, name: string): [string, string] | undefined {
    const exact = resources.get(name);
    if (exact !== undefined) return [name, exact];
    // `forms/jha.schema.json` deployed as `jha.schema.json`, or the other way round.
    const base = baseName(name);
    for (const [n, content] of resources) if (baseName(n) === base) return [n, content];
    return undefined;
  }

  private async deploymentOfProcess(processKey: string): Promise<string | undefined> {
    const cached = this.deploymentOf.get(processKey);
    if (cached) return cached;
    const def = await this.ds
      .getRepository(ProcessDefinitionEntity)
      .findOne({ select: { key: true, deploymentId: true }, where: { key: processKey } });
    if (def) this.deploymentOf.set(processKey, def.deploymentId);
    return def?.deploymentId;
  }

  private async resourcesOf(deploymentId: string): Promise<Map<string, string>> {
    const cached = this.resources.get(deploymentId);
    if (cached) return cached;
    const row = await this.ds.getRepository(DeploymentEntity).findOneBy({ id: deploymentId });
    const map = new Map<string, string>();
    if (row) {
      const list = JSON.parse(row.resources) as Array<{ name: string; content: unknown }>;
      for (const r of list) {
        // BPMN files are not forms; keep the cache to what a form may be.
        if (typeof r.content === 'string' && !/\.(bpmn|bpmn20\.xml|xml|dmn)$/i.test(r.name))
          map.set(r.name, r.content);
      }
      this.resources.set(deploymentId, map);
    }
    return map;
  }
}
