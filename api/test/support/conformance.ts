// Checks a response against the OpenAPI document the API serves: the status is documented for the operation (or
// covered by `default`), the media type is the documented one, and the body matches the documented schema.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { pointerSegment, resolve, type OpenApiDocument, type Response } from '../../src/openapi/types.ts';

export type ConformanceCheck = (
  method: string,
  url: string,
  status: number,
  contentType: string,
  body: unknown,
) => string[];

export function conformanceChecker(document: OpenApiDocument): ConformanceCheck {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true }); // strict: response schemas must compile cleanly too
  addFormats.default(ajv);
  for (const keyword of ['openapi', 'info', 'servers', 'security', 'tags', 'paths', 'components'])
    ajv.addKeyword(keyword);
  ajv.addSchema(document, 'openapi.json');
  const base = document.servers[0].url;
  const routes = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${base}${template.replace(/{\w+}/g, '[^/]+')}$`),
  }));
  const validators = new Map<string, ValidateFunction>();

  return (method, url, status, contentType, body) => {
    const path = new URL(url, 'http://api').pathname;
    const route = routes.find(({ pattern }) => pattern.test(path));
    const mediaType = contentType.split(';')[0]?.trim() ?? '';
    if (!route) {
      return status >= 400 && mediaType === 'application/problem+json' ? [] : [`${method} ${path}: no such path`];
    }
    const verb = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    const operation = document.paths[route.template]?.[verb as 'get'];
    if (!operation)
      return status === 405 && mediaType === 'application/problem+json'
        ? []
        : [`${method} ${path}: undocumented method`];
    const key = String(status) in operation.responses ? String(status) : 'default';
    const declared = operation.responses[key];
    if (!declared) return [`${operation.operationId}: status ${status} is not documented`];
    const at = `/paths/${pointerSegment(route.template)}/${verb}/responses/${key}`;
    const { value: response, pointer } = resolve<Response>(document, declared, at);
    if (!response.content)
      return body === '' || body === undefined ? [] : [`${operation.operationId} ${status}: unexpected body`];
    if (method === 'HEAD') return [];
    if (!(mediaType in response.content)) {
      return [`${operation.operationId} ${status}: media type ${mediaType} is not documented`];
    }
    const ref = `openapi.json#${encodeURI(`${pointer}/content/${pointerSegment(mediaType)}/schema`)}`;
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.getSchema(ref);
      if (!validate) return [`no schema at ${ref}`];
      validators.set(ref, validate);
    }
    return validate(body) ? [] : [`${operation.operationId} ${status}: ${ajv.errorsText(validate.errors)}`];
  };
}
