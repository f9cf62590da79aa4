import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { CommandResult, Engine } from '@safeflow/engine';
import type { DataSource } from 'typeorm';
import { EngineHost } from '../engine-host/engine-host.js';
import { toInstanceDto, type InstanceDto } from '../instances/instance-dto.js';
import { InstanceEntity, UserEntity } from '../persistence/entities.js';
import { TaskRecordEntity, type TaskRecordRow } from '../persistence/task-entities.js';
import { DATA_SOURCE } from '../tokens.js';
import {
  assertVisible,
  audienceOfView,
  assertWorkable,
  heldByOther,
  mayOverrideAssignee,
  notOpen,
  supervises,
  type TaskViewer,
} from './task-access.js';
import { audienceOf, toTaskDto, type TaskDto } from './task-dto.js';
import { TaskForms } from './task-forms.js';
import { applyTaskListQuery, type TaskListQuery } from './task-query.js';

/** A command's no-op: nothing to write (claiming a task one already holds). */
const NOTHING: CommandResult = { ok: true, events: [] };

/**
 * User tasks: the list (from the `user_task` projection), and the commands on one task — complete,
 * claim, unclaim, assign — run through the engine host so each is an event in the instance's
 * hash-chained log. Rules that depend on who holds the task are checked twice: on the stored row
 * for a clear answer, and again inside the command against the state it runs on, so a concurrent
 * claim cannot slip between the check and the write.
 */
@Injectable()
export class TasksService {
  constructor(
    @Inject(EngineHost) private readonly host: EngineHost,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(TaskForms) private readonly forms: TaskForms,
  ) {}

  async list(q: TaskListQuery, viewer: TaskViewer): Promise<{ tasks: TaskDto[]; total: number }> {
    const qb = this.ds.getRepository(TaskRecordEntity).createQueryBuilder('t');
    const [rows, total] = await applyTaskListQuery(this.ds, qb, q, viewer).getManyAndCount();
    return { tasks: await Promise.all(rows.map((r) => this.dto(r))), total };
  }

  async get(id: string, viewer: TaskViewer): Promise<TaskDto> {
    return this.dto(await this.visible(id, viewer));
  }

  /** The stored task, if `viewer` may see it: 404 unknown, 403 a worker's task of someone else. */
  async visible(id: string, viewer: TaskViewer): Promise<TaskRecordRow> {
    const row = await this.ds.getRepository(TaskRecordEntity).findOneBy({ id });
    if (!row)
      throw new NotFoundException({
        statusCode: 404,
        code: 'TASK_NOT_FOUND',
        message: `no task '${id}'`,
      });
    assertVisible(id, audienceOf(row), viewer);
    return row;
  }

  /** The task if it is still open and `viewer` may work on it (visible, and for workers: theirs). */
  async workable(id: string, viewer: TaskViewer): Promise<TaskRecordRow> {
    const row = await this.visible(id, viewer);
    if (row.state !== 'open') throw notOpen(id, row.state);
    assertWorkable(id, audienceOf(row), viewer);
    return row;
  }

  /**
   * Completes a task: its form (if any) is checked first — 422 with every problem and nothing
   * changed; a task held by someone else is 409 unless the caller is an admin or manager.
   */
  async complete(
    id: string,
    variables: Record<string, unknown>,
    viewer: TaskViewer,
  ): Promise<{ id: string; processInstance: InstanceDto }> {
    const row = await this.workable(id, viewer);
    const override = mayOverrideAssignee(viewer);
    if (row.assignee && row.assignee !== viewer.username && !override)
      throw heldByOther(id, row.assignee);
    const check = await this.forms.checkFor(row);
    const errors = check ? check(variables) : [];
    if (errors.length > 0)
      throw new UnprocessableEntityException({
        statusCode: 422,
        code: 'FORM_INVALID',
        message: `the data does not match the form of task '${id}': ${errors
          .slice(0, 5)
          .map((e) => `${e.path} ${e.message}`)
          .join('; ')}${errors.length > 5 ? '; …' : ''}`,
        errors,
      });
    await this.host.execute([row.instanceId], viewer.username, (engine) => {
      const live = engine.getTask(id);
      if (live) {
        if (live.assignee && live.assignee !== viewer.username && !override)
          throw heldByOther(id, live.assignee);
        assertWorkable(id, audienceOfView(live), viewer);
      }
      return engine.completeTask(id, variables);
    });
    const instance = await this.ds
      .getRepository(InstanceEntity)
      .findOneByOrFail({ id: row.instanceId });
    return { id, processInstance: toInstanceDto(instance) };
  }

  /** The caller takes the task: 409 if someone else holds it; holding it already changes nothing. */
  async claim(id: string, viewer: TaskViewer): Promise<TaskDto> {
    const row = await this.workable(id, viewer);
    if (row.assignee === viewer.username) return this.dto(row);
    if (row.assignee) throw heldByOther(id, row.assignee);
    await this.assignInEngine(row, viewer, viewer.username, (live) => {
      if (live.assignee === viewer.username) return 'done';
      if (live.assignee) throw heldByOther(id, live.assignee);
      return 'go';
    });
    return this.get(id, viewer);
  }

  /** Gives the task back: one's own; a supervisor (admin, safety officer, manager) any. */
  async unclaim(id: string, viewer: TaskViewer): Promise<TaskDto> {
    const row = await this.visible(id, viewer);
    if (row.state !== 'open') throw notOpen(id, row.state);
    if (!row.assignee) return this.dto(row);
    if (row.assignee !== viewer.username && !supervises(viewer))
      throw new ForbiddenException({
        statusCode: 403,
        code: 'TASK_NOT_YOURS',
        message: `task '${id}' is assigned to '${row.assignee}'; only they or an admin, safety officer or manager may unclaim it`,
      });
    const held = row.assignee;
    await this.assignInEngine(row, viewer, null, (live) => {
      if (!live.assignee) return 'done';
      if (live.assignee !== held) throw heldByOther(id, live.assignee);
      return 'go';
    });
    return this.get(id, viewer);
  }

  /** Hands the task to a user (or to nobody with null). The user must exist. */
  async assign(id: string, assignee: string | null, viewer: TaskViewer): Promise<TaskDto> {
    const row = await this.visible(id, viewer);
    if (row.state !== 'open') throw notOpen(id, row.state);
    if (
      assignee !== null &&
      !(await this.ds.getRepository(UserEntity).existsBy({ username: assignee }))
    )
      throw new BadRequestException({
        statusCode: 400,
        message: `assignee: no user '${assignee}'`,
        errors: [{ field: 'assignee', code: 'invalid-body', message: `no user '${assignee}'` }],
      });
    if (row.assignee === assignee) return this.dto(row);
    await this.assignInEngine(row, viewer, assignee, (live) =>
      (live.assignee ?? null) === assignee ? 'done' : 'go',
    );
    return this.get(id, viewer);
  }

  /**
   * Runs `engine.assignTask` (a task.assigned event) unless `decide`, looking at the task as the
   * command sees it, finds it already done or refuses by throwing.
   */
  private async assignInEngine(
    row: TaskRecordRow,
    viewer: TaskViewer,
    assignee: string | null,
    decide: (live: { assignee?: string }) => 'go' | 'done',
  ): Promise<void> {
    await this.host.execute([row.instanceId], viewer.username, (engine: Engine) => {
      const live = engine.getTask(row.id);
      if (live && decide(live) === 'done') return NOTHING;
      return engine.assignTask(row.id, assignee);
    });
  }

  private async dto(row: TaskRecordRow): Promise<TaskDto> {
    const form = await this.forms.resolve(row);
    return toTaskDto(row, form?.schema ?? null);
  }
}
