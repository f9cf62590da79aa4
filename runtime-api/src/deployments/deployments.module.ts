import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Inject,
  Module,
  Post,
  Req,
} from '@nestjs/common';
import { DeploymentError } from '@safeflow/engine';
import type { DataSource } from 'typeorm';
import { actorOf, Roles, type AuthedRequest } from '../auth/roles.js';
import { BodyValidation } from '../common/validation.js';
import { EngineHost, type DeployInput } from '../engine-host/engine-host.js';
import { ProcessDefinitionEntity } from '../persistence/entities.js';
import { DATA_SOURCE } from '../tokens.js';

export interface DeploymentDto {
  id: string;
  processes: Array<{ id: string; key: string; version: number }>;
}

export interface ProcessDefinitionDto {
  id: string;
  key: string;
  version: number;
  name: string | null;
  deploymentId: string;
  createdAt: string;
}

const DEPLOY_BODY = new BodyValidation({
  name: { type: 'string', required: true, minLength: 1, maxLength: 256 },
  resources: {
    type: 'array',
    required: true,
    minItems: 1,
    items: {
      name: { type: 'string', required: true, minLength: 1, maxLength: 256 },
      content: { type: 'string', required: true, minLength: 1 },
    },
  },
});

@Controller('api')
export class DeploymentsController {
  constructor(
    @Inject(EngineHost) private readonly host: EngineHost,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  @Roles('admin', 'safety-officer', 'integrator')
  @Post('deployments')
  async deploy(
    @Body(DEPLOY_BODY) body: DeployInput,
    @Req() req: AuthedRequest,
  ): Promise<DeploymentDto> {
    try {
      const { id, result } = await this.host.deploy(
        {
          name: body.name,
          resources: body.resources.map((r) => ({ name: r.name, content: r.content })),
        },
        actorOf(req),
      );
      return {
        id,
        processes: result.processes.map((p) => ({ id: p.id, key: p.key, version: p.version })),
      };
    } catch (e) {
      if (!(e instanceof DeploymentError)) throw e;
      const errors = e.problems
        .filter((p) => p.severity === 'error')
        .map((p) => ({
          ...(p.elementId ? { elementId: p.elementId } : {}),
          ...(p.line !== undefined ? { line: p.line } : {}),
          code: p.code,
          message: p.message,
          ...(p.resource ? { resource: p.resource } : {}),
        }));
      throw new BadRequestException({
        statusCode: 400,
        message: 'the deployment is invalid',
        errors,
      });
    }
  }

  @Get('process-definitions')
  async definitions(): Promise<ProcessDefinitionDto[]> {
    const rows = await this.ds
      .getRepository(ProcessDefinitionEntity)
      .find({ order: { processId: 'ASC', version: 'ASC' } });
    return rows.map((r) => ({
      id: r.processId,
      key: r.key,
      version: r.version,
      name: r.name,
      deploymentId: r.deploymentId,
      createdAt: new Date(r.createdAt).toISOString(),
    }));
  }
}

@Module({ controllers: [DeploymentsController] })
export class DeploymentsModule {}
