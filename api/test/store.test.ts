import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, type TestApi } from './support/api.ts';
import { engines } from './support/databases.ts';
import { OrderEntity } from '../src/store/order.entity.ts';

describe.each(engines)('store on %s', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(engine);
  });
  afterAll(() => api.close());

  const createPet = async (status: string) =>
    (await api.request('POST', '/pets', { json: { name: 'Tom', photoUrls: [], status } })).body as { id: number };
  const orderCount = () => api.dataSource.getRepository(OrderEntity).count();

  it('counts pets by status in the inventory, every status present', async () => {
    expect((await api.request('GET', '/store/inventory')).body).toEqual({ available: 0, pending: 0, sold: 0 });
    await createPet('available');
    await createPet('sold');
    await createPet('sold');
    expect((await api.request('GET', '/store/inventory')).body).toEqual({ available: 1, pending: 0, sold: 2 });
  });

  it('places an order with the documented defaults, reads it back, and deletes it', async () => {
    const pet = await createPet('available');
    const placed = await api.request('POST', '/store/orders', {
      json: { petId: pet.id, shipDate: '2026-01-02T03:04:05.678+01:00' },
    });
    expect(placed.status).toBe(201);
    expect(placed.body).toEqual({
      id: expect.any(Number),
      petId: pet.id,
      quantity: 1,
      shipDate: '2026-01-02T03:04:05.678+01:00',
      status: 'placed',
      complete: false,
    });
    const location = placed.headers.get('Location') ?? '';
    expect(location).toBe(`/api/v1/store/orders/${placed.body.id}`);
    expect((await api.request('GET', location)).body).toEqual(placed.body);

    expect((await api.request('DELETE', location)).status).toBe(204);
    expect((await api.request('GET', location)).status).toBe(404);
    expect((await api.request('DELETE', location)).status).toBe(404);
  });

  it('refuses an order for a pet that does not exist with 422, writing nothing', async () => {
    const before = await orderCount();
    const response = await api.request('POST', '/store/orders', { json: { petId: 424242 } });
    expect(response.status).toBe(422);
    expect(response.body.detail).toBe('pet 424242 does not exist');
    expect(await orderCount()).toBe(before);
  });

  it('keeps a pet while orders refer to it (409), and deletes it once they are gone', async () => {
    const pet = await createPet('pending');
    const order = await api.request('POST', '/store/orders', { json: { petId: pet.id, quantity: 2 } });
    const refused = await api.request('DELETE', `/pets/${pet.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe(`pet ${pet.id} has orders; delete them first`);

    await api.request('DELETE', order.headers.get('Location') ?? '');
    expect((await api.request('DELETE', `/pets/${pet.id}`)).status).toBe(204);
  });
});
