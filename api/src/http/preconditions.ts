import { HttpProblem } from '../problem.ts';
import type { AppContext } from './context.ts';

/** A stored resource's version as a strong entity tag. */
export const etag = (version: number): string => `"${version}"`;

// The header's syntax was checked against the OpenAPI document (a 400 otherwise): `*` or entity tags.
const entityTags = (header: string): string[] => header.match(/\*|(?:W\/)?"[^"]*"/g) ?? [];

/** Throws 412 when the request's If-Match (RFC 9110 §13.1.1) names neither `*` nor the current version. */
export function checkIfMatch(ctx: AppContext, version: number): void {
  const header = ctx.get('If-Match');
  if (!header) return;
  const tags = entityTags(header);
  if (tags.includes('*') || tags.includes(etag(version))) return;
  throw new HttpProblem(412, `If-Match ${header} does not match the current ETag ${etag(version)}`, {
    headers: { ETag: etag(version) },
  });
}

/**
 * Sets the representation's ETag and answers 304 when If-None-Match (RFC 9110 §13.1.2, weak comparison) already
 * names it. Unlike Koa's `ctx.fresh`, a `Cache-Control: no-cache` request (which fetch() adds to every conditional
 * request) does not disable the check: that directive is for caches, not for the origin server.
 */
export function respondWithVersion(ctx: AppContext, version: number, body: object | string, status = 200): void {
  ctx.status = status;
  ctx.set('ETag', etag(version));
  const ifNoneMatch = ctx.get('If-None-Match');
  if (status === 200 && ifNoneMatch) {
    const tags = entityTags(ifNoneMatch).map((tag) => tag.replace(/^W\//, ''));
    if (tags.includes('*') || tags.includes(etag(version))) {
      ctx.status = 304;
      return;
    }
  }
  if (typeof body === 'string') ctx.type = 'application/json'; // JSON text, already serialized
  ctx.body = body;
}
