import { randomUUID } from 'node:crypto';
import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { TaskCommentEntity, type TaskCommentRow } from '../persistence/task-entities.js';
import { CLOCK, DATA_SOURCE } from '../tokens.js';
import type { TaskViewer } from './task-access.js';
import { toCommentDto, type TaskCommentDto } from './task-dto.js';
import { TasksService } from './tasks.service.js';
import { insertWithNextSeq } from './next-seq.js';

export const MAX_COMMENT_LENGTH = 4000;

/**
 * Remarks on a user task. Written while the task is open by those who may work on it; kept (and
 * readable) after it closes, with the task's history.
 */
@Injectable()
export class TaskCommentsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TasksService) private readonly tasks: TasksService,
  ) {}

  async add(taskId: string, text: string, viewer: TaskViewer): Promise<TaskCommentDto> {
    if (text.trim() === '')
      throw new BadRequestException({
        statusCode: 400,
        message: 'text must not be blank',
        errors: [{ field: 'text', code: 'invalid-body', message: 'text must not be blank' }],
      });
    const task = await this.tasks.workable(taskId, viewer);
    const row = await insertWithNextSeq<TaskCommentRow>(this.ds.getRepository(TaskCommentEntity), {
      id: randomUUID(),
      taskId,
      instanceId: task.instanceId,
      author: viewer.username,
      text,
      createdAt: this.clock.now(),
    });
    return toCommentDto(row);
  }

  async list(taskId: string, viewer: TaskViewer): Promise<TaskCommentDto[]> {
    await this.tasks.visible(taskId, viewer);
    const rows = await this.ds
      .getRepository(TaskCommentEntity)
      .find({ where: { taskId }, order: { seq: 'ASC' } });
    return rows.map(toCommentDto);
  }
}
