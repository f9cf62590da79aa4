import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { systemClock } from './common/clock.js';
import { createLogger, PinoNestLogger } from './common/logger.js';
import type { RuntimeConfig } from './config.js';
import { ClusterModule } from './cluster/cluster.module.js';
import { DeploymentsModule } from './deployments/deployments.module.js';
import { EngineHost } from './engine-host/engine-host.js';
import { EngineHostModule } from './engine-host/engine-host.module.js';
import { HealthModule } from './health/health.module.js';
import { IncidentsModule } from './incidents/incidents.module.js';
import { InstancesModule } from './instances/instances.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { JobsService } from './jobs/jobs.service.js';
import { MessagesModule } from './messages/messages.module.js';
import { setupOpenApi } from './openapi/setup-openapi.js';
import { PersistenceModule } from './persistence/persistence.module.js';
import { PluginsModule } from './plugins/plugins.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { TimersModule } from './timers/timers.module.js';
import { TimersService } from './timers/timers.service.js';
import { CLOCK, CONFIG, DATA_SOURCE, LOGGER } from './tokens.js';

@Module({})
class ConfigModule {
  static forRoot(config: RuntimeConfig, logger: Logger): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: CLOCK, useValue: config.clock ?? systemClock },
      ],
      exports: [CONFIG, LOGGER, CLOCK],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: RuntimeConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, logger),
        PersistenceModule,
        EngineHostModule,
        ClusterModule,
        HealthModule,
        AuthModule,
        DeploymentsModule,
        InstancesModule,
        TasksModule,
        AuditModule,
        JobsModule,
        IncidentsModule,
        TimersModule,
        MessagesModule,
        PluginsModule,
        RealtimeModule,
      ],
    };
  }
}

export interface RuntimeApp {
  app: INestApplication;
  /** The database, for operators' tools and tests. */
  dataSource: DataSource;
  engineHost: EngineHost;
  /** The job worker: `jobs.handlers.register(type, fn)`, `jobs.runDue()`. */
  jobs: JobsService;
  /** The timer scheduler: `timers.tick()` fires what is due by the clock. */
  timers: TimersService;
  logger: Logger;
  /** Listens on `port` (0: any free port) and resolves to the base URL. */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

/** Builds the service (database opened, migrations run, deployments loaded) without listening yet. */
export async function createApp(config: RuntimeConfig): Promise<RuntimeApp> {
  const logger = createLogger(config.logLevel, config.logDestination);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    bodyParser: false,
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    abortOnError: false,
  });
  app.useBodyParser('json', { limit: config.bodyLimit });
  if (config.trustProxy !== undefined) app.set('trust proxy', trustProxySetting(config.trustProxy));
  setupOpenApi(app);
  app.enableShutdownHooks();
  await app.init();
  return {
    app,
    dataSource: app.get<DataSource>(DATA_SOURCE),
    engineHost: app.get(EngineHost),
    jobs: app.get(JobsService),
    timers: app.get(TimersService),
    logger,
    async listen(port = config.port) {
      await app.listen(port, '0.0.0.0');
      const address = app.getHttpServer().address() as { port: number };
      return `http://127.0.0.1:${address.port}`;
    },
    close: () => app.close(),
  };
}

/** `SAFEFLOW_TRUST_PROXY` as Express reads it: a hop count, true/false, or addresses/subnets. */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
