import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { RuntimeConfig } from '../config.js';
import { CONFIG, DATA_SOURCE } from '../tokens.js';
import { openDataSource } from './data-source.js';

class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/** Owns TypeORM: the data source (sqlite or PostgreSQL), entities and migrations. */
@Global()
@Module({
  providers: [
    {
      provide: DATA_SOURCE,
      inject: [CONFIG],
      useFactory: (config: RuntimeConfig) => openDataSource(config),
    },
    DataSourceCloser,
  ],
  exports: [DATA_SOURCE],
})
export class PersistenceModule {}
