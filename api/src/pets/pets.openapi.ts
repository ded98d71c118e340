import { headerRef, id, json, parameterRef, ref, responseRef, text } from '../openapi/components.ts';
import type { JsonSchema, Parameter, PathItem } from '../openapi/types.ts';
import { petStatuses } from './pet.entity.ts';

const safeInteger: JsonSchema = {
  type: 'integer',
  minimum: -Number.MAX_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
};
const categoryProperties = { id: safeInteger, name: text(100) };
const tags = { type: 'array', maxItems: 20, items: ref('Tag') };
const petProperties = {
  id: { ...id, readOnly: true, description: 'Assigned by the server; ignored in requests.' },
  name: text(200, { minLength: 1, examples: ['doggie'] }),
  category: ref('Category'),
  photoUrls: { type: 'array', maxItems: 20, items: text(2048) },
  tags: { ...tags, default: [] },
  status: { enum: petStatuses, default: 'available', description: 'Pet status in the store.' },
};

// Schemas and enums as in the Swagger Petstore (so its generated clients still work), with bounds added.
export const petSchemas: Record<string, JsonSchema> = {
  Category: { type: 'object', additionalProperties: false, properties: categoryProperties },
  Tag: { type: 'object', additionalProperties: false, properties: { id: safeInteger, name: text(100) } },
  Pet: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'photoUrls'],
    properties: petProperties,
  },
  PetPatch: {
    type: 'object',
    additionalProperties: false,
    description:
      'An RFC 7396 merge patch of a Pet: members present replace (or, for a nested category, merge) the current ones; category null removes it.',
    properties: {
      ...petProperties,
      tags,
      status: { enum: petStatuses },
      category: { type: ['object', 'null'], additionalProperties: false, properties: categoryProperties },
    },
  },
};

const arrayQuery = (name: string, items: JsonSchema, description: string): Parameter => ({
  name,
  in: 'query',
  description,
  style: 'form',
  explode: false,
  schema: { type: 'array', minItems: 1, maxItems: 20, items },
});

export const petParameters: Record<string, Parameter> = {
  PetId: { name: 'petId', in: 'path', required: true, schema: id },
};

export function petPaths(paginationLimit: number): Record<string, PathItem> {
  const petResponse = { description: 'The pet.', headers: { ETag: headerRef('ETag') }, content: json(ref('Pet')) };
  return {
    '/pets': {
      get: {
        operationId: 'listPets',
        tags: ['pets'],
        security: [],
        summary: 'List pets, oldest first, optionally filtered by status and tags',
        parameters: [
          arrayQuery('status', { enum: petStatuses }, 'Only pets with one of these statuses (comma-separated).'),
          arrayQuery('tags', text(100), 'Only pets with at least one tag of these names (comma-separated).'),
          {
            name: 'limit',
            in: 'query',
            description: 'Page size (at most PAGINATION_LIMIT).',
            schema: { type: 'integer', minimum: 1, maximum: paginationLimit, default: paginationLimit },
          },
          {
            name: 'after',
            in: 'query',
            description: 'Return pets with an id greater than this one (the cursor of the next link).',
            schema: { ...id, minimum: 0 },
          },
        ],
        responses: {
          '200': {
            description: 'One page of pets; the Link header points to the next page when there is one.',
            headers: { Link: headerRef('Link') },
            content: json({ type: 'array', items: ref('Pet') }),
          },
          '400': responseRef('BadRequest'),
          default: responseRef('Unexpected'),
        },
      },
      post: {
        operationId: 'createPet',
        tags: ['pets'],
        summary: 'Add a pet to the store',
        requestBody: { required: true, content: json(ref('Pet')) },
        responses: {
          '201': {
            description: 'Created.',
            headers: { Location: headerRef('Location'), ETag: headerRef('ETag') },
            content: json(ref('Pet')),
          },
          '400': responseRef('BadRequest'),
          '413': responseRef('ContentTooLarge'),
          '415': responseRef('UnsupportedMediaType'),
          default: responseRef('Unexpected'),
        },
      },
    },
    '/pets/{petId}': {
      get: {
        operationId: 'getPet',
        tags: ['pets'],
        security: [],
        summary: 'Find a pet by id',
        parameters: [parameterRef('PetId'), parameterRef('IfNoneMatch')],
        responses: {
          '200': petResponse,
          '304': responseRef('NotModified'),
          '400': responseRef('BadRequest'),
          '404': responseRef('NotFound'),
          default: responseRef('Unexpected'),
        },
      },
      put: {
        operationId: 'replacePet',
        tags: ['pets'],
        summary: 'Replace a pet',
        parameters: [parameterRef('PetId'), parameterRef('IfMatch')],
        requestBody: { required: true, content: json(ref('Pet')) },
        responses: {
          '200': petResponse,
          '400': responseRef('BadRequest'),
          '404': responseRef('NotFound'),
          '412': responseRef('PreconditionFailed'),
          '413': responseRef('ContentTooLarge'),
          '415': responseRef('UnsupportedMediaType'),
          default: responseRef('Unexpected'),
        },
      },
      patch: {
        operationId: 'updatePet',
        tags: ['pets'],
        summary: 'Change some fields of a pet (JSON merge patch)',
        parameters: [parameterRef('PetId'), parameterRef('IfMatch')],
        requestBody: { required: true, content: { 'application/merge-patch+json': { schema: ref('PetPatch') } } },
        responses: {
          '200': petResponse,
          '400': responseRef('BadRequest'),
          '404': responseRef('NotFound'),
          '412': responseRef('PreconditionFailed'),
          '413': responseRef('ContentTooLarge'),
          '415': responseRef('UnsupportedMediaType'),
          default: responseRef('Unexpected'),
        },
      },
      delete: {
        operationId: 'deletePet',
        tags: ['pets'],
        summary: 'Delete a pet',
        parameters: [parameterRef('PetId'), parameterRef('IfMatch')],
        responses: {
          '204': { description: 'Deleted.' },
          '400': responseRef('BadRequest'),
          '404': responseRef('NotFound'),
          '409': responseRef('Conflict'),
          '412': responseRef('PreconditionFailed'),
          default: responseRef('Unexpected'),
        },
      },
    },
  };
}
