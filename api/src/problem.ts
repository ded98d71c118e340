import { STATUS_CODES } from 'node:http';
import type { Middleware } from 'koa';
import { ConcurrentUpdateError, isDatabaseUnavailable } from './db/errors.ts';
import type { AppState } from './http/context.ts';
import { OverloadedError } from './limits/bounded-concurrency.ts';
import type { Logger } from './logger.ts';

/** Problem types with a meaning beyond their status code (RFC 9457 §3.1.1); everything else is `about:blank`. */
export const problemTypes = {
  invalidRequest: 'https://petstore.example.com/problems/invalid-request',
  unauthorized: 'https://petstore.example.com/problems/unauthorized',
  notFound: 'https://petstore.example.com/problems/not-found',
  conflict: 'https://petstore.example.com/problems/conflict',
  preconditionFailed: 'https://petstore.example.com/problems/precondition-failed',
  unprocessable: 'https://petstore.example.com/problems/unprocessable-content',
  tooManyRequests: 'https://petstore.example.com/problems/too-many-requests',
  unavailable: 'https://petstore.example.com/problems/unavailable',
} as const;

const typeByStatus: Partial<Record<number, string>> = {
  400: problemTypes.invalidRequest,
  401: problemTypes.unauthorized,
  404: problemTypes.notFound,
  409: problemTypes.conflict,
  412: problemTypes.preconditionFailed,
  422: problemTypes.unprocessable,
  429: problemTypes.tooManyRequests,
  503: problemTypes.unavailable,
};

/** One invalid part of a request: where it is (`body`, `query`, `path`, `header`), a JSON pointer into it, and why. */
export interface InvalidParam {
  in: string;
  pointer: string;
  detail: string;
}

/** The one error class of the API: thrown anywhere, rendered by `problems()` as application/problem+json. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly status: number;
  readonly type: string;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;
  /** What is wrong with the request, one entry per problem (400 only). */
  readonly errors: InvalidParam[];

  constructor(
    status: number,
    detail: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string>; errors?: InvalidParam[] } = {},
  ) {
    super(detail);
    this.status = status;
    this.type = typeByStatus[status] ?? 'about:blank';
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
    this.errors = options.errors ?? [];
  }

  static invalid(detail: string, errors: InvalidParam[] = []): HttpProblem {
    return new HttpProblem(400, detail, { errors });
  }
}

/**
 * Renders every error, and every 4xx/5xx the router left without a body (404, 405, 501), as RFC 9457 problem+json with
 * the request id. Unexpected errors are logged and answered 500 without detail; an unreachable database is a 503.
 */
export function problems(logger: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status >= 400 && ctx.body == null)
        throw routingProblem(ctx.status, ctx.method, ctx.path, ctx.response.get('Allow'));
    } catch (error) {
      const problem = toProblem(error);
      if (problem.status >= 500) logger.error({ err: error, requestId: ctx.state.requestId }, 'request failed');
      ctx.status = problem.status;
      ctx.set(problem.headers);
      ctx.type = 'application/problem+json';
      ctx.body = {
        type: problem.type,
        title: STATUS_CODES[problem.status] ?? 'Error',
        status: problem.status,
        detail: bounded(problem.message, maxDetailLength),
        instance: bounded(ctx.path, maxEchoLength),
        requestId: ctx.state.requestId,
        ...problem.extensions,
        ...(problem.errors.length > 0 && { errors: boundedErrors(problem.errors) }),
      };
    }
  };
}

function routingProblem(status: number, method: string, path: string, allow: string): HttpProblem {
  const at = bounded(path, maxEchoLength);
  if (status === 404) return new HttpProblem(404, `no resource at ${at}`);
  if (status === 405) return new HttpProblem(405, `${method} is not allowed on ${at}; allowed: ${allow}`);
  return new HttpProblem(status, STATUS_CODES[status] ?? 'error');
}

// Problems quote parts of the request (a path, a field name, a header): never more than these, so an error response
// cannot be made to reflect (or a log line to carry) a large attacker-chosen payload.
const maxEchoLength = 200;
const maxDetailLength = 1000;
const maxErrors = 20;

/** `text` cut to `max` characters, with an ellipsis when it was longer. */
export const bounded = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

function boundedErrors(errors: InvalidParam[]): InvalidParam[] {
  const shown = errors.slice(0, maxErrors).map((e) => ({
    in: e.in,
    pointer: bounded(e.pointer, maxEchoLength),
    detail: bounded(e.detail, maxEchoLength),
  }));
  if (errors.length > maxErrors) {
    shown.push({ in: shown[0]?.in ?? 'body', pointer: '', detail: `and ${errors.length - maxErrors} more` });
  }
  return shown;
}

// Koa and co-body mark request errors with a 4xx `status` (malformed JSON, too large, bad charset); their messages
// describe the request, so they are safe to return.
function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof ConcurrentUpdateError) return new HttpProblem(409, error.message);
  if (error instanceof OverloadedError) {
    return new HttpProblem(503, error.message, { headers: { 'Retry-After': String(error.retryAfterSeconds) } });
  }
  const { status, expose, message } = (error ?? {}) as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && expose !== false && typeof message === 'string') {
    return status === 400
      ? HttpProblem.invalid(`malformed request body: ${bounded(message, maxEchoLength)}`)
      : new HttpProblem(status, message);
  }
  if (isDatabaseUnavailable(error)) {
    return new HttpProblem(503, 'the database is unavailable; retry later', { headers: { 'Retry-After': '5' } });
  }
  return new HttpProblem(500, 'internal error; the request id identifies it in the logs');
}
