import {
  Body,
  Controller,
  Get,
  Inject,
  Module,
  NotFoundException,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { actorOf, OPERATORS, Roles, type AuthedRequest } from '../auth/roles.js';
import { BodyValidation } from '../common/validation.js';
import { EngineHost } from '../engine-host/engine-host.js';
import {
  InstanceEntity,
  InstanceEventEntity,
  ProcessDefinitionEntity,
} from '../persistence/entities.js';
import { DATA_SOURCE } from '../tokens.js';
import { toInstanceDto, type InstanceDto } from './instance-dto.js';

export interface EventDto {
  seq: number;
  type: string;
  elementId: string | null;
  actor: string;
  at: string;
  payload: unknown;
  hash: string;
  prevHash: string;
}

const START_BODY = new BodyValidation({
  processKey: { type: 'string', required: true, minLength: 1, maxLength: 256 },
  variables: { type: 'object' },
  businessKey: { type: 'string', maxLength: 256 },
});

@Controller('api/process-instances')
export class InstancesController {
  constructor(
    @Inject(EngineHost) private readonly host: EngineHost,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  @Roles(...OPERATORS)
  @Post()
  async start(
    @Body(START_BODY)
    body: { processKey: string; variables?: Record<string, unknown>; businessKey?: string },
    @Req() req: AuthedRequest,
  ): Promise<InstanceDto> {
    // `processKey` is the BPMN process id (latest version) or a version key `id:version`.
    const def = await this.ds
      .getRepository(ProcessDefinitionEntity)
      .findOneBy({ key: body.processKey });
    const processId = def ? def.processId : body.processKey;
    const started = await this.host.start(
      processId,
      {
        ...(body.variables ? { variables: body.variables } : {}),
        ...(body.businessKey !== undefined ? { businessKey: body.businessKey } : {}),
        ...(def ? { version: def.version } : {}),
      },
      actorOf(req),
    );
    return this.get(started.instanceId);
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<InstanceDto> {
    const row = await this.ds.getRepository(InstanceEntity).findOneBy({ id });
    if (!row)
      throw new NotFoundException({
        statusCode: 404,
        code: 'INSTANCE_NOT_FOUND',
        message: `no process instance '${id}'`,
      });
    return toInstanceDto(row);
  }

  @Get(':id/events')
  async events(@Param('id') id: string): Promise<EventDto[]> {
    await this.get(id);
    const rows = await this.ds
      .getRepository(InstanceEventEntity)
      .find({ where: { instanceId: id }, order: { seq: 'ASC' } });
    return rows.map((r) => ({
      seq: r.seq,
      type: r.type,
      elementId: r.elementId,
      actor: r.actor,
      at: new Date(r.at).toISOString(),
      payload: JSON.parse(r.payload) as unknown,
      hash: r.hash,
      prevHash: r.prevHash,
    }));
  }
}

@Module({ controllers: [InstancesController] })
export class InstancesModule {}
