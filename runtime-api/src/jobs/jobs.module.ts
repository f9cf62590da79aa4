import { Body, Controller, HttpCode, Inject, Module, Param, Post, Req } from '@nestjs/common';
import type { JobView } from '@safeflow/engine';
import { actorOf, Roles, type AuthedRequest } from '../auth/roles.js';
import { BodyValidation } from '../common/validation.js';
import { JobHandlerRegistry } from './job-handlers.js';
import { JobsService } from './jobs.service.js';

export interface ActivatedJobDto {
  key: string;
  type: string;
  processInstanceId: string;
  elementId: string;
  headers: Record<string, string>;
  variables: Record<string, unknown>;
  retries: number;
  idempotencyKey: string;
  createdAt: string;
}

function toJobDto(j: JobView): ActivatedJobDto {
  return {
    key: j.key,
    type: j.type,
    processInstanceId: j.instanceId,
    elementId: j.elementId,
    headers: j.headers,
    variables: j.variables,
    retries: j.retries,
    idempotencyKey: j.idempotencyKey,
    createdAt: new Date(j.createdAt).toISOString(),
  };
}

const ACTIVATE_BODY = new BodyValidation({
  type: { type: 'string', required: true, minLength: 1, maxLength: 256 },
  maxJobs: { type: 'integer', min: 1, max: 1000 },
  lockMs: { type: 'integer', min: 1, max: 24 * 3600_000 },
  worker: { type: 'string', maxLength: 128 },
});
const COMPLETE_BODY = new BodyValidation({ variables: { type: 'object' } });
const FAIL_BODY = new BodyValidation({
  retries: { type: 'integer', min: 0, max: 1000 },
  errorMessage: { type: 'string', maxLength: 4000 },
  retryBackoffMs: { type: 'integer', min: 0, max: 24 * 3600_000 },
});
const ERROR_BODY = new BodyValidation({
  errorCode: { type: 'string', required: true, minLength: 1, maxLength: 256 },
  errorMessage: { type: 'string', maxLength: 4000 },
  variables: { type: 'object' },
});

/** REST for external workers (integrations): activate jobs of a type under a lease, then answer them. */
@Controller('api/jobs')
export class JobsController {
  constructor(@Inject(JobsService) private readonly jobs: JobsService) {}

  @Roles('admin', 'integrator')
  @Post('activate')
  @HttpCode(200)
  async activate(
    @Body(ACTIVATE_BODY)
    body: { type: string; maxJobs?: number; lockMs?: number; worker?: string },
    @Req() req: AuthedRequest,
  ): Promise<ActivatedJobDto[]> {
    const owner = body.worker ?? actorOf(req);
    const jobs = await this.jobs.activate(
      body.type,
      body.maxJobs ?? 1,
      body.lockMs ?? 60_000,
      owner,
    );
    return jobs.map(toJobDto);
  }

  @Roles('admin', 'integrator')
  @Post(':key/complete')
  @HttpCode(204)
  async complete(
    @Param('key') key: string,
    @Body(COMPLETE_BODY) body: { variables?: Record<string, unknown> } | undefined,
    @Req() req: AuthedRequest,
  ): Promise<void> {
    await this.jobs.complete(key, body?.variables ?? {}, actorOf(req));
  }

  @Roles('admin', 'integrator')
  @Post(':key/fail')
  @HttpCode(204)
  async fail(
    @Param('key') key: string,
    @Body(FAIL_BODY)
    body: { retries?: number; errorMessage?: string; retryBackoffMs?: number } | undefined,
    @Req() req: AuthedRequest,
  ): Promise<void> {
    await this.jobs.fail(key, body ?? {}, actorOf(req));
  }

  @Roles('admin', 'integrator')
  @Post(':key/error')
  @HttpCode(204)
  async error(
    @Param('key') key: string,
    @Body(ERROR_BODY)
    body: { errorCode: string; errorMessage?: string; variables?: Record<string, unknown> },
    @Req() req: AuthedRequest,
  ): Promise<void> {
    const { errorCode, ...options } = body;
    await this.jobs.throwError(key, errorCode, options, actorOf(req));
  }
}

/** Jobs: the table, the worker and its handler registry, and the external-worker REST. */
@Module({
  controllers: [JobsController],
  providers: [JobHandlerRegistry, JobsService],
  exports: [JobHandlerRegistry, JobsService],
})
export class JobsModule {}
