import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  Module,
  NotFoundException,
  Query,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { InstanceEntity, InstanceEventEntity } from '../persistence/entities.js';
import { DATA_SOURCE } from '../tokens.js';
import { verifyChain, type VerifyResult } from './hash-chain.js';

@Controller('api/audit')
export class AuditController {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  /** Recomputes an instance's hash chain from the stored rows. */
  @Get('verify')
  async verify(@Query('processInstanceId') processInstanceId?: string): Promise<VerifyResult> {
    if (typeof processInstanceId !== 'string' || !processInstanceId) {
      throw new BadRequestException({
        statusCode: 400,
        message: 'processInstanceId is required',
        errors: [
          {
            field: 'processInstanceId',
            code: 'invalid-query',
            message: 'processInstanceId is required',
          },
        ],
      });
    }
    const head = await this.ds.getRepository(InstanceEntity).findOneBy({ id: processInstanceId });
    if (!head)
      throw new NotFoundException({
        statusCode: 404,
        code: 'INSTANCE_NOT_FOUND',
        message: `no process instance '${processInstanceId}'`,
      });
    const rows = await this.ds
      .getRepository(InstanceEventEntity)
      .find({ where: { instanceId: processInstanceId }, order: { seq: 'ASC' } });
    return verifyChain(rows, head);
  }
}

@Module({ controllers: [AuditController] })
export class AuditModule {}
