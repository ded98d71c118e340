import type { Header, JsonSchema, MediaType, Parameter, Reference, Response } from './types.ts';

/** Every string the API stores: bounded, and without NUL (which PostgreSQL's text type cannot hold). */
export const text = (maxLength: number, extra: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  maxLength,
  pattern: noNul,
  ...extra,
});
export const noNul = '^[^\\u0000]*$';

/** Server-assigned resource ids: int64 on the wire, bounded to what a JavaScript client can represent exactly. */
export const id: JsonSchema = { type: 'integer', format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const responseRef = (name: string): Reference => ({ $ref: `#/components/responses/${name}` });
export const parameterRef = (name: string): Reference => ({ $ref: `#/components/parameters/${name}` });
export const headerRef = (name: string): Reference => ({ $ref: `#/components/headers/${name}` });

export const json = (schema: JsonSchema): Record<string, MediaType> => ({ 'application/json': { schema } });

const problem = (description: string, headers?: Response['headers']): Response => ({
  description,
  ...(headers && { headers }),
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

export const commonSchemas: Record<string, JsonSchema> = {
  Problem: {
    type: 'object',
    description:
      'An RFC 9457 problem. `type` is one of the https://petstore.example.com/problems/* URIs listed in docs/api.md, ' +
      'or about:blank when the status code says it all.',
    required: ['type', 'title', 'status', 'detail', 'instance', 'requestId'],
    properties: {
      type: { type: 'string', format: 'uri' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      instance: { type: 'string', description: 'The request path.' },
      requestId: { type: 'string', description: 'The X-Request-Id of the request, as in the logs.' },
      errors: {
        type: 'array',
        description: 'What is wrong with the request, one entry per problem (400 only).',
        items: {
          type: 'object',
          required: ['in', 'pointer', 'detail'],
          properties: {
            in: { enum: ['body', 'query', 'path', 'header'] },
            pointer: { type: 'string', description: 'JSON pointer into the body, or /<parameter name>.' },
            detail: { type: 'string' },
          },
        },
      },
    },
  },
};

export const commonResponses: Record<string, Response> = {
  Unauthorized: problem('The operation needs an API key and the request sent none, or one that is not valid.', {
    'WWW-Authenticate': headerRef('WWW-Authenticate'),
  }),
  TooManyRequests: problem(
    'This client (its API key, else its address) sent more requests than RATE_LIMIT_REQUESTS per window.',
    {
      'Retry-After': headerRef('Retry-After'),
    },
  ),
  BadRequest: problem('The request is malformed or does not match this document (the `errors` member says where).'),
  NotFound: problem('No such resource.'),
  Conflict: problem('The request conflicts with the current state of a resource.'),
  PreconditionFailed: problem('If-Match does not match the current ETag: the resource changed since it was read.'),
  ContentTooLarge: problem('The request body exceeds 64 KiB.'),
  UnsupportedMediaType: problem('The request body has a media type this operation does not accept.'),
  UnprocessableContent: problem('The request is well-formed but refers to something that does not exist.'),
  Unexpected: problem(
    'Any other error: 405 (with Allow), 503 when the database is unavailable or the server is overloaded (with ' +
      'Retry-After), 500 otherwise.',
  ),
  NotModified: { description: 'The representation matches If-None-Match.' },
};

export const commonHeaders: Record<string, Header> = {
  'WWW-Authenticate': {
    description: 'The accepted credentials: `Bearer` (Authorization: Bearer <key>) and the `api_key` header.',
    required: true,
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  ETag: { description: 'The version of the representation; send it back in If-Match.', schema: { type: 'string' } },
  Location: { description: 'The path of the created resource.', schema: { type: 'string', format: 'uri-reference' } },
  Link: {
    description: 'RFC 8288 `<...>; rel="next"` when another page follows.',
    schema: { type: 'string' },
  },
};

// RFC 9110 §8.8.3: `*`, or a comma-separated list of entity-tags ([W/]"opaque", without DQUOTE, controls or spaces).
const entityTag = '(?:W/)?"[\\x21\\x23-\\x7e\\x80-\\xff]*"';
export const entityTagList = {
  type: 'string',
  pattern: `^[ \\t]*(?:\\*|${entityTag}(?:[ \\t]*,[ \\t]*${entityTag})*)[ \\t]*$`,
} satisfies JsonSchema;

export const commonParameters: Record<string, Parameter> = {
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    description:
      'Apply the change only if the resource still has one of these entity tags (or `*`); otherwise 412. ' +
      'Anything but `*` or a list of entity tags is a 400.',
    schema: entityTagList,
  },
  IfNoneMatch: {
    name: 'If-None-Match',
    in: 'header',
    description: 'Answer 304 when the resource still has one of these entity tags (or `*`); anything else is a 400.',
    schema: entityTagList,
  },
};
