import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { RuntimeConfig } from '../config.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations.js';

export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(ds: DataSource): Dialect {
  return ds.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

/** Opens the database of the config and runs pending migrations. Never `synchronize`. */
export async function openDataSource(config: RuntimeConfig): Promise<DataSource> {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
  } as const;
  let options: DataSourceOptions;
  if (config.databaseUrl) {
    const schema = config.databaseSchema;
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema))
      throw new Error(`invalid database schema '${schema}'`);
    options = {
      ...common,
      type: 'postgres',
      url: config.databaseUrl,
      ...(schema ? { schema, extra: { options: `-c search_path=${schema}` } } : {}),
    };
  } else {
    mkdirSync(config.dataDir, { recursive: true });
    options = {
      ...common,
      type: 'better-sqlite3',
      database: join(config.dataDir, 'safeflow.sqlite'),
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
    };
  }
  const ds = new DataSource(options);
  await ds.initialize();
  if (config.databaseUrl && config.databaseSchema) {
    await ds.query(`CREATE SCHEMA IF NOT EXISTS ${config.databaseSchema}`);
  }
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}
