import {
  BadRequestException,
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
import { OPERATORS, Roles, type AuthedRequest } from '../auth/roles.js';
import { BodyValidation } from '../common/validation.js';
import { OpenApiQuery } from '../openapi/openapi-query.js';
import type { InstanceDto } from '../instances/instance-dto.js';
import { viewerOf } from './task-access.js';
import type { TaskDto } from './task-dto.js';
import { parseTaskListQuery, TASK_LIST_QUERY_DOC } from './task-query.js';
import { TasksService } from './tasks.service.js';

const COMPLETE_BODY = new BodyValidation({ variables: { type: 'object' } });
const ASSIGN_BODY = new BodyValidation({
  assignee: { type: 'string', minLength: 1, maxLength: 256 },
});

/** The response's header setter (express), for the list's total. */
interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

@Controller('api/tasks')
export class TasksController {
  constructor(@Inject(TasksService) private readonly tasks: TasksService) {}

  /** Open tasks by default; `X-Total-Count` carries the number before paging. */
  @Get()
  @OpenApiQuery(TASK_LIST_QUERY_DOC)
  async list(
    @Query() query: Record<string, unknown>,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: HeaderSink,
  ): Promise<TaskDto[]> {
    const viewer = viewerOf(req);
    const { tasks, total } = await this.tasks.list(parseTaskListQuery(query, viewer), viewer);
    res.setHeader('X-Total-Count', String(total));
    return tasks;
  }

  @Get(':id')
  get(@Param('id') id: string, @Req() req: AuthedRequest): Promise<TaskDto> {
    return this.tasks.get(id, viewerOf(req));
  }

  @Roles(...OPERATORS)
  @Post(':id/complete')
  @HttpCode(200)
  complete(
    @Param('id') id: string,
    @Body(COMPLETE_BODY) body: { variables?: Record<string, unknown> } | undefined,
    @Req() req: AuthedRequest,
  ): Promise<{ id: string; processInstance: InstanceDto }> {
    return this.tasks.complete(id, body?.variables ?? {}, viewerOf(req));
  }

  @Roles(...OPERATORS)
  @Post(':id/claim')
  @HttpCode(200)
  claim(@Param('id') id: string, @Req() req: AuthedRequest): Promise<TaskDto> {
    return this.tasks.claim(id, viewerOf(req));
  }

  @Roles(...OPERATORS)
  @Post(':id/unclaim')
  @HttpCode(200)
  unclaim(@Param('id') id: string, @Req() req: AuthedRequest): Promise<TaskDto> {
    return this.tasks.unclaim(id, viewerOf(req));
  }

  /** `{assignee: "<username>"}` hands the task over; `{assignee: null}` takes it back to the pool. */
  @Roles('admin', 'safety-officer', 'manager')
  @Post(':id/assign')
  @HttpCode(200)
  assign(
    @Param('id') id: string,
    @Body(ASSIGN_BODY) body: { assignee?: string | null } | undefined,
    @Req() req: AuthedRequest,
  ): Promise<TaskDto> {
    if (!body || body.assignee === undefined)
      throw new BadRequestException({
        statusCode: 400,
        message: 'assignee is required (a username, or null to unassign)',
        errors: [{ field: 'assignee', code: 'invalid-body', message: 'assignee is required' }],
      });
    return this.tasks.assign(id, body.assignee, viewerOf(req));
  }
}
