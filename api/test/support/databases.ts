import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config.ts';
import { howToProvidePostgres } from '../postgres/server.ts';

/** Both engines the API supports; every API suite runs against each. */
export const engines = ['sqlite', 'postgres'] as const;
export type Engine = (typeof engines)[number];

export interface TestDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/** The server started by the api project's global setup (or named by PETSTORE_TEST_POSTGRES_URL). */
export function postgresAdminUrl(): string {
  const url = process.env.PETSTORE_TEST_POSTGRES_URL;
  if (!url)
    throw new Error(`no PostgreSQL server for the tests: run them through jest's api project. ${howToProvidePostgres}`);
  return url;
}

/** Runs one statement as the test server's administrator (`adminUrl`, default the shared server). */
export async function adminQuery(sql: string, adminUrl: string = postgresAdminUrl()): Promise<void> {
  const client = new pg.Client(adminUrl);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database: in-memory SQLite, or a new database on the test PostgreSQL server (`adminUrl`). */
export async function createTestDatabase(engine: Engine, adminUrl?: string): Promise<TestDatabase> {
  if (engine === 'sqlite') return { config: { engine: 'sqlite', file: ':memory:' }, drop: () => Promise.resolve() };
  const admin = adminUrl ?? postgresAdminUrl();
  const name = `petstore_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const onAdmin = (sql: string) => adminQuery(sql, admin);
  await onAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    config: { engine: 'postgres', url: url.href },
    drop: () => onAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
