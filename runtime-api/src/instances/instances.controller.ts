import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { actorOf, OPERATORS, Roles, type AuthedRequest } from '../auth/roles.js';
import { BodyValidation } from '../common/validation.js';
import { EngineHost } from '../engine-host/engine-host.js';
import { OpenApiQuery } from '../openapi/openapi-query.js';
import { InstanceEventEntity, ProcessDefinitionEntity } from '../persistence/entities.js';
import { DATA_SOURCE } from '../tokens.js';
import { toEventDto, type EventDto } from './event-dto.js';
import { InstanceCommands } from './instance-commands.js';
import { toInstanceDto, type InstanceDto } from './instance-dto.js';
import { INSTANCE_LIST_QUERY_DOC, parseInstanceListQuery } from './instance-list-query.js';
import { searchInstances } from './instance-search.js';
import { MIGRATION_BODY, type MigrationBody } from './migration-target.js';

const START_BODY = new BodyValidation({
  processKey: { type: 'string', required: true, minLength: 1, maxLength: 256 },
  variables: { type: 'object' },
  businessKey: { type: 'string', maxLength: 256 },
});

/** The part of the response the list sets a header on. */
interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

@Controller('api/process-instances')
export class InstancesController {
  constructor(
    @Inject(EngineHost) private readonly host: EngineHost,
    @Inject(InstanceCommands) private readonly commands: InstanceCommands,
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
    return this.commands.get(started.instanceId);
  }

  /** Filtered, newest first, one page; the number of matches in `X-Total-Count`. */
  @Get()
  @OpenApiQuery(INSTANCE_LIST_QUERY_DOC)
  async list(
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) res: HeaderSink,
  ): Promise<InstanceDto[]> {
    const filter = parseInstanceListQuery(query);
    const { rows, total } = await searchInstances(this.ds, filter);
    res.setHeader('X-Total-Count', String(total));
    return rows.map(toInstanceDto);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<InstanceDto> {
    return this.commands.get(id);
  }

  @Get(':id/events')
  async events(@Param('id') id: string): Promise<EventDto[]> {
    await this.commands.get(id);
    const rows = await this.ds
      .getRepository(InstanceEventEntity)
      .find({ where: { instanceId: id }, order: { seq: 'ASC' } });
    return rows.map(toEventDto);
  }

  /** 409 when the instance has ended already. */
  @Roles('admin', 'safety-officer', 'manager')
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id') id: string, @Req() req: AuthedRequest): Promise<InstanceDto> {
    return this.commands.cancel(id, actorOf(req));
  }

  /** 409 (MIGRATION_INVALID) when an element the instance is at is missing in the target. */
  @Roles('admin', 'safety-officer')
  @Post(':id/migrate')
  @HttpCode(200)
  migrate(
    @Param('id') id: string,
    @Body(MIGRATION_BODY) body: MigrationBody,
    @Req() req: AuthedRequest,
  ): Promise<InstanceDto> {
    return this.commands.migrate(id, body, actorOf(req));
  }
}
