// Jest global setup of the api project: one PostgreSQL server for every API test file (each file creates its own
// databases on it). PETSTORE_TEST_POSTGRES_URL, when set, names an existing server instead.
import { startPostgres, type PostgresServer } from './server.ts';

declare global {
  var petstorePostgres: PostgresServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.PETSTORE_TEST_POSTGRES_URL) return;
  const server = await startPostgres();
  globalThis.petstorePostgres = server;
  process.env.PETSTORE_TEST_POSTGRES_URL = server.url; // inherited by the test workers
}
