import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { RuntimeConfig } from '../config.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations.js';

export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(ds: DataSource): Dialect {
  return ds.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

/** The sqlite file of a data dir. */
export function sqliteFile(dataDir: string): string {
  return join(dataDir, 'safeflow.sqlite');
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
      database: sqliteFile(config.dataDir),
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

/**
 * Opens the database of the config for reading only (operators' tools such as `safeflow audit
 * verify`, next to a running service or offline): nothing is created (no folder, file or schema), no
 * migration runs, and the connection itself refuses writes — sqlite opened read-only, PostgreSQL
 * sessions with read-only transactions. Throws when the database is not there.
 */
export async function openReadOnlyDataSource(
  config: Pick<RuntimeConfig, 'dataDir' | 'databaseUrl' | 'databaseSchema'>,
): Promise<DataSource> {
  const common = { entities: ENTITIES, synchronize: false, logging: false } as const;
  let options: DataSourceOptions;
  if (config.databaseUrl) {
    const schema = config.databaseSchema;
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema))
      throw new Error(`invalid database schema '${schema}'`);
    const session = `${schema ? `-c search_path=${schema} ` : ''}-c default_transaction_read_only=on`;
    options = {
      ...common,
      type: 'postgres',
      url: config.databaseUrl,
      ...(schema ? { schema } : {}),
      connectTimeoutMS: 10_000,
      extra: { options: session },
    };
  } else {
    const file = sqliteFile(config.dataDir);
    if (!existsSync(file)) throw new Error(`no SafeFlow database at ${file}`);
    options = {
      ...common,
      type: 'better-sqlite3',
      database: file,
      readonly: true,
      fileMustExist: true,
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma('busy_timeout = 5000');
      },
    };
  }
  const ds = new DataSource(options);
  await ds.initialize();
  return ds;
}
