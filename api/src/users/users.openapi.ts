import { headerRef, id, json, parameterRef, ref, responseRef, text } from '../openapi/components.ts';
import type { JsonSchema, Parameter, PathItem } from '../openapi/types.ts';

const username = text(64, { minLength: 1, pattern: '^[A-Za-z0-9._~-]+$', examples: ['theUser'] });

export const userSchemas: Record<string, JsonSchema> = {
  User: {
    type: 'object',
    additionalProperties: false,
    required: ['username'],
    properties: {
      id: { ...id, readOnly: true },
      username,
      firstName: text(100),
      lastName: text(100),
      email: text(254, { format: 'email' }),
      password: text(128, { minLength: 8, writeOnly: true, description: 'Stored only as a salted scrypt hash.' }),
      phone: text(32),
      userStatus: { type: 'integer', format: 'int32', minimum: -2147483648, maximum: 2147483647 },
    },
  },
  NewUser: {
    description: 'A User with a password.',
    allOf: [ref('User'), { type: 'object', required: ['password'] }],
  },
};

export const userParameters: Record<string, Parameter> = {
  Username: { name: 'username', in: 'path', required: true, schema: username },
};

const userResponse = { description: 'The user.', headers: { ETag: headerRef('ETag') }, content: json(ref('User')) };

export const userPaths: Record<string, PathItem> = {
  '/users': {
    post: {
      operationId: 'createUser',
      tags: ['users'],
      summary: 'Create a user',
      requestBody: { required: true, content: json(ref('NewUser')) },
      responses: {
        '201': {
          description: 'Created.',
          headers: { Location: headerRef('Location'), ETag: headerRef('ETag') },
          content: json(ref('User')),
        },
        '400': responseRef('BadRequest'),
        '409': responseRef('Conflict'),
        '413': responseRef('ContentTooLarge'),
        '415': responseRef('UnsupportedMediaType'),
        default: responseRef('Unexpected'),
      },
    },
  },
  '/users/{username}': {
    get: {
      operationId: 'getUser',
      tags: ['users'],
      summary: 'Find a user by name',
      parameters: [parameterRef('Username'), parameterRef('IfNoneMatch')],
      responses: {
        '200': userResponse,
        '304': responseRef('NotModified'),
        '400': responseRef('BadRequest'),
        '404': responseRef('NotFound'),
        default: responseRef('Unexpected'),
      },
    },
    put: {
      operationId: 'replaceUser',
      tags: ['users'],
      summary: 'Replace a user (the password is kept when omitted)',
      parameters: [parameterRef('Username'), parameterRef('IfMatch')],
      requestBody: { required: true, content: json(ref('User')) },
      responses: {
        '200': userResponse,
        '400': responseRef('BadRequest'),
        '404': responseRef('NotFound'),
        '412': responseRef('PreconditionFailed'),
        '413': responseRef('ContentTooLarge'),
        '415': responseRef('UnsupportedMediaType'),
        '422': responseRef('UnprocessableContent'),
        default: responseRef('Unexpected'),
      },
    },
    delete: {
      operationId: 'deleteUser',
      tags: ['users'],
      summary: 'Delete a user',
      parameters: [parameterRef('Username'), parameterRef('IfMatch')],
      responses: {
        '204': { description: 'Deleted.' },
        '400': responseRef('BadRequest'),
        '404': responseRef('NotFound'),
        '412': responseRef('PreconditionFailed'),
        default: responseRef('Unexpected'),
      },
    },
  },
};
