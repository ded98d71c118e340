import { headerRef, id, json, parameterRef, ref, responseRef, text } from '../openapi/components.ts';
import type { JsonSchema, Parameter, PathItem } from '../openapi/types.ts';
import { petStatuses } from '../pets/pet.entity.ts';
import { orderStatuses } from './order.entity.ts';

export const storeSchemas: Record<string, JsonSchema> = {
  Order: {
    type: 'object',
    additionalProperties: false,
    required: ['petId'],
    properties: {
      id: { ...id, readOnly: true },
      petId: id,
      quantity: { type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647, default: 1 },
      shipDate: text(64, { format: 'date-time' }),
      status: { enum: orderStatuses, default: 'placed', description: 'Order status.' },
      complete: { type: 'boolean', default: false },
    },
  },
  Inventory: {
    type: 'object',
    description: 'The number of pets in each status.',
    required: [...petStatuses],
    additionalProperties: false,
    properties: Object.fromEntries(petStatuses.map((status) => [status, { type: 'integer', minimum: 0 }])),
  },
};

export const storeParameters: Record<string, Parameter> = {
  OrderId: { name: 'orderId', in: 'path', required: true, schema: id },
};

export const storePaths: Record<string, PathItem> = {
  '/store/inventory': {
    get: {
      operationId: 'getInventory',
      tags: ['store'],
      security: [],
      summary: 'Count pets by status',
      responses: {
        '200': { description: 'The inventory.', content: json(ref('Inventory')) },
        default: responseRef('Unexpected'),
      },
    },
  },
  '/store/orders': {
    post: {
      operationId: 'placeOrder',
      tags: ['store'],
      summary: 'Place an order for a pet',
      requestBody: { required: true, content: json(ref('Order')) },
      responses: {
        '201': { description: 'Placed.', headers: { Location: headerRef('Location') }, content: json(ref('Order')) },
        '400': responseRef('BadRequest'),
        '413': responseRef('ContentTooLarge'),
        '415': responseRef('UnsupportedMediaType'),
        '422': responseRef('UnprocessableContent'),
        default: responseRef('Unexpected'),
      },
    },
  },
  '/store/orders/{orderId}': {
    get: {
      operationId: 'getOrder',
      tags: ['store'],
      summary: 'Find an order by id',
      parameters: [parameterRef('OrderId')],
      responses: {
        '200': { description: 'The order.', content: json(ref('Order')) },
        '400': responseRef('BadRequest'),
        '404': responseRef('NotFound'),
        default: responseRef('Unexpected'),
      },
    },
    delete: {
      operationId: 'deleteOrder',
      tags: ['store'],
      summary: 'Delete an order',
      parameters: [parameterRef('OrderId')],
      responses: {
        '204': { description: 'Deleted.' },
        '400': responseRef('BadRequest'),
        '404': responseRef('NotFound'),
        default: responseRef('Unexpected'),
      },
    },
  },
};
