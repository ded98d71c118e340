// One query against a throwaway PostgreSQL server (api/test/postgres/local-server.ts) as its superuser, in the
// database named (default petstore): what the real-node tests use to set up roles and read what the API wrote.
import pg from 'pg';
import type { LocalPostgres } from '../../api/test/postgres/local-server.ts';

export async function query<T extends pg.QueryResultRow>(
  postgres: LocalPostgres,
  text: string,
  database = 'petstore',
): Promise<T[]> {
  const url = new URL(postgres.url);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}
