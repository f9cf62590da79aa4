import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DeploymentError } from '@safeflow/engine';
import type { DataSource } from 'typeorm';
import { EngineHost, type DeployInput } from '../engine-host/engine-host.js';
import { DeploymentEntity, type DeploymentRow } from '../persistence/entities.js';
import { DATA_SOURCE } from '../tokens.js';
import { deploymentRefused, type DeploymentProblem } from './deployment-problem.js';
import { toSummaryDto, type DeploymentDto, type DeploymentSummaryDto } from './deployment-dto.js';
import { validateResources } from './validate-resources.js';

/** Deploys (after the checks the engine does not make) and reads stored deployments. */
@Injectable()
export class DeploymentsService {
  constructor(
    @Inject(EngineHost) private readonly host: EngineHost,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  async deploy(input: DeployInput, actor: string): Promise<DeploymentDto> {
    const problems = await validateResources(input);
    if (problems.length > 0) throw deploymentRefused(problems);
    try {
      const { id, result } = await this.host.deploy(input, actor);
      return {
        id,
        processes: result.processes.map((p) => ({ id: p.id, key: p.key, version: p.version })),
      };
    } catch (e) {
      if (!(e instanceof DeploymentError)) throw e;
      throw deploymentRefused(
        e.problems
          .filter((p) => p.severity === 'error')
          .map((p): DeploymentProblem => ({
            code: p.code,
            message: p.message,
            ...(p.resource ? { resource: p.resource } : {}),
            ...(p.elementId ? { elementId: p.elementId } : {}),
            ...(p.line !== undefined ? { line: p.line } : {}),
            ...(p.column !== undefined ? { column: p.column } : {}),
          })),
      );
    }
  }

  /** Newest first, without resources. */
  async list(page: {
    limit: number;
    offset: number;
  }): Promise<{ items: DeploymentSummaryDto[]; total: number }> {
    const [rows, total] = await this.ds.getRepository(DeploymentEntity).findAndCount({
      select: { id: true, name: true, processes: true, createdBy: true, createdAt: true },
      order: { ordinal: 'DESC' },
      skip: page.offset,
      take: page.limit,
    });
    return { items: rows.map(toSummaryDto), total };
  }

  async get(id: string): Promise<DeploymentRow> {
    const row = await this.ds.getRepository(DeploymentEntity).findOneBy({ id });
    if (!row)
      throw new NotFoundException({
        statusCode: 404,
        code: 'DEPLOYMENT_NOT_FOUND',
        message: `no deployment '${id}'`,
      });
    return row;
  }

  async resource(id: string, name: string): Promise<{ name: string; content: string }> {
    const row = await this.get(id);
    const resources = JSON.parse(row.resources) as DeployInput['resources'];
    const found = resources.find((r) => r.name === name);
    if (!found)
      throw new NotFoundException({
        statusCode: 404,
        code: 'RESOURCE_NOT_FOUND',
        message: `deployment '${id}' has no resource '${name}' (it has ${resources.map((r) => `'${r.name}'`).join(', ')})`,
      });
    return found;
  }
}
