import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { BuiltinPluginJobs } from './builtin-plugin-jobs.js';
import { ConnectorsService } from './connectors.service.js';
import { ElementTemplatesController } from './element-templates.controller.js';
import { FactsService } from './facts.service.js';
import { NotifierService } from './notifier.service.js';
import { PluginConfigStore } from './plugin-config-store.js';
import { PluginContributions } from './plugin-contributions.js';
import { PluginHost } from './plugin-host.service.js';
import { PluginsController } from './plugins.controller.js';
import { ReadingsController } from './readings.controller.js';
import { ReadingsService } from './readings.service.js';
import { RuleOperatorsService } from './rule-operators.service.js';

/**
 * The plugin host (issue 5): loading, configuration, lifecycle and failure isolation, and the
 * registries other modules use — facts, notifiers, connectors and readings, rule operators — plus
 * the built-in `safeflow:notify` / `safeflow:fact` task types.
 */
@Module({
  imports: [JobsModule],
  controllers: [PluginsController, ElementTemplatesController, ReadingsController],
  providers: [
    PluginConfigStore,
    PluginContributions,
    PluginHost,
    ConnectorsService,
    ReadingsService,
    FactsService,
    NotifierService,
    RuleOperatorsService,
    BuiltinPluginJobs,
  ],
  exports: [
    PluginHost,
    FactsService,
    NotifierService,
    ConnectorsService,
    ReadingsService,
    RuleOperatorsService,
  ],
})
export class PluginsModule {}
