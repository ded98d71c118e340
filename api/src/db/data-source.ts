import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { describeDatabase, type DatabaseConfig } from '../config.ts';
import { PetEntity } from '../pets/pet.entity.ts';
import { OrderEntity } from '../store/order.entity.ts';
import { UserEntity } from '../users/user.entity.ts';
import { migrations } from './migrations/index.ts';

// better-sqlite3 12 (TypeORM 1.1's declared peer) aborts the process under Node >= 24.19 whenever a prepared statement
// is garbage-collected (WiseLibs/better-sqlite3#1515); 13 (N-API) does not. It is installed under an npm alias, so
// TypeORM's peer range does not block installation, and handed to TypeORM through its `driver` option.
const betterSqlite3: unknown = createRequire(import.meta.url)('better-sqlite3-13');

const common = {
  entities: [PetEntity, OrderEntity, UserEntity],
  migrations,
  migrationsTableName: 'schema_migrations',
  migrationsTransactionMode: 'all' as const,
  synchronize: false,
  logging: false,
};

/** A TypeORM data source for the configured engine (not yet connected). The schema comes only from migrations. */
export function createDataSource(database: DatabaseConfig): DataSource {
  if (database.engine === 'sqlite') {
    const inMemory = database.file === ':memory:';
    if (!inMemory) mkdirSync(dirname(database.file), { recursive: true });
    // WAL lets readers proceed during a write; better-sqlite3 then defaults to synchronous=NORMAL.
    return new DataSource({
      type: 'better-sqlite3',
      driver: betterSqlite3,
      database: database.file,
      enableWAL: !inMemory,
      ...common,
    });
  }
  return new DataSource({
    type: 'postgres',
    url: database.url,
    ...common,
    applicationName: 'petstore-api',
    poolSize: 10,
    // Fail fast (503) instead of queueing forever when the server is unreachable or the pool is exhausted.
    connectTimeoutMS: 2000,
    // A pooled connection survives a password rotation (PostgreSQL checks passwords only when a session starts); the
    // readiness probe's query every 5 s keeps one open as long as the idle timeout is longer than that.
    extra: { statement_timeout: 10_000, idleTimeoutMillis: database.idleTimeoutMs ?? defaultPoolIdleTimeoutMs },
    // ids are bigint; JavaScript numbers hold them exactly up to 2^53 - 1, the maximum the API accepts.
    parseInt8: true,
    // Nothing here needs extensions, and an RDS application user may not be allowed to create them.
    installExtensions: false,
  });
}

/** DB_POOL_IDLE_SECONDS' default: six readiness periods. */
export const defaultPoolIdleTimeoutMs = 30_000;

/** Creates and connects the data source; the error names the database (without its password) and the cause. */
export async function openDatabase(database: DatabaseConfig): Promise<DataSource> {
  const dataSource = createDataSource(database);
  try {
    return await dataSource.initialize();
  } catch (error) {
    throw new Error(`cannot open the database ${describeDatabase(database)}: ${reason(error)}`, { cause: error });
  }
}

// Connection failures are often AggregateErrors (one per address tried) with an empty message but a code.
function reason(error: unknown): string {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  return [code, message].filter((part) => typeof part === 'string' && part !== '').join(' ') || String(error);
}
