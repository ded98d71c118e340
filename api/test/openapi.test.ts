import { describe, expect, it } from '@jest/globals';
import { openApiRouter } from '../src/http/openapi-router.ts';
import { openApiDocument } from '../src/openapi/document.ts';
import { httpMethods, type Operation } from '../src/openapi/types.ts';

const document = openApiDocument({ apiVersion: '1.0.0', paginationLimit: 20 });
const router = { authorize: () => undefined };
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  httpMethods.flatMap((method) => (item[method] ? [{ path, method, operation: item[method] }] : [])),
);

describe('the OpenAPI document', () => {
  it('compiles, every schema of it, with Ajv in strict mode (the router builds every validator at start)', () => {
    const handlers = Object.fromEntries(operations.map(({ operation }) => [operation.operationId, () => undefined]));
    expect(() => openApiRouter(document, handlers, router)).not.toThrow();
    expect(document.openapi).toBe('3.1.0');
  });

  it.each(operations)('documents $method $path completely', ({ operation }: { operation: Operation }) => {
    expect(operation.summary).not.toBe('');
    expect(operation.tags?.length).toBe(1);
    expect(Object.keys(operation.responses)).toContain(
      operation.operationId === 'getOpenApiDocument' ? '200' : 'default',
    );
    const success = Object.keys(operation.responses).filter((status) => /^2/.test(status));
    expect(success).toHaveLength(1);
    if (operation.requestBody) {
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '413', '415']));
    }
  });

  it('has unique operation ids', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the router built from it', () => {
  const handlers = Object.fromEntries(operations.map(({ operation }) => [operation.operationId, () => undefined]));

  it('refuses to start when an operation has no handler', () => {
    const { listPets: _listPets, ...missing } = handlers;
    expect(() => openApiRouter(document, missing, router)).toThrow('OpenAPI operation listPets has no handler');
  });

  it('refuses to start when a handler has no operation', () => {
    expect(() => openApiRouter(document, { ...handlers, adoptPet: () => undefined }, router)).toThrow(
      'handlers without an OpenAPI operation: adoptPet',
    );
  });
});
