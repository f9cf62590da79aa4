import {
  BadRequestException,
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { In, type DataSource } from 'typeorm';
import { EngineHost } from '../engine-host/engine-host.js';
import { InstanceEntity, ProcessDefinitionEntity } from '../persistence/entities.js';
import { DATA_SOURCE } from '../tokens.js';
import { toInstanceDto, type InstanceDto } from './instance-dto.js';
import { resolveMigrationTarget, type MigrationBody } from './migration-target.js';

export interface BatchMigrationDto {
  /** Ids of the instances now on the target version. */
  migrated: string[];
  /** Instances that stayed where they were, with the refusal (e.g. an element missing in the target). */
  failed: Array<{ id: string; code: string; message: string }>;
}

/** Instances a migration may move: waiting ones (an incident waits too). */
const WAITING = ['active', 'incident'];

/** Operator commands on whole instances: cancel, and migration to another process version. */
@Injectable()
export class InstanceCommands {
  constructor(
    @Inject(EngineHost) private readonly host: EngineHost,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  async get(id: string): Promise<InstanceDto> {
    const row = await this.ds.getRepository(InstanceEntity).findOneBy({ id });
    if (!row)
      throw new NotFoundException({
        statusCode: 404,
        code: 'INSTANCE_NOT_FOUND',
        message: `no process instance '${id}'`,
      });
    return toInstanceDto(row);
  }

  /** Terminates the instance; its open tasks, jobs, timers and subscriptions go with it. */
  async cancel(id: string, actor: string): Promise<InstanceDto> {
    await this.host.execute([id], actor, (engine) => engine.cancel(id));
    return this.get(id);
  }

  async migrate(id: string, body: MigrationBody, actor: string): Promise<InstanceDto> {
    const current = await this.get(id);
    const target = await resolveMigrationTarget(this.ds, current.processId, body);
    await this.host.execute([id], actor, (engine) => engine.migrateInstance(id, target.key));
    return this.get(id);
  }

  /**
   * Moves every waiting instance of version `sourceKey` to the target, one command each: those the
   * engine refuses stay on their version and are listed with the reason.
   */
  async migrateAll(
    sourceKey: string,
    body: MigrationBody,
    actor: string,
  ): Promise<BatchMigrationDto> {
    const source = await this.ds
      .getRepository(ProcessDefinitionEntity)
      .findOneBy({ key: sourceKey });
    if (!source)
      throw new NotFoundException({
        statusCode: 404,
        code: 'PROCESS_NOT_FOUND',
        message: `no deployed process version '${sourceKey}' (give a version key like permit:1)`,
      });
    const target = await resolveMigrationTarget(this.ds, source.processId, body);
    if (target.processId !== source.processId || target.key === source.key)
      throw new BadRequestException({
        statusCode: 400,
        code: 'MIGRATION_INVALID',
        message: `instances of '${source.key}' cannot move to '${target.key}': the target must be another version of '${source.processId}'`,
      });
    const rows = await this.ds.getRepository(InstanceEntity).find({
      select: { id: true },
      where: { processKey: source.key, state: In(WAITING) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const out: BatchMigrationDto = { migrated: [], failed: [] };
    for (const { id } of rows) {
      try {
        await this.host.execute([id], actor, (engine) => engine.migrateInstance(id, target.key));
        out.migrated.push(id);
      } catch (e) {
        if (!(e instanceof HttpException)) throw e;
        const reply = e.getResponse() as { code?: string; message?: string };
        out.failed.push({
          id,
          code: reply.code ?? 'MIGRATION_FAILED',
          message: reply.message ?? e.message,
        });
      }
    }
    return out;
  }
}
