import { Global, Module } from '@nestjs/common';
import { CommitBus } from './commit-bus.js';
import { EngineHost } from './engine-host.js';

/** The engine, hosted over the database; shared by the deployments, instances and tasks modules. */
@Global()
@Module({ providers: [EngineHost, CommitBus], exports: [EngineHost, CommitBus] })
export class EngineHostModule {}
