import { healthPaths, healthSchemas } from '../health/health.openapi.ts';
import { petParameters, petPaths, petSchemas } from '../pets/pets.openapi.ts';
import { storeParameters, storePaths, storeSchemas } from '../store/store.openapi.ts';
import { userParameters, userPaths, userSchemas } from '../users/users.openapi.ts';
import { commonHeaders, commonParameters, commonResponses, commonSchemas, responseRef } from './components.ts';
import { apiBasePath } from './base-path.ts';
import { httpMethods, isSecured, type OpenApiDocument, type PathItem } from './types.ts';

const description = `The Pet Store API: pets, store orders and inventory, users. Modelled on the Swagger Petstore's
schemas, with REST status codes: 201 + Location on create, 204 on delete, ETag / If-Match (412) on updates,
RFC 9457 application/problem+json for every error, keyset pagination with an RFC 8288 next link. Every response
carries X-Request-Id (the caller's, or a new UUID). Request bodies are JSON, at most 64 KiB. This document is the
validator: a request that does not match it gets a 400 listing what is wrong.

Reading pets and the inventory is public; every other operation needs an API key, in the \`api_key\` header (as the
Swagger Petstore's clients send it) or as \`Authorization: Bearer <key>\`; without a valid one it is a 401. Each client
(its key, else its address) may send a limited number of requests per window: beyond that, 429 with Retry-After.`;

const securitySchemes = {
  api_key: { type: 'apiKey', name: 'api_key', in: 'header', description: 'An API key (API_KEYS / API_KEYS_FILE).' },
  bearer: { type: 'http', scheme: 'bearer', description: 'The same API key as a bearer token.' },
} as const;

/** The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json and used to validate every request. */
export function openApiDocument(options: { apiVersion: string; paginationLimit: number }): OpenApiDocument {
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Pet Store API',
      version: options.apiVersion,
      description,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: apiBasePath }],
    security: [{ api_key: [] }, { bearer: [] }],
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
          security: [],
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
      securitySchemes,
    },
  };
  return { ...document, paths: withCommonResponses(document) };
}

// Responses every operation can give, declared here once rather than in each feature: 401 where a key is needed,
// 429 wherever the rate limit applies (everything but the probes).
function withCommonResponses(document: OpenApiDocument): Record<string, PathItem> {
  const paths: Record<string, PathItem> = {};
  for (const [path, item] of Object.entries(document.paths)) {
    const copy: PathItem = {};
    for (const method of httpMethods) {
      const operation = item[method];
      if (!operation) continue;
      const responses = { ...operation.responses };
      if (isSecured(document, operation)) responses['401'] = responseRef('Unauthorized');
      if (operation.operationId !== 'getHealth') responses['429'] = responseRef('TooManyRequests');
      copy[method] = { ...operation, responses };
    }
    paths[path] = copy;
  }
  return paths;
}
