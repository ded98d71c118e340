import type { Middleware } from 'koa';
import proxyAddr from 'proxy-addr';
import type { AppState } from '../http/context.ts';
import type { ApiKeyStore } from './api-key-store.ts';
import { presentedApiKey } from './credentials.ts';

/** Sets `ctx.state.client` for the rate limit and for operations that need a key. */
export function identifyClient(keys: ApiKeyStore, trustedProxies: string[]): Middleware<AppState> {
  const trust = proxyAddr.compile(trustedProxies);
  return async (ctx, next) => {
    const presented = keys.required ? presentedApiKey(ctx) : undefined;
    const keyId = presented === undefined ? undefined : keys.identify(presented);
    ctx.state.client = {
      ...(keyId && { keyId }),
      invalidKey: presented !== undefined && keyId === undefined,
      address: proxyAddr(ctx.req, trust),
    };
    await next();
  };
}
