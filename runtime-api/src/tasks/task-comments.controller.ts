import { Body, Controller, Get, Inject, Param, Post, Req } from '@nestjs/common';
import { OPERATORS, Roles, type AuthedRequest } from '../auth/roles.js';
import { BodyValidation } from '../common/validation.js';
import { viewerOf } from './task-access.js';
import { MAX_COMMENT_LENGTH, TaskCommentsService } from './task-comments.service.js';
import type { TaskCommentDto } from './task-dto.js';

const COMMENT_BODY = new BodyValidation({
  text: { type: 'string', required: true, minLength: 1, maxLength: MAX_COMMENT_LENGTH },
});

@Controller('api/tasks')
export class TaskCommentsController {
  constructor(@Inject(TaskCommentsService) private readonly comments: TaskCommentsService) {}

  @Roles(...OPERATORS)
  @Post(':id/comments')
  add(
    @Param('id') id: string,
    @Body(COMMENT_BODY) body: { text: string },
    @Req() req: AuthedRequest,
  ): Promise<TaskCommentDto> {
    return this.comments.add(id, body.text, viewerOf(req));
  }

  @Get(':id/comments')
  list(@Param('id') id: string, @Req() req: AuthedRequest): Promise<TaskCommentDto[]> {
    return this.comments.list(id, viewerOf(req));
  }
}
