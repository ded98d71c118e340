import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PetEntity } from '../src/pets/pet.entity.ts';
import { OrderEntity } from '../src/store/order.entity.ts';
import { UserEntity } from '../src/users/user.entity.ts';
import { startTestApi, type RequestOptions, type TestApi } from './support/api.ts';
import { engines } from './support/databases.ts';

const pet = { name: 'Rex', photoUrls: [] };
const json = { 'Content-Type': 'application/json' };

// Each case: the request, the status and problem `detail` (or `errors`) it must get; none may write anything.
const cases: [string, string, string, RequestOptions, number, RegExp | object[]][] = [
  ['malformed JSON', 'POST', '/pets', { body: '{"name": "Rex",', headers: json }, 400, /^malformed request body/],
  [
    'a JSON string instead of an object',
    'POST',
    '/pets',
    { body: '"Rex"', headers: json },
    400,
    /^malformed request body/,
  ],
  ['a __proto__ member', 'POST', '/pets', { body: '{"__proto__": {"x": 1}}', headers: json }, 400, /^malformed/],
  ['no body at all', 'POST', '/pets', { headers: json }, 400, /^a request body \(application\/json\) is required/],
  [
    'wrong types',
    'POST',
    '/pets',
    { json: { name: 7, photoUrls: 'x', status: 'lost' } },
    400,
    [
      { in: 'body', pointer: '/name', detail: 'must be string' },
      { in: 'body', pointer: '/photoUrls', detail: 'must be array' },
      { in: 'body', pointer: '/status', detail: 'must be one of available, pending, sold' },
    ],
  ],
  [
    'unknown fields, at any depth',
    'POST',
    '/pets',
    { json: { ...pet, colour: 'red', category: { name: 'Dogs', parent: 1 } } },
    400,
    [
      { in: 'body', pointer: '/colour', detail: 'is not a known field' },
      { in: 'body', pointer: '/category/parent', detail: 'is not a known field' },
    ],
  ],
  [
    'a NUL character in a string',
    'POST',
    '/pets',
    { json: { ...pet, name: 'Re\u0000x' } },
    400,
    [{ in: 'body', pointer: '/name', detail: 'must not contain NUL (\\u0000) characters' }],
  ],
  [
    'a string over its maximum length',
    'POST',
    '/users',
    { json: { username: 'u'.repeat(65), password: 'long enough' } },
    400,
    [{ in: 'body', pointer: '/username', detail: 'must NOT have more than 64 characters' }],
  ],
  ['a body over 64 KiB', 'POST', '/pets', { json: { ...pet, name: 'x'.repeat(70_000) } }, 413, /too large/],
  [
    'text/plain',
    'POST',
    '/pets',
    { body: 'Rex', headers: { 'Content-Type': 'text/plain' } },
    415,
    /send application\/json/,
  ],
  [
    'XML',
    'PUT',
    '/pets/1',
    { body: '<pet/>', headers: { 'Content-Type': 'application/xml' } },
    415,
    /Content-Type application\/xml is not accepted/,
  ],
  [
    'plain JSON for a merge patch',
    'PATCH',
    '/pets/1',
    { json: { name: 'x' } },
    415,
    /send application\/merge-patch\+json/,
  ],
  [
    'an id beyond 2^53 - 1',
    'GET',
    '/pets/9007199254740992',
    {},
    400,
    [{ in: 'path', pointer: '/petId', detail: 'must be <= 9007199254740991' }],
  ],
  [
    'an id beyond int64',
    'DELETE',
    '/store/orders/99999999999999999999999',
    {},
    400,
    [{ in: 'path', pointer: '/orderId', detail: 'must be <= 9007199254740991' }],
  ],
  ['a zero id', 'GET', '/pets/0', {}, 400, [{ in: 'path', pointer: '/petId', detail: 'must be >= 1' }]],
  ['a fractional id', 'GET', '/pets/1.5', {}, 400, [{ in: 'path', pointer: '/petId', detail: 'must be integer' }]],
  ['a NUL byte in an id', 'GET', '/pets/1%00', {}, 400, [{ in: 'path', pointer: '/petId', detail: 'must be integer' }]],
  [
    'a NUL byte in a username',
    'GET',
    '/users/ann%00',
    {},
    400,
    [{ in: 'path', pointer: '/username', detail: 'must match pattern "^[A-Za-z0-9._~-]+$"' }],
  ],
  [
    'SQL in a path parameter',
    'GET',
    `/users/${encodeURIComponent("ann' OR '1'='1")}`,
    {},
    400,
    [{ in: 'path', pointer: '/username', detail: 'must match pattern "^[A-Za-z0-9._~-]+$"' }],
  ],
  [
    'an unknown status filter',
    'GET',
    '/pets?status=available,lost',
    {},
    400,
    [{ in: 'query', pointer: '/status/1', detail: 'must be one of available, pending, sold' }],
  ],
  [
    'an If-Match that is not an entity tag',
    'PUT',
    '/pets/1',
    { json: pet, headers: { 'If-Match': '1' } },
    400,
    [{ in: 'header', pointer: '/If-Match', detail: 'must be * or a comma-separated list of entity tags such as "3"' }],
  ],
  [
    'an If-None-Match list with an unquoted member',
    'GET',
    '/pets/1',
    { headers: { 'If-None-Match': '"1", 2' } },
    400,
    [
      {
        in: 'header',
        pointer: '/If-None-Match',
        detail: 'must be * or a comma-separated list of entity tags such as "3"',
      },
    ],
  ],
  [
    'a field name of 5,000 characters: the problem quotes at most 200 of it',
    'POST',
    '/pets',
    { json: { ...pet, ['x'.repeat(5000)]: 1 } },
    400,
    [{ in: 'body', pointer: `/${'x'.repeat(198)}…`, detail: 'is not a known field' }],
  ],
  [
    'a stale If-Match on a pet that does not exist',
    'PUT',
    '/pets/123456',
    { json: pet, headers: { 'If-Match': '"1"' } },
    404,
    /pet 123456 does not exist/,
  ],
];

describe.each(engines)('bad input on %s', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(engine);
  });
  afterAll(() => api.close());

  const rowCounts = () =>
    Promise.all([PetEntity, OrderEntity, UserEntity].map((entity) => api.dataSource.getRepository(entity).count()));

  it.each(cases)(
    '%s: %s %s gets a clear problem and writes nothing',
    async (_name, method, path, options, status, expected) => {
      const before = await rowCounts();
      const response = await api.request(method, path, options);
      expect(response.status).toBe(status);
      expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      if (expected instanceof RegExp) expect(response.body.detail).toMatch(expected);
      else expect(response.body.errors).toEqual(expected);
      expect(await rowCounts()).toEqual(before);
    },
  );

  it('lists at most 20 errors, and quotes a long path only in part', async () => {
    const tags = Array.from({ length: 20 }, () => ({ name: 7, id: 'x' }));
    const many = await api.request('POST', '/pets', { json: { ...pet, tags } });
    expect(many.status).toBe(400);
    expect(many.body.errors).toHaveLength(21);
    expect(many.body.errors[20]).toEqual({ in: 'body', pointer: '', detail: 'and 20 more' });
    expect(many.body.detail.length).toBeLessThanOrEqual(1000);

    const long = await api.request('GET', `/${'p'.repeat(10_000)}`);
    expect(long.status).toBe(404);
    expect(long.body.detail.length).toBeLessThan(250);
    expect(long.body.instance.length).toBeLessThanOrEqual(200);
  });

  it('stores SQL-injection strings as plain values and finds nothing with them as filters', async () => {
    const name = "Robert'); DROP TABLE pets; --";
    const tag = "x' OR 1=1 --";
    const created = await api.request('POST', '/pets', { json: { ...pet, name, tags: [{ name: tag }] } });
    expect(created.status).toBe(201);
    expect((await api.request('GET', `/pets/${created.body.id}`)).body.name).toBe(name);

    const byInjectedTag = await api.request('GET', `/pets?tags=${encodeURIComponent("' OR '1'='1")}`);
    expect(byInjectedTag.body).toEqual([]);
    const byLiteralTag = await api.request('GET', `/pets?tags=${encodeURIComponent(tag)}`);
    expect(byLiteralTag.body).toEqual([created.body]);
    expect((await api.request('GET', '/store/inventory')).status).toBe(200);
  });
});
