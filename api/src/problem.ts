import { STATUS_CODES } from 'node:http';
import type { Middleware } from 'koa';
import { isDatabaseUnavailable } from './db/errors.ts';
import type { AppState } from './http/context.ts';

/** Problem types with a meaning beyond their status code (RFC 9457 §3.1.1); everything else is `about:blank`. */
export const problemTypes = {
  invalidRequest: 'https://petstore.example.com/problems/invalid-request',
  notFound: 'https://petstore.example.com/problems/not-found',
  conflict: 'https://petstore.example.com/problems/conflict',
  preconditionFailed: 'https://petstore.example.com/problems/precondition-failed',
  unprocessable: 'https://petstore.example.com/problems/unprocessable-content',
  unavailable: 'https://petstore.example.com/problems/unavailable',
} as const;

const typeByStatus: Partial<Record<number, string>> = {
  400: problemTypes.invalidRequest,
  404: problemTypes.notFound,
  409: problemTypes.conflict,
  412: problemTypes.preconditionFailed,
  422: problemTypes.unprocessable,
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

  constructor(
    status: number,
    detail: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.status = status;
    this.type = typeByStatus[status] ?? 'about:blank';
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  static invalid(detail: string, errors: InvalidParam[] = []): HttpProblem {
    return new HttpProblem(400, detail, { extensions: errors.length > 0 ? { errors } : {} });
  }
}

/**
 * Renders every error, and every 4xx/5xx the router left without a body (404, 405, 501), as RFC 9457 problem+json with
 * the request id. Unexpected errors are logged and answered 500 without detail; an unreachable database is a 503.
 */
export function problems(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status >= 400 && ctx.body == null)
        throw routingProblem(ctx.status, ctx.method, ctx.path, ctx.response.get('Allow'));
    } catch (error) {
      const problem = toProblem(error);
      if (problem.status >= 500) ctx.state.log.error({ err: error }, 'request failed');
      ctx.status = problem.status;
      ctx.set(problem.headers);
      ctx.type = 'application/problem+json';
      ctx.body = {
        type: problem.type,
        title: STATUS_CODES[problem.status] ?? 'Error',
        status: problem.status,
        detail: problem.message,
        instance: ctx.path,
        requestId: ctx.state.requestId,
        ...problem.extensions,
      };
    }
  };
}

function routingProblem(status: number, method: string, path: string, allow: string): HttpProblem {
  if (status === 404) return new HttpProblem(404, `no resource at ${path}`);
  if (status === 405) return new HttpProblem(405, `${method} is not allowed on ${path}; allowed: ${allow}`);
  if (status === 501) return new HttpProblem(501, `method ${method} is not implemented`);
  return new HttpProblem(status, STATUS_CODES[status] ?? 'error');
}

// Koa and co-body mark request errors with a 4xx `status` (malformed JSON, too large, bad charset); their messages
// describe the request, so they are safe to return.
function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const { status, expose, message } = (error ?? {}) as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && expose !== false && typeof message === 'string') {
    return status === 400
      ? HttpProblem.invalid(`malformed request body: ${message}`)
      : new HttpProblem(status, message);
  }
  if (isDatabaseUnavailable(error)) {
    return new HttpProblem(503, 'the database is unavailable; retry later', { headers: { 'Retry-After': '5' } });
  }
  return new HttpProblem(500, 'internal error; the request id identifies it in the logs');
}
