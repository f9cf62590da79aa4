import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { BodyValidation } from '../common/validation.js';
import {
  API_KEY_NAME_MAX,
  ApiKeysService,
  type ApiKeyDto,
  type CreatedApiKeyDto,
} from './api-keys.service.js';
import { actorOf, assertKnownRoles, Roles, type AuthedRequest } from './roles.js';

const CREATE_BODY = new BodyValidation({
  name: { type: 'string', required: true, minLength: 1, maxLength: API_KEY_NAME_MAX },
  roles: { type: 'string[]', required: true },
});

/** API keys of integrations: created and revoked by admins, listed for admins and auditors. */
@Controller('api/api-keys')
export class ApiKeysController {
  constructor(@Inject(ApiKeysService) private readonly keys: ApiKeysService) {}

  @Roles('admin')
  @Post()
  create(
    @Body(CREATE_BODY) body: { name: string; roles: string[] },
    @Req() req: AuthedRequest,
  ): Promise<CreatedApiKeyDto> {
    assertKnownRoles(body.roles);
    return this.keys.create(body.name, body.roles, actorOf(req));
  }

  @Roles('admin', 'auditor')
  @Get()
  list(): Promise<ApiKeyDto[]> {
    return this.keys.list();
  }

  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id') id: string, @Req() req: AuthedRequest): Promise<void> {
    await this.keys.revoke(id, actorOf(req));
  }
}
