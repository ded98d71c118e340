// The PostgreSQL server the API tests run against: testcontainers' module when a Docker engine answers, the machine's
// own PostgreSQL binaries otherwise (this repository's CI has no Docker engine).
import { howToProvidePostgres, startLocalPostgres } from './local-server.ts';

export interface PostgresServer {
  /** Superuser URL of the maintenance database; tests create their own databases from it. */
  url: string;
  /** Stops the server for good and removes its data. */
  dispose(): Promise<void>;
}

export const postgresImage = 'postgres:17-alpine';

export async function startPostgres(): Promise<PostgresServer> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const docker = await getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
  if (!docker) {
    const server = await startLocalPostgres();
    process.stderr.write(`[api tests] no Docker engine: PostgreSQL from the local binaries at ${server.url}\n`);
    return server;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(postgresImage).start();
  process.stderr.write(`[api tests] PostgreSQL in a ${postgresImage} container (testcontainers)\n`);
  return {
    url: container.getConnectionUri(),
    async dispose() {
      await container.stop();
    },
  };
}

export { howToProvidePostgres };
