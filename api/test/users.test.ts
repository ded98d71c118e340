import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, type TestApi } from './support/api.ts';
import { engines } from './support/databases.ts';
import { UserEntity } from '../src/users/user.entity.ts';

const ann = {
  username: 'ann',
  firstName: 'Ann',
  lastName: 'Lee',
  email: 'ann@example.com',
  phone: '555',
  userStatus: 1,
};

describe.each(engines)('users on %s', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(engine);
  });
  afterAll(() => api.close());

  const storedHash = async (username: string) =>
    (await api.dataSource.getRepository(UserEntity).findOneByOrFail({ username })).passwordHash;

  it('creates a user: 201 and Location, never the password, which is stored only as a salted scrypt hash', async () => {
    const created = await api.request('POST', '/users', { json: { ...ann, password: 'correct horse' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('Location')).toBe('/api/v1/users/ann');
    expect(created.body).toEqual({ ...ann, id: expect.any(Number) });

    const read = await api.request('GET', '/users/ann');
    expect(read.body).toEqual(created.body);
    expect(JSON.stringify(read.body)).not.toContain('correct horse');
    const hash = await storedHash('ann');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[\w+/=]+\$[\w+/=]+$/);
    expect(hash).not.toContain('correct horse');
  });

  it('refuses a second user with the same name (409) and a user without a password (400)', async () => {
    await api.request('POST', '/users', { json: { username: 'bob', password: 'password1' } });
    const duplicate = await api.request('POST', '/users', { json: { username: 'bob', password: 'password2' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.detail).toBe('user bob already exists');
    const missing = await api.request('POST', '/users', { json: { username: 'carl' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toContainEqual({ in: 'body', pointer: '/password', detail: 'is required' });
  });

  it('replaces a profile with PUT, keeping the password unless a new one is sent', async () => {
    await api.request('POST', '/users', { json: { username: 'dora', password: 'first password' } });
    const first = await storedHash('dora');
    const replaced = await api.request('PUT', '/users/dora', { json: { username: 'dora', email: 'dora@example.com' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ id: expect.any(Number), username: 'dora', email: 'dora@example.com' });
    expect(replaced.headers.get('ETag')).toBe('"2"');
    expect(await storedHash('dora')).toBe(first);

    await api.request('PUT', '/users/dora', { json: { username: 'dora', password: 'second password' } });
    expect(await storedHash('dora')).not.toBe(first);
  });

  it('refuses a PUT whose username differs from the path (422) or whose If-Match is stale (412)', async () => {
    await api.request('POST', '/users', { json: { username: 'eve', password: 'eve password' } });
    expect((await api.request('PUT', '/users/eve', { json: { username: 'mallory' } })).status).toBe(422);
    await api.request('PUT', '/users/eve', { json: { username: 'eve', firstName: 'Eve' } });
    const stale = await api.request('PUT', '/users/eve', { json: { username: 'eve' }, headers: { 'If-Match': '"1"' } });
    expect(stale.status).toBe(412);
    expect((await api.request('GET', '/users/eve')).body.firstName).toBe('Eve');
  });

  it('deletes a user: 204, then 404', async () => {
    await api.request('POST', '/users', { json: { username: 'finn', password: 'finn password' } });
    expect((await api.request('DELETE', '/users/finn')).status).toBe(204);
    expect((await api.request('GET', '/users/finn')).status).toBe(404);
    expect((await api.request('DELETE', '/users/finn')).status).toBe(404);
  });
});
