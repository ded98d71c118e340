// A database password rotation (RDS rotates the master password; the operator then updates the Secret and rolls the
// pods) must not make quiet pods unready meanwhile: PostgreSQL checks a password only when a session starts, so a
// pooled connection that the readiness probe keeps busy outlives the rotation. That holds while the pool's idle
// timeout (DB_POOL_IDLE_SECONDS, 30 s) is longer than the probe's period (5 s); here both at a tenth of that scale,
// against the real PostgreSQL server of the api tests.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config.ts';
import { startTestApi, type TestApi } from './support/api.ts';
import { adminQuery, createTestDatabase, type TestDatabase } from './support/databases.ts';

const role = `rotation_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
/** The credentials after the rotation, as the rolled pod gets them from the updated Secret. */
const rotated = `${role}_new`;
let database: TestDatabase;
const apis: TestApi[] = [];

const admin = (sql: string) => adminQuery(sql);
/** The database as `user` sees it, and the pool's idle timeout. */
function asRole(user: string, idleTimeoutMs: number) {
  const url = new URL(database.config.engine === 'postgres' ? database.config.url : '');
  url.username = user;
  url.password = 'unused-Pa55word';
  return { engine: 'postgres' as const, url: url.href, idleTimeoutMs };
}
async function start(user: string, idleTimeoutMs: number): Promise<TestApi> {
  const api = await startTestApi('postgres', { database: asRole(user, idleTimeoutMs) });
  apis.push(api);
  return api;
}
/** Readiness as the kubelet probes it: every `periodMs` for `forMs`; the statuses seen. */
async function probe(api: TestApi, periodMs: number, forMs: number): Promise<number[]> {
  const statuses: number[] = [];
  for (const until = Date.now() + forMs; Date.now() < until;) {
    statuses.push((await fetch(`${api.origin}/api/v1/health?probe=ready`)).status);
    await sleep(periodMs);
  }
  return statuses;
}

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  const name = new URL(database.config.engine === 'postgres' ? database.config.url : '').pathname.slice(1);
  await admin(`CREATE ROLE ${role} LOGIN`);
  await admin(`ALTER DATABASE ${name} OWNER TO ${role}`);
  await admin(`CREATE ROLE ${rotated} LOGIN IN ROLE ${role}`);
});
afterAll(async () => {
  for (const api of apis) await api.close();
  await database.drop();
  await admin(`DROP ROLE IF EXISTS ${rotated}`);
  await admin(`DROP ROLE IF EXISTS ${role}`);
});

describe('a database password rotation', () => {
  it('leaves a quiet pod ready until it is rolled, and the rolled pod connects with the new password', async () => {
    const tooEager = await start(role, 200);
    const pod = await start(role, 1500);
    // A running pod has been probed all along: its pool holds the probe's connection when the rotation comes.
    expect(await probe(pod, 0, 1)).toEqual([200]);
    // The rotation. The test server trusts loopback clients, so it checks no password; NOLOGIN refuses new sessions of
    // the old credentials the same way a changed password does, and leaves open sessions alone, as PostgreSQL does.
    await admin(`ALTER ROLE ${role} NOLOGIN`);

    // Probes every 500 ms for 5 s, more than three idle timeouts: the probe's own connection is never idle long enough
    // to be closed, so no new session (with the old password) is needed.
    expect(new Set(await probe(pod, 500, 5000))).toEqual(new Set([200]));
    // The same pod with an idle timeout shorter than the probe period opens a session per probe: unready at once.
    expect(await probe(tooEager, 500, 1500)).toContain(503);

    const rolled = await start(rotated, 1500);
    expect(new Set(await probe(rolled, 500, 1000))).toEqual(new Set([200]));
  }, 30_000);

  it('reads the idle timeout from DB_POOL_IDLE_SECONDS (default 30 s)', () => {
    const url = 'postgres://u:p@db.example.com:5432/petstore';
    expect(loadConfig({ DATABASE_URL: url }).database).toMatchObject({ idleTimeoutMs: 30_000 });
    expect(loadConfig({ DATABASE_URL: url, DB_POOL_IDLE_SECONDS: '90' }).database).toMatchObject({
      idleTimeoutMs: 90_000,
    });
    expect(() => loadConfig({ DATABASE_URL: url, DB_POOL_IDLE_SECONDS: '0' })).toThrow(
      'DB_POOL_IDLE_SECONDS must be >= 1 (got "0")',
    );
  });
});
