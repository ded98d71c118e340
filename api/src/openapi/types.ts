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

export interface Header {
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface Response {
  description: string;
  headers?: Record<string, Reference | Header>;
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
  /** Alternatives, any one of which suffices; `[]` makes the operation public. Defaults to the document's. */
  security?: SecurityRequirement[];
}

/** Scheme names (of `components.securitySchemes`) that must all be satisfied; `{}` is "no credentials". */
export type SecurityRequirement = Record<string, string[]>;

export type SecurityScheme =
  | { type: 'apiKey'; name: string; in: 'header'; description: string }
  | { type: 'http'; scheme: 'bearer'; description: string };

/** True when the operation needs credentials: it (or else the document) lists a requirement, and none is `{}`. */
export function isSecured(document: OpenApiDocument, operation: Operation): boolean {
  const requirements = operation.security ?? document.security;
  return requirements.length > 0 && requirements.every((requirement) => Object.keys(requirement).length > 0);
}

export const httpMethods = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type PathItem = Partial<Record<(typeof httpMethods)[number], Operation>>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: [{ url: string }];
  security: SecurityRequirement[];
  tags: { name: string; description: string }[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, Parameter>;
    responses: Record<string, Response>;
    headers: Record<string, Header>;
    securitySchemes: Record<string, SecurityScheme>;
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
