// Abuse limits: the per-client rate limit (429 + Retry-After), who counts as a client behind the load balancer, and
// the cap on concurrent password hashing. Independent of the database engine, so on SQLite only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { boundedConcurrency, OverloadedError } from '../src/limits/bounded-concurrency.ts';
import { startTestApi, testApiKey, type TestApi } from './support/api.ts';

const otherKey = 'other-key-0123456789abcdef';
const limit = 3;

describe('the rate limit', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('sqlite', {
      env: {
        API_KEYS: `${testApiKey},${otherKey}`,
        RATE_LIMIT_REQUESTS: String(limit),
        RATE_LIMIT_WINDOW_SECONDS: '600',
      },
    });
  });
  afterAll(() => api.close());

  const statuses = async (count: number, options: Parameters<TestApi['request']>[2]) => {
    const seen: number[] = [];
    for (let i = 0; i < count; i++) seen.push((await api.request('GET', '/pets', options)).status);
    return seen;
  };

  it('answers 429 with Retry-After once a key used its budget; another key keeps its own; probes are never limited', async () => {
    expect(await statuses(limit, { apiKey: testApiKey })).toEqual([200, 200, 200]);
    const refused = await api.request('GET', '/pets', { apiKey: testApiKey });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('Retry-After'))).toBeLessThanOrEqual(600);
    expect(refused.body).toMatchObject({
      type: 'https://petstore.example.com/problems/too-many-requests',
      detail: expect.stringContaining(`more than ${limit} requests in 600 s from this client`),
    });
    expect(
      (await api.request('POST', '/pets', { apiKey: testApiKey, json: { name: 'x', photoUrls: [] } })).status,
    ).toBe(429);
    expect((await api.request('GET', '/pets', { apiKey: otherKey })).status).toBe(200);
    expect(await statuses(10, { apiKey: testApiKey }).then(() => api.request('GET', '/health'))).toMatchObject({
      status: 200,
    });
  });

  it('counts requests without a valid key by address, so rotating invalid keys or X-Forwarded-For buys nothing', async () => {
    const seen: number[] = [];
    for (let i = 0; i < limit + 1; i++) {
      const response = await api.request('GET', '/pets', {
        apiKey: `invalid-key-${i}-0123456789abcdef`,
        headers: { 'X-Forwarded-For': `198.51.100.${i}` },
      });
      seen.push(response.status);
    }
    expect(seen).toEqual([200, 200, 200, 429]);
  });
});

describe('behind trusted proxies (TRUSTED_PROXIES)', () => {
  let api: TestApi;
  beforeAll(async () => {
    // The test's requests come from 127.0.0.1: here that is the load balancer.
    api = await startTestApi('sqlite', {
      env: { RATE_LIMIT_REQUESTS: '1', RATE_LIMIT_WINDOW_SECONDS: '600', TRUSTED_PROXIES: '127.0.0.1' },
    });
  });
  afterAll(() => api.close());

  const from = (forwardedFor: string) =>
    api.request('GET', '/pets', { apiKey: null, headers: { 'X-Forwarded-For': forwardedFor } }).then((r) => r.status);

  it('limits each client address the proxy reports, and ignores what the client itself wrote in front of it', async () => {
    expect(await from('203.0.113.7')).toBe(200);
    expect(await from('203.0.113.7')).toBe(429);
    expect(await from('203.0.113.8')).toBe(200);
    // The ALB appends the address it saw: a forged first entry does not make 203.0.113.7 someone else.
    expect(await from('192.0.2.1, 203.0.113.7')).toBe(429);
  });
});

describe('password hashing', () => {
  it('runs a bounded number at once and refuses, rather than queues, beyond the bounded queue', async () => {
    const run = boundedConcurrency(1, 2, 'tasks');
    const { promise: gate, resolve: release } = Promise.withResolvers<undefined>();
    let running = 0;
    let most = 0;
    const task = async () => {
      most = Math.max(most, ++running);
      await gate;
      running--;
      return 'done';
    };
    const accepted = [run(task), run(task), run(task)];
    await expect(run(task)).rejects.toBeInstanceOf(OverloadedError);
    release(undefined);
    expect(await Promise.all(accepted)).toEqual(['done', 'done', 'done']);
    expect(most).toBe(1);
  });

  it('answers a burst of sign-ups beyond the queue with 503 and Retry-After, never a 500, and stores the others', async () => {
    const api = await startTestApi('sqlite', { env: { PASSWORD_HASH_CONCURRENCY: '1', RATE_LIMIT_REQUESTS: '0' } });
    try {
      const responses = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          api.request('POST', '/users', { json: { username: `burst${i}`, password: 'correct-horse' } }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
      expect(statuses).toContain(503);
      expect(statuses).toContain(201);
      const busy = responses.find((r) => r.status === 503)!;
      expect(busy.headers.get('Retry-After')).toBe('1');
      expect(busy.body.detail).toBe('too many password hashes in progress; retry shortly');
      const created = responses.flatMap((r, i) => (r.status === 201 ? [i] : []));
      for (const i of created.slice(0, 3)) expect((await api.request('GET', `/users/burst${i}`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
