import { ApiException } from '@kubernetes/client-node';
import { PermanentError, TemporaryError } from '../runtime/errors.ts';

/** What went wrong in a pass, as status and events show it. */
export interface ReconcileProblem {
  /** permanent: only a change (of the spec, or outside it) helps: Stalled; temporary: retried. */
  kind: 'permanent' | 'temporary';
  reason: string;
  message: string;
}

/** What the controller does next (kube-rs's Action): nothing until the next event, or look again after a delay. */
export interface Action {
  requeueAfterMs?: number;
}

/**
 * Sorts a failure by its type, never by its text: typed permanent and temporary errors say what they are; the API
 * server's 400 and 422 mean it refused a child built from the spec (permanent), 403 that RBAC lacks a verb (retried);
 * anything else is retried with backoff. Messages never carry secret values (builders put none in errors).
 */
export function problemOf(error: unknown): ReconcileProblem {
  if (error instanceof PermanentError) return { kind: 'permanent', reason: error.reason, message: error.message };
  if (error instanceof TemporaryError) return { kind: 'temporary', reason: error.reason, message: error.message };
  if (error instanceof ApiException) {
    const body = statusMessage(error.body);
    if (error.code === 422 || error.code === 400) {
      return {
        kind: 'permanent',
        reason: 'InvalidSpec',
        message: `the API server refused a child: ${body ?? `HTTP ${error.code}`}`,
      };
    }
    if (error.code === 403) {
      return {
        kind: 'temporary',
        reason: 'Forbidden',
        message: `the operator is not allowed to do this: ${body ?? 'HTTP 403'}`,
      };
    }
    return { kind: 'temporary', reason: 'APIError', message: body ?? `HTTP ${error.code}` };
  }
  return {
    kind: 'temporary',
    reason: 'ReconcileError',
    message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * The error policy (kube-rs's error_policy): what to do after a pass that failed with `error`. Returns an Action, or
 * throws for the runtime's own handling: a PermanentError waits for the object to change, anything else retries with
 * the per-key exponential backoff.
 */
export function errorPolicy(error: unknown): Action {
  if (error instanceof TemporaryError && error.retryAfterMs !== undefined)
    return { requeueAfterMs: error.retryAfterMs };
  if (error instanceof PermanentError) {
    if (error.recheckAfterMs !== undefined) return { requeueAfterMs: error.recheckAfterMs };
    throw error;
  }
  const problem = problemOf(error);
  if (problem.kind === 'permanent') throw new PermanentError(problem.message, { cause: error, reason: problem.reason });
  throw error instanceof Error ? error : new Error('reconcile failed', { cause: error });
}

function statusMessage(body: unknown): string | undefined {
  try {
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: string } | undefined;
    return status?.message;
  } catch {
    return typeof body === 'string' ? body.slice(0, 500) : undefined;
  }
}
