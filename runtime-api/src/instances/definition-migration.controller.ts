import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { actorOf, Roles, type AuthedRequest } from '../auth/roles.js';
import { InstanceCommands, type BatchMigrationDto } from './instance-commands.js';
import { MIGRATION_BODY, type MigrationBody } from './migration-target.js';

/** Migration of every waiting instance of one process version (the route sits with the definitions). */
@Controller('api/process-definitions')
export class DefinitionMigrationController {
  constructor(@Inject(InstanceCommands) private readonly commands: InstanceCommands) {}

  @Roles('admin', 'safety-officer')
  @Post(':key/migrate-instances')
  @HttpCode(200)
  migrateInstances(
    @Param('key') key: string,
    @Body(MIGRATION_BODY) body: MigrationBody,
    @Req() req: AuthedRequest,
  ): Promise<BatchMigrationDto> {
    return this.commands.migrateAll(key, body, actorOf(req));
  }
}
