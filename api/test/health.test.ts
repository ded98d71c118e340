import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { In } from 'typeorm';
import { PetEntity } from '../src/pets/pet.entity.ts';
import { startLocalPostgres, type LocalPostgres } from './postgres/local-server.ts';
import { startTestApi, type TestApi } from './support/api.ts';
import { engines } from './support/databases.ts';
import { waitFor } from './support/wait.ts';

describe.each(engines)('health on %s', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(engine, { env: { API_VERSION: '2.0.0' } });
  });
  afterAll(() => api.close());

  it('is live and ready while the database answers', async () => {
    expect((await api.request('GET', '/health')).body).toEqual({ status: 'ok', version: '2.0.0' });
    expect((await api.request('GET', '/health?probe=ready')).body).toEqual({
      status: 'ok',
      version: '2.0.0',
      checks: { database: 'ok' },
    });
  });

  it('stops being ready, but stays live, once shutdown begins', async () => {
    api.lifecycle.draining = true;
    try {
      const ready = await api.request('GET', '/health?probe=ready');
      expect(ready.status).toBe(503);
      expect(ready.body.detail).toBe('shutting down');
      expect((await api.request('GET', '/health')).status).toBe(200);
    } finally {
      api.lifecycle.draining = false;
    }
  });

  it('stays live without a database (liveness never touches it) and answers readiness with 503', async () => {
    await api.dataSource.destroy();
    expect((await api.request('GET', '/health')).status).toBe(200);
    const ready = await api.request('GET', '/health?probe=ready');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('Retry-After')).toBe('5');
    expect(ready.body.detail).toBe('the database does not answer');
  });
});

describe('a PostgreSQL outage', () => {
  let postgres: LocalPostgres;
  let api: TestApi;
  beforeAll(async () => {
    postgres = await startLocalPostgres(); // a server of its own: the shared one must stay up for the other files
    api = await startTestApi('postgres', { postgresAdminUrl: postgres.url });
  });
  afterAll(async () => {
    await api.close();
    await postgres.dispose();
  });

  it('turns readiness 503 while PostgreSQL is stopped, recovers when it returns, and loses no acknowledged write', async () => {
    const ready = async () => (await api.request('GET', '/health?probe=ready')).status;
    const acknowledged: number[] = [];
    const refused: number[] = [];
    const load = { writing: true };
    const writer = (async () => {
      for (let i = 0; load.writing; i++) {
        const response = await api.request('POST', '/pets', { json: { name: `write ${i}`, photoUrls: [] } });
        if (response.status === 201) acknowledged.push((response.body as { id: number }).id);
        else refused.push(response.status);
      }
    })();

    await waitFor('writes before the outage', () => acknowledged.length >= 20);
    expect(await ready()).toBe(200);
    await postgres.stop();
    const beforeRecovery = acknowledged.length;
    expect(await ready()).toBe(503);
    await waitFor('writes refused during the outage', () => refused.length >= 5);

    await postgres.start();
    await waitFor('readiness after the outage', async () => (await ready()) === 200);
    await waitFor('writes after the outage', () => acknowledged.length >= beforeRecovery + 20);
    load.writing = false;
    await writer;

    expect(new Set(refused)).toEqual(new Set([503]));
    const stored = await api.dataSource.getRepository(PetEntity).countBy({ id: In(acknowledged) });
    expect(stored).toBe(acknowledged.length);
  });
});
