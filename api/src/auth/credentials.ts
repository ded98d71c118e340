import type { AppContext } from '../http/context.ts';

/** The header the Swagger Petstore's clients send their key in. */
export const apiKeyHeader = 'api_key';

const bearer = /^Bearer +(\S+) *$/i;

/** The API key a request presents: the `api_key` header, else `Authorization: Bearer <key>`; undefined if none. */
export function presentedApiKey(ctx: AppContext): string | undefined {
  const header = ctx.get(apiKeyHeader).trim();
  if (header) return header;
  return bearer.exec(ctx.get('Authorization'))?.[1];
}
