import { json, ref, responseRef } from '../openapi/components.ts';
import type { JsonSchema, PathItem } from '../openapi/types.ts';

export const healthSchemas: Record<string, JsonSchema> = {
  Health: {
    type: 'object',
    required: ['status', 'version'],
    properties: {
      status: { const: 'ok' },
      version: { type: 'string', description: 'API_VERSION.' },
      checks: {
        type: 'object',
        description: 'Present for probe=ready.',
        properties: { database: { const: 'ok' } },
      },
    },
  },
};

export const healthPaths: Record<string, PathItem> = {
  '/health': {
    get: {
      operationId: 'getHealth',
      tags: ['health'],
      security: [],
      summary: 'Liveness (default) or readiness of this instance',
      description:
        'probe=live answers without touching the database (a liveness probe must not restart pods when the ' +
        'database blips). probe=ready also runs SELECT 1 with a 1 s timeout, and answers 503 while the database ' +
        'is unreachable or the instance is shutting down (point readiness probes and load balancer health checks here).',
      parameters: [{ name: 'probe', in: 'query', schema: { enum: ['live', 'ready'], default: 'live' } }],
      responses: {
        '200': { description: 'Healthy.', content: json(ref('Health')) },
        '400': responseRef('BadRequest'),
        '503': responseRef('Unexpected'),
        default: responseRef('Unexpected'),
      },
    },
  },
};
