import type { DataSource } from 'typeorm';

// An arbitrary constant: the pg_advisory_lock key every migrator of this schema agrees on.
const migrationLockKey = 7_271_045_221;

/**
 * Applies pending migrations, all in one transaction, and returns their names. On PostgreSQL an advisory lock makes
 * concurrent migrators (a retried Job, a second rollout) wait for each other instead of applying a migration twice.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  if (dataSource.options.type !== 'postgres') return names(await dataSource.runMigrations({ transaction: 'all' }));
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    return names(await dataSource.runMigrations({ transaction: 'all' }));
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]).catch(() => undefined);
    await lock.release();
  }
}

const names = (applied: { name: string }[]) => applied.map((m) => m.name);
