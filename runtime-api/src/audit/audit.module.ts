import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  Module,
  NotFoundException,
  Query,
} from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { Roles } from '../auth/roles.js';
import { EngineHost } from '../engine-host/engine-host.js';
import { dialectOf } from '../persistence/data-source.js';
import { DATA_SOURCE } from '../tokens.js';
import { inReadSnapshot, verifyDatabase, verifyInstance } from './audit-verifier.js';
import { toAuditVerifyDto, type AuditVerifyDto } from './audit-verify-dto.js';

@Controller('api/audit')
export class AuditController {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(EngineHost) private readonly host: EngineHost,
  ) {}

  /**
   * Recomputes the hash chains from the stored rows: one instance's (with its ledger entries), or —
   * without `processInstanceId` — every instance's and the global ledger's, cross-checked.
   */
  @Roles('admin', 'auditor')
  @Get('verify')
  async verify(@Query('processInstanceId') processInstanceId?: unknown): Promise<AuditVerifyDto> {
    if (processInstanceId !== undefined) {
      if (typeof processInstanceId !== 'string' || !processInstanceId) {
        const message = 'processInstanceId must be one non-empty process instance id when given';
        throw new BadRequestException({
          statusCode: 400,
          message,
          errors: [{ field: 'processInstanceId', code: 'invalid-query', message }],
        });
      }
      const report = await this.read((m) => verifyInstance(m, processInstanceId));
      if (!report)
        throw new NotFoundException({
          statusCode: 404,
          code: 'INSTANCE_NOT_FOUND',
          message: `no process instance '${processInstanceId}'`,
        });
      return toAuditVerifyDto(report, false);
    }
    return toAuditVerifyDto(await this.read(verifyDatabase), true);
  }

  /**
   * One consistent view, so commits landing meanwhile never look like tampering. PostgreSQL: a
   * snapshot transaction. sqlite: the service has one shared connection, where a long read
   * transaction would swallow other work's statements — so instead the verifier runs in the command
   * queue, where nothing else writes events, instance rows or the ledger.
   */
  private read<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    if (dialectOf(this.ds) === 'postgres') return inReadSnapshot(this.ds, fn);
    return this.host.serialize(() => fn(this.ds.manager));
  }
}

@Module({ controllers: [AuditController] })
export class AuditModule {}
