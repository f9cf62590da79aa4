import { Module } from '@nestjs/common';
import { DefinitionMigrationController } from './definition-migration.controller.js';
import { InstanceCommands } from './instance-commands.js';
import { InstancesController } from './instances.controller.js';

@Module({
  controllers: [InstancesController, DefinitionMigrationController],
  providers: [InstanceCommands],
})
export class InstancesModule {}
