import { Global, Module } from '@nestjs/common';
import { EngineHost } from './engine-host.js';

/** The engine, hosted over the database; shared by the deployments, instances and tasks modules. */
@Global()
@Module({ providers: [EngineHost], exports: [EngineHost] })
export class EngineHostModule {}
