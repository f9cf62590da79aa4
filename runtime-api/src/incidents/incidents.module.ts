import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Module,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import type { CommandResult, EngineEvent, InstanceState } from '@safeflow/engine';
import type { DataSource, FindOptionsWhere } from 'typeorm';
import { actorOf, Roles, type AuthedRequest } from '../auth/roles.js';
import { BodyValidation } from '../common/validation.js';
import { EngineHost } from '../engine-host/engine-host.js';
import { toInstanceDto, type InstanceDto } from '../instances/instance-dto.js';
import { InstanceEntity, type InstanceRow } from '../persistence/entities.js';
import { DATA_SOURCE } from '../tokens.js';

export interface IncidentDto {
  id: string;
  processInstanceId: string;
  elementId: string | null;
  type: string;
  message: string;
  jobKey: string | null;
  createdAt: string;
}

function incidentsOf(row: InstanceRow): IncidentDto[] {
  const state = JSON.parse(row.snapshot) as InstanceState;
  return Object.values(state.incidents).map((i) => ({
    id: i.id,
    processInstanceId: row.id,
    elementId: i.elementId ?? null,
    type: i.type,
    message: i.message,
    jobKey: i.jobKey ?? null,
    createdAt: new Date(i.createdAt).toISOString(),
  }));
}

const RESOLVE_BODY = new BodyValidation({
  action: { type: 'enum', required: true, values: ['retry', 'skip'] },
  variables: { type: 'object' },
  retries: { type: 'integer', min: 1, max: 1000 },
});

interface ResolveBody {
  action: 'retry' | 'skip';
  variables?: Record<string, unknown>;
  retries?: number;
}

/** Runs several engine commands as one: the first refusal stops it, the events are concatenated. */
function chain(...steps: Array<() => CommandResult>): CommandResult {
  const events: EngineEvent[] = [];
  for (const step of steps) {
    const r = step();
    if (!r.ok) return r;
    events.push(...r.events);
  }
  return { ok: true, events };
}

/** Open incidents (read from the instances' stored state) and their resolution: retry or skip. */
@Controller('api/incidents')
export class IncidentsController {
  constructor(
    @Inject(EngineHost) private readonly host: EngineHost,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  @Get()
  async list(@Query('processInstanceId') processInstanceId?: string): Promise<IncidentDto[]> {
    const where: FindOptionsWhere<InstanceRow> =
      typeof processInstanceId === 'string' && processInstanceId
        ? { id: processInstanceId }
        : { state: 'incident' };
    const rows = await this.ds
      .getRepository(InstanceEntity)
      .find({ where, order: { createdAt: 'ASC' } });
    return rows.flatMap(incidentsOf);
  }

  /**
   * `retry`: give the failed job retries again (default 1) and re-run the step; `skip`: complete the
   * failed job with `variables` (only for job incidents). Other incidents: `retry` re-runs the step
   * with `variables` set.
   */
  @Roles('admin', 'safety-officer', 'integrator')
  @Post(':id/resolve')
  @HttpCode(200)
  async resolve(
    @Param('id') id: string,
    @Body(RESOLVE_BODY) body: ResolveBody,
    @Req() req: AuthedRequest,
  ): Promise<{ id: string; processInstance: InstanceDto }> {
    const at = id.lastIndexOf('.inc');
    const instanceId = at > 0 ? id.slice(0, at) : '';
    const row = instanceId
      ? await this.ds.getRepository(InstanceEntity).findOneBy({ id: instanceId })
      : null;
    const incident = row ? incidentsOf(row).find((i) => i.id === id) : undefined;
    if (!row || !incident)
      throw new NotFoundException({
        statusCode: 404,
        code: 'INCIDENT_NOT_FOUND',
        message: `no open incident '${id}'`,
      });
    const jobKey = incident.jobKey;
    if (body.action === 'skip' && !jobKey)
      throw new BadRequestException({
        statusCode: 400,
        code: 'INVALID_ARGUMENT',
        message: 'only an incident of a job can be skipped',
      });
    const variables = body.variables ?? {};
    await this.host.execute([instanceId], actorOf(req), (engine) => {
      const revive = jobKey ? [() => engine.updateJobRetries(jobKey, body.retries ?? 1)] : [];
      if (body.action === 'retry')
        return chain(...revive, () => engine.resolveIncident(id, { variables }));
      return chain(
        ...revive,
        () => engine.resolveIncident(id),
        () => engine.completeJob(jobKey!, variables),
      );
    });
    const after = await this.ds.getRepository(InstanceEntity).findOneByOrFail({ id: instanceId });
    return { id, processInstance: toInstanceDto(after) };
  }
}

@Module({ controllers: [IncidentsController] })
export class IncidentsModule {}
