import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ProcessDefinitionEntity, type ProcessDefinitionRow } from '../persistence/entities.js';
import { DATA_SOURCE } from '../tokens.js';
import type { HeaderSink } from './deployments.controller.js';
import { toDefinitionDto, type ProcessDefinitionDto } from './deployment-dto.js';
import { DeploymentsService } from './deployments.service.js';
import { bpmnOfProcess } from './process-xml.js';

@Controller('api/process-definitions')
export class ProcessDefinitionsController {
  constructor(
    @Inject(DeploymentsService) private readonly deployments: DeploymentsService,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  @Get()
  async list(): Promise<ProcessDefinitionDto[]> {
    const rows = await this.ds
      .getRepository(ProcessDefinitionEntity)
      .find({ order: { processId: 'ASC', version: 'ASC' } });
    return rows.map(toDefinitionDto);
  }

  /** A version key (`permit:2`), or a process id for its latest version. */
  @Get(':key')
  async get(@Param('key') key: string): Promise<ProcessDefinitionDto> {
    return toDefinitionDto(await this.find(key));
  }

  /** The BPMN XML the version was deployed from (for the designer). */
  @Get(':key/xml')
  async xml(
    @Param('key') key: string,
    @Res({ passthrough: true }) res: HeaderSink,
  ): Promise<string> {
    const def = await this.find(key);
    const bpmn = bpmnOfProcess(await this.deployments.get(def.deploymentId), def.processId);
    if (!bpmn)
      throw new NotFoundException({
        statusCode: 404,
        code: 'RESOURCE_NOT_FOUND',
        message: `the BPMN of '${def.key}' is not among the resources of deployment '${def.deploymentId}'`,
      });
    res.setHeader('Content-Type', 'application/xml; charset=utf-8');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    return bpmn.content;
  }

  private async find(key: string): Promise<ProcessDefinitionRow> {
    const defs = this.ds.getRepository(ProcessDefinitionEntity);
    const def =
      (await defs.findOneBy({ key })) ??
      (await defs.findOne({ where: { processId: key }, order: { version: 'DESC' } }));
    if (!def)
      throw new NotFoundException({
        statusCode: 404,
        code: 'PROCESS_NOT_FOUND',
        message: `no deployed process '${key}' (give a version key like permit:2 or a process id)`,
      });
    return def;
  }
}
