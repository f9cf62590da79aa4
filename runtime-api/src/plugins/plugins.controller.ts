import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Req,
} from '@nestjs/common';
import { actorOf, Roles, type AuthedRequest } from '../auth/roles.js';
import { BodyValidation } from '../common/validation.js';
import { toPluginDto, type PluginDto } from './plugin-dto.js';
import type { HostedPlugin } from './hosted-plugin.js';
import { PluginConfigInvalid } from './plugin-config-input.js';
import { PluginHost } from './plugin-host.service.js';

const CONFIG_BODY = new BodyValidation({ config: { type: 'object', required: true } });

/** A plugin's stored configuration as the API shows it: secret fields masked. */
export interface PluginConfigDto {
  plugin: string;
  config: Record<string, unknown>;
  /** Per secret field: whether a value is stored (never the value). */
  secrets: Record<string, { set: boolean }>;
  enabled: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
  /** Set when stored secrets cannot be decrypted (the secrets key changed). */
  problem?: string;
}

/**
 * Plugins: what is loaded and how it is (health asked on each read), and their configuration.
 * Scoped package names go URL-encoded in the path (`%40acme%2Fsafeflow-plugin-x`).
 */
@Controller('api/plugins')
export class PluginsController {
  constructor(@Inject(PluginHost) private readonly host: PluginHost) {}

  private async dto(p: HostedPlugin): Promise<PluginDto> {
    return toPluginDto(p, await this.host.health(p));
  }

  @Get()
  async list(): Promise<PluginDto[]> {
    return Promise.all(this.host.list().map((p) => this.dto(p)));
  }

  @Get(':name')
  async one(@Param('name') name: string): Promise<PluginDto> {
    return this.dto(this.host.get(name));
  }

  @Roles('admin', 'integrator', 'auditor')
  @Get(':name/config')
  async config(@Param('name') name: string): Promise<PluginConfigDto> {
    return this.configDto(this.host.get(name));
  }

  private async configDto(p: HostedPlugin): Promise<PluginConfigDto> {
    const c = await this.host.maskedConfig(p);
    return {
      plugin: p.name,
      config: c.config,
      secrets: c.secrets,
      enabled: c.enabled,
      updatedAt: c.updatedAt === null ? null : new Date(c.updatedAt).toISOString(),
      updatedBy: c.updatedBy,
      ...(c.unreadable ? { problem: c.unreadable } : {}),
    };
  }

  /**
   * Validates `config` against the plugin's configSchema (400 naming each path), stores it (secret
   * fields encrypted) and restarts the plugin with it. Answers the plugin (its status after the
   * restart) and the masked configuration.
   */
  @Roles('admin', 'integrator')
  @Put(':name/config')
  async configure(
    @Param('name') name: string,
    @Body(CONFIG_BODY) body: { config: Record<string, unknown> },
    @Req() req: AuthedRequest,
  ): Promise<{ plugin: PluginDto; config: PluginConfigDto }> {
    let p: HostedPlugin;
    try {
      p = await this.host.configure(name, body.config, actorOf(req));
    } catch (e) {
      if (e instanceof PluginConfigInvalid)
        throw new BadRequestException({
          statusCode: 400,
          code: 'PLUGIN_CONFIG_INVALID',
          message: `configuration of plugin '${name}' is invalid: ${e.errors.map((x) => `${x.path} ${x.message}`).join('; ')}`,
          // `path` is a JSON pointer into the body; `field` the same in the API's usual notation.
          errors: e.errors.map((x) => ({
            path: x.path,
            field: x.path.slice(1).split('/').join('.'),
            code: 'invalid-config',
            message: x.message,
          })),
        });
      throw e;
    }
    return { plugin: await this.dto(p), config: await this.configDto(p) };
  }

  @Roles('admin', 'integrator')
  @Post(':name/enable')
  @HttpCode(200)
  async enable(@Param('name') name: string, @Req() req: AuthedRequest): Promise<PluginDto> {
    return this.dto(await this.host.setEnabled(name, true, actorOf(req)));
  }

  @Roles('admin', 'integrator')
  @Post(':name/disable')
  @HttpCode(200)
  async disable(@Param('name') name: string, @Req() req: AuthedRequest): Promise<PluginDto> {
    return this.dto(await this.host.setEnabled(name, false, actorOf(req)));
  }
}
