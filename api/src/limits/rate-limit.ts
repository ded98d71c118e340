import type { Middleware } from 'koa';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config.ts';
import type { AppContext, AppState } from '../http/context.ts';
import { HttpProblem } from '../problem.ts';

/**
 * Per-client rate limit (a fixed window per client, in this process's memory): a client is its API key when it sent
 * a valid one, else its address, so rotating invalid keys does not buy a fresh budget. Over the limit: 429 with
 * Retry-After. `exempt` requests (probes, scrapes) are never limited. Each replica counts on its own.
 */
export function rateLimit(
  { requests, windowSeconds }: Config['rateLimit'],
  exempt: (ctx: AppContext) => boolean,
): Middleware<AppState> {
  if (requests === 0) return (_ctx, next) => next();
  const limiter = new RateLimiterMemory({ points: requests, duration: windowSeconds });
  return async (ctx, next) => {
    if (!exempt(ctx)) {
      const { keyId, address } = ctx.state.client;
      try {
        await limiter.consume(keyId === undefined ? `address ${address}` : `key ${keyId}`);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new HttpProblem(
          429,
          `more than ${requests} requests in ${windowSeconds} s from this client; retry in ${seconds} s`,
          {
            headers: { 'Retry-After': String(seconds) },
          },
        );
      }
    }
    await next();
  };
}
