// HTTP behaviour that does not depend on the database engine (so it runs on SQLite only): routing errors, request ids,
// CORS, the served OpenAPI document, metrics and logs.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, type TestApi } from './support/api.ts';

/** A request fetch() refuses to send (TRACE, CONNECT), through node:http. */
function rawRequest(origin: string, method: string, path: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const request = httpRequest(`${origin}${path}`, { method }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('HTTP behaviour', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('sqlite', {
      env: {
        CORS_ORIGINS: 'https://shop.example.com, http://localhost:3000',
        PAGINATION_LIMIT: '25',
        API_VERSION: '1.4.0',
      },
    });
  });
  afterAll(() => api.close());

  it('answers an unknown path with a 404 problem', async () => {
    const response = await api.request('GET', '/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({
      type: 'https://petstore.example.com/problems/not-found',
      title: 'Not Found',
      detail: 'no resource at /api/v1/nothing-here',
    });
  });

  it('answers a method a path does not have with 405 and Allow; OPTIONS lists the same methods', async () => {
    const response = await api.request('PATCH', '/users/ann');
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('HEAD, GET, PUT, DELETE');
    expect(response.body.detail).toBe('PATCH is not allowed on /api/v1/users/ann; allowed: HEAD, GET, PUT, DELETE');
    expect((await fetch(`${api.origin}/api/v1/users/ann`, { method: 'OPTIONS' })).headers.get('Allow')).toBe(
      'HEAD, GET, PUT, DELETE',
    );
  });

  it.each(['TRACE', 'PROPFIND'])(
    'answers %s, which the document does not list, with 405 and Allow (not 501)',
    async (method) => {
      const { status, headers, body } = await rawRequest(api.origin, method, '/api/v1/pets');
      expect(status).toBe(405);
      expect(headers.allow).toBe('HEAD, GET, POST');
      expect(headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(body)).toMatchObject({
        status: 405,
        detail: `${method} is not allowed on /api/v1/pets; allowed: HEAD, GET, POST`,
      });
    },
  );

  it('echoes a usable X-Request-Id, replaces an unusable one, and puts it in problems and in the log line', async () => {
    const echoed = await api.request('GET', '/pets/4040', { headers: { 'X-Request-Id': 'trace-123' } });
    expect(echoed.headers.get('X-Request-Id')).toBe('trace-123');
    expect(echoed.body.requestId).toBe('trace-123');
    expect(api.logs).toContainEqual(
      expect.objectContaining({ requestId: 'trace-123', route: '/api/v1/pets/{petId}', status: 404, msg: 'request' }),
    );

    const replaced = await api.request('GET', '/pets', { headers: { 'X-Request-Id': 'two words' } });
    expect(replaced.headers.get('X-Request-Id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('allows CORS only from CORS_ORIGINS, exposing the headers clients need', async () => {
    const allowed = await api.request('GET', '/pets', { headers: { Origin: 'https://shop.example.com' } });
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example.com');
    expect(allowed.headers.get('Access-Control-Expose-Headers')).toBe(
      'ETag,Location,Link,Retry-After,X-Request-Id,WWW-Authenticate',
    );
    expect(allowed.headers.get('Vary')).toContain('Origin');

    const other = await api.request('GET', '/pets', { headers: { Origin: 'https://evil.example.com' } });
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull();

    const preflight = await fetch(`${api.origin}/api/v1/pets/1`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'PUT' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:3000');
    expect(preflight.headers.get('Access-Control-Allow-Headers')).toContain('If-Match');
  });

  it('serves its OpenAPI 3.1 document, with the configured version and page size bound', async () => {
    const { status, body } = await api.request('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(body).toMatchObject({ openapi: '3.1.0', info: { version: '1.4.0' }, servers: [{ url: '/api/v1' }] });
    const limit = (body.paths['/pets'].get.parameters as { name: string; schema: object }[]).find(
      (p) => p.name === 'limit',
    );
    expect(limit?.schema).toMatchObject({ maximum: 25, default: 25 });
    const operations = Object.values(body.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
      (item) => Object.values(item).map((operation) => operation.operationId),
    );
    expect(operations.sort()).toEqual(
      [
        'createPet',
        'createUser',
        'deleteOrder',
        'deletePet',
        'deleteUser',
        'getHealth',
        'getInventory',
        'getOpenApiDocument',
        'getOrder',
        'getPet',
        'getUser',
        'listPets',
        'placeOrder',
        'replacePet',
        'replaceUser',
        'updatePet',
      ].sort(),
    );
  });

  it('exports Prometheus metrics by route template, with errors, pool gauges and process metrics', async () => {
    await api.request('GET', '/pets/31337');
    await api.request('POST', '/pets', { json: { name: 'Metric', photoUrls: [] } });
    await api.request('GET', '/api/v1/health');
    const { status, headers, body } = await api.request('GET', '/metrics');
    expect(status).toBe(200);
    expect(headers.get('Content-Type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = body as string;
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/v1\/pets\/\{petId\}",status_code="404"\}/,
    );
    expect(text).toContain('http_requests_total{method="POST",route="/api/v1/pets",status_code="201"} 1');
    expect(text).toContain('http_request_errors_total');
    expect(text).toContain('db_pool_connections{state="idle"} 1');
    expect(text).toContain('app_info{version="1.4.0",environment="development"} 1');
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).not.toContain('/pets/31337');
    expect(text).not.toContain('route="/api/v1/health"');
  });

  it('never logs a password, not even from a failed request', async () => {
    await api.request('POST', '/users', { json: { username: 'logged', password: 'hunter2-secret' } });
    await api.request('POST', '/users', { json: { username: 'logged', password: 'hunter2-secret', extra: 1 } });
    expect(JSON.stringify(api.logs)).not.toContain('hunter2-secret');
  });
});
