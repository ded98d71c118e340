// `node api/src/migrate.ts` (`node dist/migrate.js` in the image): applies pending migrations once and exits, 0 on
// success; the operator runs it as a Job per rollout. Same configuration as the server (config.ts).
import { ConfigError, describeDatabase, loadConfig } from './config.ts';
import { openDatabase } from './db/data-source.ts';
import { runMigrations } from './db/migrate.ts';
import { createLogger, type Logger } from './logger.ts';

let logger: Logger = createLogger({ logLevel: 'info', apiVersion: 'unknown', environment: 'unknown' });
try {
  const config = loadConfig();
  logger = createLogger(config);
  const dataSource = await openDatabase(config.database);
  try {
    const applied = await runMigrations(dataSource);
    logger.info(
      { migrations: applied, database: describeDatabase(config.database) },
      applied.length > 0 ? `applied ${applied.length} migration(s)` : 'the schema is up to date',
    );
  } finally {
    await dataSource.destroy();
  }
} catch (error) {
  const message = `migration failed: ${error instanceof Error ? error.message : String(error)}`;
  if (error instanceof ConfigError) logger.fatal(message);
  else logger.fatal({ err: error }, message);
  process.exitCode = 1;
}
