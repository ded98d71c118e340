import type { DataSource } from 'typeorm';
import { isForeignKeyViolation } from '../db/errors.ts';
import type { Handlers } from '../http/openapi-router.ts';
import { apiBasePath } from '../openapi/base-path.ts';
import { PetEntity, petStatuses } from '../pets/pet.entity.ts';
import { HttpProblem } from '../problem.ts';
import { OrderEntity, toOrder, type OrderRecord } from './order.entity.ts';

const notFound = (id: number) => new HttpProblem(404, `order ${id} does not exist`);

/** The store: orders for pets, and the inventory of pets by status. */
export function storeHandlers({ dataSource }: { dataSource: DataSource }): Handlers {
  const orders = dataSource.getRepository(OrderEntity);
  const pets = dataSource.getRepository(PetEntity);

  return {
    async getInventory(ctx) {
      const counts = await pets
        .createQueryBuilder('pet')
        .select('pet.status', 'status')
        .addSelect('COUNT(*)', 'count')
        .groupBy('pet.status')
        .getRawMany<{ status: string; count: number | string }>();
      const inventory = Object.fromEntries(petStatuses.map((status) => [status, 0]));
      for (const { status, count } of counts) inventory[status] = Number(count);
      ctx.body = inventory;
    },

    async placeOrder(ctx, { body }) {
      const { id: _ignored, shipDate, ...fields } = body as Omit<OrderRecord, 'shipDate'> & { shipDate?: string };
      const order = { ...fields, shipDate: shipDate ?? null };
      try {
        const { identifiers } = await orders.insert(order);
        const id = Number(identifiers[0]?.id);
        ctx.status = 201;
        ctx.set('Location', `${apiBasePath}/store/orders/${id}`);
        ctx.body = toOrder({ id, ...order });
      } catch (error) {
        if (isForeignKeyViolation(error)) throw new HttpProblem(422, `pet ${order.petId} does not exist`);
        throw error;
      }
    },

    async getOrder(ctx, { path }) {
      const id = path.orderId as number;
      const order = await orders.findOneBy({ id });
      if (!order) throw notFound(id);
      ctx.body = toOrder(order);
    },

    async deleteOrder(ctx, { path }) {
      const id = path.orderId as number;
      const { affected } = await orders.delete({ id });
      if (!affected) throw notFound(id);
      ctx.status = 204;
    },
  };
}
