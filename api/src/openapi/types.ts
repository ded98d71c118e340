// The subset of OpenAPI 3.1 this API's document uses; the router reads exactly these fields.

/** A JSON Schema 2020-12 object (OpenAPI 3.1's schema dialect). */
export type JsonSchema = Record<string, unknown>;

export interface Reference {
  $ref: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description?: string;
  style?: 'simple' | 'form';
  explode?: boolean;
  schema: JsonSchema;
}

export interface MediaType {
  schema: JsonSchema;
}

export interface RequestBody {
  required?: boolean;
  description?: string;
  content: Record<string, MediaType>;
}

export interface Response {
  description: string;
  headers?: Record<string, Reference | { description: string; schema: JsonSchema }>;
  content?: Record<string, MediaType>;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  parameters?: (Parameter | Reference)[];
  requestBody?: RequestBody;
  responses: Record<string, Response | Reference>;
}

export const httpMethods = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type PathItem = Partial<Record<(typeof httpMethods)[number], Operation>>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: [{ url: string }];
  tags: { name: string; description: string }[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, Parameter>;
    responses: Record<string, Response>;
    headers: Record<string, { description: string; schema: JsonSchema }>;
  };
}

/** Resolves a local `#/components/...` reference; returns the target and its JSON pointer. */
export function resolve<T>(
  document: OpenApiDocument,
  value: T | Reference,
  pointer: string,
): { value: T; pointer: string } {
  if (typeof value !== 'object' || value === null || !('$ref' in value)) return { value, pointer };
  const target = value.$ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>(
      (node, key) => (node as Record<string, unknown>)[key.replaceAll('~1', '/').replaceAll('~0', '~')],
      document,
    );
  if (target === undefined) throw new Error(`OpenAPI document: unresolved reference ${value.$ref}`);
  return { value: target as T, pointer: value.$ref.slice(1) };
}

/** Escapes one JSON pointer segment (RFC 6901), e.g. a path template or a media type. */
export const pointerSegment = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');
