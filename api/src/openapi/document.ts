import { healthPaths, healthSchemas } from '../health/health.openapi.ts';
import { petParameters, petPaths, petSchemas } from '../pets/pets.openapi.ts';
import { storeParameters, storePaths, storeSchemas } from '../store/store.openapi.ts';
import { userParameters, userPaths, userSchemas } from '../users/users.openapi.ts';
import { commonHeaders, commonParameters, commonResponses, commonSchemas } from './components.ts';
import type { OpenApiDocument } from './types.ts';

/** Where every operation is served; the Ingress routes this prefix to the API. */
export const apiBasePath = '/api/v1';

const description = `The Pet Store API: pets, store orders and inventory, users. Modelled on the Swagger Petstore's
schemas, with REST status codes: 201 + Location on create, 204 on delete, ETag / If-Match (412) on updates,
RFC 9457 application/problem+json for every error, keyset pagination with an RFC 8288 next link. Every response
carries X-Request-Id (the caller's, or a new UUID). Request bodies are JSON, at most 64 KiB. This document is the
validator: a request that does not match it gets a 400 listing what is wrong.`;

/** The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json and used to validate every request. */
export function openApiDocument(options: { apiVersion: string; paginationLimit: number }): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pet Store API',
      version: options.apiVersion,
      description,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: apiBasePath }],
    tags: [
      { name: 'pets', description: 'Pets for sale' },
      { name: 'store', description: 'Orders and inventory' },
      { name: 'users', description: 'Store users' },
      { name: 'health', description: 'Probes and the API description' },
    ],
    paths: {
      ...petPaths(options.paginationLimit),
      ...storePaths,
      ...userPaths,
      ...healthPaths,
      '/openapi.json': {
        get: {
          operationId: 'getOpenApiDocument',
          tags: ['health'],
          summary: 'This document',
          responses: {
            '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
    },
    components: {
      schemas: { ...petSchemas, ...storeSchemas, ...userSchemas, ...healthSchemas, ...commonSchemas },
      parameters: { ...petParameters, ...storeParameters, ...userParameters, ...commonParameters },
      responses: commonResponses,
      headers: commonHeaders,
    },
  };
}
