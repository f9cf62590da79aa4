import {
  Body,
  Controller,
  Get,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { actorOf, Roles, type AuthedRequest } from '../auth/roles.js';
import { OpenApiBody } from '../openapi/openapi-body.js';
import { OpenApiQuery } from '../openapi/openapi-query.js';
import {
  deployInputOf,
  JSON_BODY,
  MULTIPART_FIELDS,
  type UploadedResource,
} from './deploy-request.js';
import {
  toDetailDto,
  type DeploymentDetailDto,
  type DeploymentDto,
  type DeploymentSummaryDto,
} from './deployment-dto.js';
import { DEPLOYMENT_LIST_QUERY_DOC, parseDeploymentListQuery } from './deployment-list-query.js';
import { DeploymentsService } from './deployments.service.js';
import { ACCEPTED_SUFFIXES, resourceContentType } from './resource-kind.js';
import { DeploymentUploadInterceptor } from './upload-interceptor.js';
import { MAX_RESOURCE_BYTES, MAX_RESOURCES, MAX_UPLOAD_BYTES, mib } from './upload-limits.js';

/** The part of the response the routes set headers on. */
export interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

@Controller('api/deployments')
export class DeploymentsController {
  constructor(@Inject(DeploymentsService) private readonly deployments: DeploymentsService) {}

  /** JSON `{name, resources:[{name, content}]}` or multipart (field `name` + files). */
  @Roles('admin', 'safety-officer', 'integrator')
  @Post()
  @UseInterceptors(DeploymentUploadInterceptor)
  @OpenApiBody({
    json: JSON_BODY,
    multipart: {
      fields: MULTIPART_FIELDS,
      files: {
        field: 'resources',
        description: `one or more resources, each named by its file name (${ACCEPTED_SUFFIXES}); UTF-8 text, at most ${mib(MAX_RESOURCE_BYTES)} each, ${MAX_RESOURCES} files, ${mib(MAX_UPLOAD_BYTES)} together`,
      },
    },
  })
  deploy(
    @Body() body: unknown,
    @Req() req: AuthedRequest & { files?: UploadedResource[] },
  ): Promise<DeploymentDto> {
    return this.deployments.deploy(deployInputOf(body, req.files), actorOf(req));
  }

  @Get()
  @OpenApiQuery(DEPLOYMENT_LIST_QUERY_DOC)
  async list(
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) res: HeaderSink,
  ): Promise<DeploymentSummaryDto[]> {
    const { items, total } = await this.deployments.list(parseDeploymentListQuery(query));
    res.setHeader('X-Total-Count', String(total));
    return items;
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<DeploymentDetailDto> {
    return toDetailDto(await this.deployments.get(id));
  }

  /** The stored text as deployed; never rendered by a browser (nosniff, sandbox). */
  @Get(':id/resources/:name')
  async resource(
    @Param('id') id: string,
    @Param('name') name: string,
    @Res({ passthrough: true }) res: HeaderSink,
  ): Promise<string> {
    const r = await this.deployments.resource(id, name);
    res.setHeader('Content-Type', resourceContentType(r.name));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    return r.content;
  }
}
