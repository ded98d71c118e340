// The API server: `node api/src/main.ts` (or `node dist/main.js` in the image). Configured by environment variables
// (config.ts); on SQLite it migrates at start, on PostgreSQL `migrate.ts` does that once per rollout.
import { createApp } from './app.ts';
import { createApiKeyStore } from './auth/api-key-store.ts';
import { ConfigError, describeDatabase, loadConfig } from './config.ts';
import { openDatabase } from './db/data-source.ts';
import { runMigrations } from './db/migrate.ts';
import { drain, listen } from './http/server.ts';
import { createLogger, type Logger } from './logger.ts';
import { apiBasePath } from './openapi/base-path.ts';

let logger: Logger = createLogger({ logLevel: 'info', apiVersion: 'unknown', environment: 'unknown' });
process.on('uncaughtException', (error) => {
  logger.fatal({ err: error }, 'uncaught exception');
  process.exit(1);
});

try {
  const config = loadConfig();
  logger = createLogger(config);
  const apiKeys = createApiKeyStore(config, logger);
  if (!apiKeys.required) {
    logger.warn(
      'no API keys configured (API_KEYS, API_KEYS_FILE): every operation is open, as only development allows',
    );
  }
  const dataSource = await openDatabase(config.database);
  if (config.database.engine === 'sqlite') {
    const applied = await runMigrations(dataSource);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
  } else if (await dataSource.showMigrations()) {
    logger.warn('the database schema has pending migrations: run `node dist/migrate.js` (npm run migrate)');
  }

  const lifecycle = { draining: false };
  const app = createApp({ config, dataSource, logger, lifecycle, apiKeys });
  const server = await listen(app.callback(), config);
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  logger.info(
    { url: `http://${host}:${config.port}${apiBasePath}`, database: describeDatabase(config.database) },
    'listening',
  );

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'draining: finishing in-flight requests');
    lifecycle.draining = true;
    await drain(server, { graceMs: config.shutdownGraceMs });
    apiKeys.close();
    await dataSource.destroy();
    logger.info('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, (s) => void shutdown(s));
} catch (error) {
  // A configuration error is the operator's to fix, not a bug: the message says it all, a stack would only distract.
  if (error instanceof ConfigError) logger.fatal(error.message);
  else logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
  process.exit(1);
}
