import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, type TestApi } from './support/api.ts';
import { engines } from './support/databases.ts';

const idsOf = (pets: unknown): number[] => (pets as { id: number }[]).map((pet) => pet.id);

const rex = {
  name: 'Rex',
  category: { id: 1, name: 'Dogs' },
  photoUrls: ['https://img.example/rex.jpg'],
  tags: [{ id: 1, name: 'dog' }],
  status: 'available',
};

describe.each(engines)('pets on %s', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(engine, { env: { PAGINATION_LIMIT: '3' } });
  });
  afterAll(() => api.close());

  const create = async (pet: object) => {
    const response = await api.request('POST', '/pets', { json: pet });
    expect(response.status).toBe(201);
    return response;
  };

  it('creates a pet: 201 with Location, ETag and the stored representation, readable at that location', async () => {
    const created = await create(rex);
    expect(created.body).toEqual({ ...rex, id: expect.any(Number) });
    expect(created.headers.get('Location')).toBe(`/api/v1/pets/${created.body.id}`);
    expect(created.headers.get('ETag')).toBe('"1"');

    const read = await api.request('GET', `/pets/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(read.headers.get('ETag')).toBe('"1"');
  });

  it('applies the documented defaults and ignores a client-supplied id', async () => {
    const { body } = await create({ id: 999_999, name: 'Minimal', photoUrls: [] });
    expect(body).toEqual({ id: expect.any(Number), name: 'Minimal', photoUrls: [], tags: [], status: 'available' });
    expect(body.id).not.toBe(999_999);
  });

  it('answers 304 to If-None-Match with the current ETag, 200 once the pet changed', async () => {
    const { body } = await create(rex);
    expect((await api.request('GET', `/pets/${body.id}`, { headers: { 'If-None-Match': '"1"' } })).status).toBe(304);
    await api.request('PUT', `/pets/${body.id}`, { json: { ...rex, name: 'Rex II' } });
    const changed = await api.request('GET', `/pets/${body.id}`, { headers: { 'If-None-Match': '"1"' } });
    expect(changed.status).toBe(200);
    expect(changed.body.name).toBe('Rex II');
  });

  it('answers 404 problem+json for a pet that does not exist', async () => {
    const response = await api.request('GET', '/pets/987654321');
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({
      status: 404,
      detail: 'pet 987654321 does not exist',
      instance: '/api/v1/pets/987654321',
    });
  });

  it('pages through a filtered list oldest first, PAGINATION_LIMIT at a time, following the next links', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      const { body } = await create({ ...rex, name: `page ${i}`, tags: [{ name: 'paged' }] });
      ids.push(...idsOf([body]));
    }
    const seen: number[] = [];
    let next: string | undefined = '/pets?tags=paged';
    let pages = 0;
    while (next) {
      const page = await api.request('GET', next.replace('/api/v1', ''));
      expect(page.status).toBe(200);
      expect(page.body.length).toBeLessThanOrEqual(3);
      seen.push(...idsOf(page.body));
      next = /<([^>]+)>; rel="next"/.exec(page.headers.get('Link') ?? '')?.[1];
      pages++;
    }
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
  });

  it('filters by any of the given statuses and by any of the given tag names', async () => {
    const sold = (await create({ ...rex, tags: [{ name: 'filter-a' }], status: 'sold' })).body.id;
    const pending = (await create({ ...rex, tags: [{ name: 'filter-b' }, { name: 'x' }], status: 'pending' })).body.id;
    await create({ ...rex, tags: [{ name: 'filter-c' }], status: 'available' });
    const list = async (query: string) => idsOf((await api.request('GET', `/pets?${query}`)).body);

    expect(await list('tags=filter-a,filter-b')).toEqual([sold, pending]);
    expect(await list('tags=filter-a,filter-b,filter-c&status=sold,pending')).toEqual([sold, pending]);
    expect(await list('tags=filter-a&tags=filter-b&status=pending')).toEqual([pending]);
    expect(await list('tags=nobody-has-this')).toEqual([]);
  });

  it('refuses a page size above PAGINATION_LIMIT with a 400 naming the parameter', async () => {
    const response = await api.request('GET', '/pets?limit=4');
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ in: 'query', pointer: '/limit', detail: 'must be <= 3' }]);
  });

  it('replaces a pet with PUT, moving the ETag on; a stale If-Match gets 412 and changes nothing', async () => {
    const { body } = await create(rex);
    const replaced = await api.request('PUT', `/pets/${body.id}`, {
      json: { name: 'Max', photoUrls: [], status: 'pending' },
      headers: { 'If-Match': '"1"' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ id: body.id, name: 'Max', photoUrls: [], tags: [], status: 'pending' });
    expect(replaced.headers.get('ETag')).toBe('"2"');

    const stale = await api.request('PUT', `/pets/${body.id}`, { json: rex, headers: { 'If-Match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('ETag')).toBe('"2"');
    expect((await api.request('GET', `/pets/${body.id}`)).body.name).toBe('Max');
  });

  it('merges a JSON merge patch: nested members merge, null removes, other fields stay', async () => {
    const { body } = await create(rex);
    const patched = await api.request('PATCH', `/pets/${body.id}`, {
      body: JSON.stringify({ status: 'sold', category: { name: 'Big dogs' } }),
      headers: { 'Content-Type': 'application/merge-patch+json', 'If-Match': '*' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ ...rex, id: body.id, status: 'sold', category: { id: 1, name: 'Big dogs' } });

    const removed = await api.request('PATCH', `/pets/${body.id}`, {
      body: JSON.stringify({ category: null }),
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(removed.body).not.toHaveProperty('category');
    expect(removed.headers.get('ETag')).toBe('"3"');
  });

  it('deletes a pet: 204, then 404; a stale If-Match gets 412 and the pet stays', async () => {
    const { body } = await create(rex);
    await api.request('PUT', `/pets/${body.id}`, { json: rex });
    expect((await api.request('DELETE', `/pets/${body.id}`, { headers: { 'If-Match': '"1"' } })).status).toBe(412);
    expect((await api.request('GET', `/pets/${body.id}`)).status).toBe(200);

    const deleted = await api.request('DELETE', `/pets/${body.id}`, { headers: { 'If-Match': '"2"' } });
    expect(deleted.status).toBe(204);
    expect((await api.request('GET', `/pets/${body.id}`)).status).toBe(404);
    expect((await api.request('DELETE', `/pets/${body.id}`)).status).toBe(404);
  });

  it('keeps both of two concurrent updates from the same version apart: one wins, the other gets 412', async () => {
    const { body } = await create(rex);
    const update = (name: string) =>
      api.request('PUT', `/pets/${body.id}`, { json: { ...rex, name }, headers: { 'If-Match': '"1"' } });
    const statuses = (await Promise.all([update('A'), update('B')])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412]);
  });
});
