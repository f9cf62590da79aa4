import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Module,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import type { DataSource, FindOptionsWhere } from 'typeorm';
import { actorOf, OPERATORS, Roles, type AuthedRequest } from '../auth/roles.js';
import { BodyValidation } from '../common/validation.js';
import { EngineHost } from '../engine-host/engine-host.js';
import { InstanceEntity, UserTaskEntity, type UserTaskRow } from '../persistence/entities.js';
import { toInstanceDto, type InstanceDto } from '../instances/instance-dto.js';
import { DATA_SOURCE } from '../tokens.js';

export interface TaskDto {
  id: string;
  processInstanceId: string;
  elementId: string;
  name: string | null;
  assignee: string | null;
  candidateRoles: string[];
  formKey: string | null;
  createdAt: string;
}

function toTaskDto(r: UserTaskRow): TaskDto {
  return {
    id: r.id,
    processInstanceId: r.instanceId,
    elementId: r.elementId,
    name: r.name,
    assignee: r.assignee,
    candidateRoles: JSON.parse(r.candidateRoles) as string[],
    formKey: r.formKey,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

const COMPLETE_BODY = new BodyValidation({ variables: { type: 'object' } });

@Controller('api/tasks')
export class TasksController {
  constructor(
    @Inject(EngineHost) private readonly host: EngineHost,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  /** Open tasks. */
  @Get()
  async list(
    @Query('processInstanceId') processInstanceId?: string,
    @Query('assignee') assignee?: string,
  ): Promise<TaskDto[]> {
    const where: FindOptionsWhere<UserTaskRow> = {};
    if (typeof processInstanceId === 'string' && processInstanceId)
      where.instanceId = processInstanceId;
    if (typeof assignee === 'string' && assignee) where.assignee = assignee;
    const rows = await this.ds
      .getRepository(UserTaskEntity)
      .find({ where, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toTaskDto);
  }

  @Roles(...OPERATORS)
  @Post(':id/complete')
  @HttpCode(200)
  async complete(
    @Param('id') id: string,
    @Body(COMPLETE_BODY) body: { variables?: Record<string, unknown> } | undefined,
    @Req() req: AuthedRequest,
  ): Promise<{ id: string; processInstance: InstanceDto }> {
    const instanceId = id.slice(0, id.lastIndexOf('.'));
    await this.host.completeTask(id, body?.variables ?? {}, actorOf(req));
    const row = await this.ds.getRepository(InstanceEntity).findOneByOrFail({ id: instanceId });
    return { id, processInstance: toInstanceDto(row) };
  }
}

@Module({ controllers: [TasksController] })
export class TasksModule {}
