import { METHODS } from 'node:http';
import { Router } from '@koa/router';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import coBody from 'co-body';
import { HttpProblem, type InvalidParam } from '../problem.ts';
import { entityTagList, noNul } from '../openapi/components.ts';
import {
  httpMethods,
  isSecured,
  pointerSegment,
  resolve,
  type OpenApiDocument,
  type Operation,
  type Parameter,
} from '../openapi/types.ts';
import type { AppContext, AppState } from './context.ts';

/** Request parts after validation against the operation's parameters and request body (with schema defaults applied). */
export interface OperationInput {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

export type OperationHandler = (ctx: AppContext, input: OperationInput) => Promise<void> | void;

/** Handlers by operationId. */
export type Handlers = Record<string, OperationHandler>;

export const bodyLimit = '64kb';

export interface RouterOptions {
  /** Runs before an operation whose `security` needs credentials (before its input is read); throws to refuse it. */
  authorize: (ctx: AppContext) => void;
}

/**
 * Routes every operation of the OpenAPI document to the handler with its operationId, under the document's server
 * path. Path, query and header parameters and JSON bodies are validated by Ajv against the document's own schemas
 * before a handler runs (400 with every error; 413 and 415 for bodies), after `authorize` for secured operations.
 * Throws at start-up when an operation has no handler or a handler no operation. Every method Node knows counts as
 * implemented, so one the document does not list on a path (TRACE included) is a 405 with Allow, never a 501.
 */
export function openApiRouter(
  document: OpenApiDocument,
  handlers: Handlers,
  { authorize }: RouterOptions,
): Router<AppState> {
  // Parameters arrive as strings and are coerced to their schema's type; bodies are JSON and must match exactly.
  const parametersAjv = ajvFor(document, { coerceTypes: true });
  const bodyAjv = ajvFor(document, { coerceTypes: false });
  const base = document.servers[0].url;
  const router = new Router<AppState>({ prefix: base, methods: METHODS });
  const unrouted = new Set(Object.keys(handlers));

  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of httpMethods) {
      const operation = item[method];
      if (!operation) continue;
      const handler = handlers[operation.operationId];
      if (!handler) throw new Error(`OpenAPI operation ${operation.operationId} has no handler`);
      unrouted.delete(operation.operationId);
      const pointer = `/paths/${pointerSegment(path)}/${method}`;
      const readParameters = parameterReader(parametersAjv, document, operation, pointer);
      const readBody = bodyReader(bodyAjv, operation, pointer);
      const route = base + path;
      const secured = isSecured(document, operation);
      router[method](path.replace(/{(\w+)}/g, ':$1'), async (ctx) => {
        ctx.state.route = route;
        if (secured) authorize(ctx);
        const parameters = readParameters(ctx);
        const body = await readBody(ctx);
        await handler(ctx, { ...parameters, body });
      });
    }
  }
  if (unrouted.size > 0) throw new Error(`handlers without an OpenAPI operation: ${[...unrouted].join(', ')}`);
  return router;
}

const documentKeywords = ['openapi', 'info', 'servers', 'security', 'tags', 'paths', 'components'];

function ajvFor(document: OpenApiDocument, options: { coerceTypes: boolean }): Ajv2020 {
  const ajv = new Ajv2020({ ...options, allErrors: true, useDefaults: true, allowUnionTypes: true });
  addFormats.default(ajv);
  // The whole document is registered, so every schema below is compiled by reference into it, $refs and all.
  for (const keyword of documentKeywords) ajv.addKeyword(keyword);
  ajv.addSchema(document, 'openapi.json');
  return ajv;
}

const schemaRef = (pointer: string): { $ref: string } => ({ $ref: `openapi.json#${encodeURI(pointer)}` });

type Part = 'path' | 'query' | 'header';

function parameterReader(ajv: Ajv2020, document: OpenApiDocument, operation: Operation, pointer: string) {
  const parameters = (operation.parameters ?? []).map((p, i) =>
    resolve<Parameter>(document, p, `${pointer}/parameters/${i}`),
  );
  const group = (part: Part) => {
    const own = parameters.filter(({ value }) => value.in === part);
    return {
      type: 'object',
      // Ajv applies a `default` only where it sits directly under `properties`, not behind a $ref.
      properties: Object.fromEntries(
        own.map(({ value, pointer: at }) => [
          value.name,
          { ...schemaRef(`${at}/schema`), default: value.schema.default },
        ]),
      ),
      required: own.filter(({ value }) => value.required).map(({ value }) => value.name),
    };
  };
  const validate = ajv.compile({
    type: 'object',
    properties: { path: group('path'), query: group('query'), header: group('header') },
  });
  const queryArrays = parameters.filter(({ value }) => value.in === 'query' && value.schema.type === 'array');
  const headers = parameters.filter(({ value }) => value.in === 'header').map(({ value }) => value.name);

  return (ctx: AppContext): Omit<OperationInput, 'body'> => {
    const query: Record<string, unknown> = { ...ctx.query };
    // style=form, explode=false: `?status=available,sold` (a repeated key is accepted too).
    for (const { value } of queryArrays) {
      const raw = ctx.query[value.name];
      if (raw !== undefined) query[value.name] = [raw].flat().flatMap((v) => v.split(','));
    }
    // A header sent empty is still sent: it must match its schema like any other value.
    const header = Object.fromEntries(
      headers.flatMap((name) => {
        const value = ctx.req.headers[name.toLowerCase()];
        return value === undefined ? [] : [[name, [value].flat().join(', ')]];
      }),
    );
    const input = { path: { ...(ctx.params as Record<string, string>) }, query, header };
    if (!validate(input)) {
      throw invalid(validate, (e) => {
        const [, part = '', name = '', ...rest] = e.instancePath.split('/');
        return { in: part, pointer: ['', name, ...rest].join('/') };
      });
    }
    return { path: input.path, query: input.query };
  };
}

function bodyReader(ajv: Ajv2020, operation: Operation, pointer: string) {
  const { requestBody } = operation;
  if (!requestBody) return () => Promise.resolve(undefined);
  const mediaTypes = Object.keys(requestBody.content);
  const validators = new Map(
    mediaTypes.map((type) => {
      const validate = ajv.getSchema(schemaRef(`${pointer}/requestBody/content/${pointerSegment(type)}/schema`).$ref);
      if (!validate) throw new Error(`OpenAPI document: no schema for ${operation.operationId} ${type}`);
      return [type, validate];
    }),
  );

  return async (ctx: AppContext): Promise<unknown> => {
    const type = ctx.request.is(mediaTypes);
    if (type === null || ctx.request.length === 0) {
      if (requestBody.required) throw HttpProblem.invalid(`a request body (${mediaTypes.join(' or ')}) is required`);
      return undefined;
    }
    if (type === false) {
      throw new HttpProblem(
        415,
        `Content-Type ${ctx.request.type || '(none)'} is not accepted; send ${mediaTypes.join(' or ')}`,
      );
    }
    // co-body refuses non-object JSON, bodies over the limit (413) and "__proto__" keys, with http-errors.
    const body = (await coBody.json(ctx, { limit: bodyLimit, strict: true })) as unknown;
    const validate = validators.get(type);
    if (validate && !validate(body)) throw invalid(validate, (e) => ({ in: 'body', pointer: e.instancePath }));
    return body;
  };
}

function invalid(validate: ValidateFunction, locate: (e: ErrorObject) => { in: string; pointer: string }): HttpProblem {
  const errors: InvalidParam[] = (validate.errors ?? []).map((e) => {
    const { in: part, pointer } = locate(e);
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties') {
      return { in: part, pointer: `${pointer}/${String(params.additionalProperty)}`, detail: 'is not a known field' };
    }
    if (e.keyword === 'required') {
      return { in: part, pointer: `${pointer}/${String(params.missingProperty)}`, detail: 'is required' };
    }
    if (e.keyword === 'pattern' && params.pattern === noNul) {
      return { in: part, pointer, detail: 'must not contain NUL (\\u0000) characters' };
    }
    if (e.keyword === 'pattern' && params.pattern === entityTagList.pattern) {
      return { in: part, pointer, detail: 'must be * or a comma-separated list of entity tags such as "3"' };
    }
    if (e.keyword === 'enum') {
      return { in: part, pointer, detail: `must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
    }
    return { in: part, pointer, detail: e.message ?? 'is invalid' };
  });
  const summary = errors.map((e) => `${e.in} ${e.pointer || '/'} ${e.detail}`).join('; ');
  return HttpProblem.invalid(`the request does not match the API description: ${summary}`, errors);
}
