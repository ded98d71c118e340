import { EntitySchema } from 'typeorm';

export const orderStatuses = ['placed', 'approved', 'delivered'] as const;

/** A store order (the Petstore `Order`); `petId` references a pet, which cannot be deleted while ordered. */
export interface OrderRecord {
  id: number;
  petId: number;
  quantity: number;
  shipDate: string | null;
  status: (typeof orderStatuses)[number];
  complete: boolean;
}

export const OrderEntity = new EntitySchema<OrderRecord>({
  name: 'Order',
  tableName: 'orders',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    petId: { name: 'pet_id', type: 'integer' },
    quantity: { type: 'integer' },
    // Kept exactly as the client sent it (RFC 3339, validated); the API never computes with it.
    shipDate: { name: 'ship_date', type: 'varchar', length: 64, nullable: true },
    status: { type: 'varchar', length: 16 },
    complete: { type: 'boolean' },
  },
});

/** The API representation of a stored order. */
export function toOrder({ shipDate, ...order }: OrderRecord): object {
  return shipDate === null ? order : { ...order, shipDate };
}
