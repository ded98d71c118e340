import type { AppContext } from './context.ts';

/** Sets an RFC 8288 `Link: <...>; rel="next"` to the same request with the cursor moved past `lastId`. */
export function linkNextPage(ctx: AppContext, lastId: number): void {
  const params = new URLSearchParams(ctx.querystring);
  params.set('after', String(lastId));
  ctx.set('Link', `<${ctx.path}?${params.toString()}>; rel="next"`);
}
