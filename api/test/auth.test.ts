// Authentication with API keys: who may do what, the 401 a client gets, keys read from a file and rotated, the
// server refusing to run open outside development. Independent of the database engine, so on SQLite only.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKeyStore } from '../src/auth/api-key-store.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { startTestApi, testApiKey, type TestApi } from './support/api.ts';
import { freePort, spawnApi } from './support/process.ts';
import { waitFor } from './support/wait.ts';

const secondKey = 'second-key-fedcba9876543210';
const wrongKey = 'wrong-key-00000000000000000';
const pet = { name: 'Rex', photoUrls: [] };

describe('API keys', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('sqlite', { env: { API_KEYS: `${testApiKey}, ${secondKey}` } });
  });
  afterAll(() => api.close());

  it('keeps reading pets and the inventory public', async () => {
    const created = await api.request('POST', '/pets', { json: pet });
    expect((await api.request('GET', '/pets', { apiKey: null })).status).toBe(200);
    expect((await api.request('GET', created.headers.get('Location')!, { apiKey: null })).status).toBe(200);
    expect((await api.request('GET', '/store/inventory', { apiKey: null })).status).toBe(200);
    expect((await api.request('GET', '/openapi.json', { apiKey: null })).status).toBe(200);
  });

  it.each([
    ['POST', '/pets', pet],
    ['PUT', '/pets/1', pet],
    ['PATCH', '/pets/1', { status: 'sold' }],
    ['DELETE', '/pets/1', undefined],
    ['POST', '/store/orders', { petId: 1, quantity: 1, status: 'placed', complete: false }],
    ['GET', '/store/orders/1', undefined],
    ['DELETE', '/store/orders/1', undefined],
    ['POST', '/users', { username: 'ann', password: 'secret-password' }],
    ['GET', '/users/ann', undefined],
    ['PUT', '/users/ann', { username: 'ann' }],
    ['DELETE', '/users/ann', undefined],
  ])('refuses %s %s without a key: 401 problem with WWW-Authenticate, nothing changed', async (method, path, json) => {
    const before = await api.request('GET', '/pets');
    const response = await api.request(method, path, { json, apiKey: null });
    expect(response.status).toBe(401);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('WWW-Authenticate')).toBe(
      'Bearer realm="petstore-api", ApiKey realm="petstore-api", header="api_key"',
    );
    expect(response.body).toMatchObject({
      type: 'https://petstore.example.com/problems/unauthorized',
      status: 401,
      detail: 'this operation needs an API key: send it in the api_key header or as Authorization: Bearer <key>',
    });
    expect((await api.request('GET', '/pets')).body).toEqual(before.body);
  });

  it('refuses a wrong key the same way for a user that exists and one that does not', async () => {
    await api.request('POST', '/users', { json: { username: 'bea', password: 'secret-password', email: 'b@x.io' } });
    const existing = await api.request('GET', '/users/bea', { apiKey: wrongKey });
    const missing = await api.request('GET', '/users/nobody', { apiKey: wrongKey });
    for (const response of [existing, missing]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('WWW-Authenticate')).toContain('error="invalid_token"');
      expect(response.body.detail).toBe('the API key is not valid');
    }
    const { requestId: _a, instance: _b, ...oneBody } = existing.body;
    const { requestId: _c, instance: _d, ...otherBody } = missing.body;
    expect(oneBody).toEqual(otherBody);
    expect(JSON.stringify(existing.body)).not.toContain('b@x.io');
  });

  it('accepts every configured key, in the api_key header or as a bearer token', async () => {
    expect((await api.request('POST', '/pets', { json: pet, apiKey: secondKey })).status).toBe(201);
    const bearer = await api.request('POST', '/pets', {
      json: pet,
      apiKey: null,
      headers: { Authorization: `Bearer ${testApiKey}` },
    });
    expect(bearer.status).toBe(201);
    const basic = await api.request('POST', '/pets', {
      json: pet,
      apiKey: null,
      headers: { Authorization: `Basic ${Buffer.from(`u:${testApiKey}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
  });

  it('never writes a key, valid or not, into a log line', async () => {
    await api.request('GET', '/users/bea', { apiKey: wrongKey });
    await api.request('GET', '/users/bea', { apiKey: null, headers: { Authorization: `Bearer ${secondKey}` } });
    const logs = JSON.stringify(api.logs);
    for (const key of [testApiKey, secondKey, wrongKey]) expect(logs).not.toContain(key);
  });

  it('declares the schemes in the OpenAPI document: public reads, everything else secured', async () => {
    const { body } = await api.request('GET', '/openapi.json');
    expect(body.components.securitySchemes).toEqual({
      api_key: expect.objectContaining({ type: 'apiKey', name: 'api_key', in: 'header' }),
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(body.security).toEqual([{ api_key: [] }, { bearer: [] }]);
    expect(body.paths['/pets'].get.security).toEqual([]);
    expect(body.paths['/pets'].post.security).toBeUndefined();
    expect(body.paths['/pets'].post.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
    expect(body.paths['/pets'].get.responses['401']).toBeUndefined();
  });
});

describe('development without keys', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('sqlite', { env: { API_KEYS: '', ENVIRONMENT: 'development' } });
  });
  afterAll(() => api.close());

  it('leaves every operation open, so `npm run api` works on a laptop', async () => {
    expect((await api.request('POST', '/pets', { json: pet, apiKey: null })).status).toBe(201);
    expect((await api.request('POST', '/users', { json: { username: 'dev', password: 'password1' } })).status).toBe(
      201,
    );
  });
});

describe('API_KEYS_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'petstore-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const logger = createLogger({ logLevel: 'silent', apiVersion: 'test', environment: 'test' });

  // The kubelet updates a mounted Secret by swapping a symlinked directory; a rename is the same atomic change.
  const replace = (file: string, text: string) => {
    writeFileSync(`${file}.new`, text);
    renameSync(`${file}.new`, file);
  };

  it('is re-read while running: a rotated key works, the old one stops working, a broken file changes nothing', async () => {
    const file = join(dir, 'keys');
    writeFileSync(file, `# rotated by the operator\n${testApiKey}\n`);
    const keys = createApiKeyStore(loadConfig({ API_KEYS_FILE: file, ENVIRONMENT: 'production' }), logger, 20);
    try {
      expect(keys.required).toBe(true);
      expect(keys.identify(testApiKey)).toMatch(/^[0-9a-f]{12}$/);
      expect(keys.identify(secondKey)).toBeUndefined();

      replace(file, `${secondKey}\n`);
      await waitFor('the new key to be accepted', () => keys.identify(secondKey) !== undefined);
      expect(keys.identify(testApiKey)).toBeUndefined();

      replace(file, 'short\n');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(keys.identify(secondKey)).toBeDefined();
    } finally {
      keys.close();
    }
  });

  it.each([
    [{ API_KEYS: 'short' }, 'API_KEYS: key 1 of 1 is shorter than 16 characters'],
    [
      { API_KEYS: `${testApiKey},has space inside it` },
      'API_KEYS: key 2 of 2 has characters other than printable ASCII without spaces',
    ],
  ])('refuses %j with a message that never shows a key', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    [{ ENVIRONMENT: 'production' }, 'ENVIRONMENT=production needs API keys: set API_KEYS or API_KEYS_FILE'],
    [{ ENVIRONMENT: 'staging' }, 'ENVIRONMENT=staging needs API keys'],
  ])('will not serve %j without keys (the migration command, which serves nothing, needs none)', (env, message) => {
    expect(() => createApiKeyStore(loadConfig(env), logger)).toThrow(message);
  });

  it('refuses a keys file that is missing, or empty outside development', () => {
    const missing = join(dir, 'missing');
    expect(() => createApiKeyStore(loadConfig({ API_KEYS_FILE: missing }), logger)).toThrow(
      `API_KEYS_FILE: cannot read ${missing} (ENOENT)`,
    );
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect(() => createApiKeyStore(loadConfig({ API_KEYS_FILE: empty, ENVIRONMENT: 'production' }), logger)).toThrow(
      `API_KEYS_FILE ${empty} holds no key, and ENVIRONMENT=production needs one`,
    );
  });
});

describe('the server process', () => {
  it('refuses to start in production without keys, saying how to fix it', async () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const api = spawnApi([process.execPath, main], {
      ENVIRONMENT: 'production',
      DATABASE_URL: 'sqlite::memory:',
      PORT: String(await freePort()),
    });
    expect(await api.exited).toBe(1);
    expect(api.output()).toContain('ENVIRONMENT=production needs API keys: set API_KEYS or API_KEYS_FILE');
  });

  it('still migrates in production without keys: the migration Job serves no request', async () => {
    const migrate = fileURLToPath(new URL('../src/migrate.ts', import.meta.url));
    const run = spawnApi([process.execPath, migrate], { ENVIRONMENT: 'production', DATABASE_URL: 'sqlite::memory:' });
    expect(await run.exited).toBe(0);
  });
});
