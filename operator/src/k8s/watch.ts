import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { fetch, type Response } from 'undici';
import {
  ApiError,
  ExpiredError,
  WatchIdleError,
  type ListerWatcher,
  type ListOptions,
  type ListPage,
  type WatchEvent,
  type WatchOptions,
} from '../runtime/list-watch.ts';
import { apiVersionOf, resourceName, type KubeObject, type WatchSpec } from '../runtime/types.ts';

/** One finished HTTP request to the API server, as rest_client_requests_total counts it. */
export interface ClientRequest {
  readonly method: string;
  readonly host: string;
  /** HTTP status code, or `<error>` when no response arrived (client-go's label value). */
  readonly code: string;
  readonly durationSeconds: number;
}

export type ClientRequestObserver = (request: ClientRequest) => void;

/** A page of a list can take this long at most; a stuck list must not stall a reflector forever. */
const LIST_TIMEOUT_MS = 60_000;
const WATCH_EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

/** The collection URL path of a resource, e.g. `/apis/apps/v1/namespaces/pets/deployments` or `/api/v1/secrets`. */
export function resourcePath(spec: WatchSpec, namespace: string | undefined): string {
  const base = spec.group === '' ? `/api/${spec.version}` : `/apis/${spec.group}/${spec.version}`;
  const scope = spec.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${spec.plural}`;
}

/**
 * Lists (paginated, consistent reads) and watches (bookmarks on, idle watchdog) one resource over HTTP, using the
 * KubeConfig for the server address, TLS and credentials. `namespace` undefined means all namespaces.
 */
export function createListerWatcher<T extends KubeObject>(
  kc: KubeConfig,
  spec: WatchSpec,
  namespace: string | undefined,
  observeRequest?: ClientRequestObserver,
): ListerWatcher<T> {
  const server = kc.getCurrentCluster()?.server;
  if (server === undefined) throw new Error('the kubeconfig has no current cluster: cannot list or watch');
  const collection = new URL(resourcePath(spec, namespace), server.endsWith('/') ? server : `${server}/`);
  const host = collection.host;
  const apiVersion = apiVersionOf(spec);
  const scope = spec.namespaced && namespace !== undefined ? `in namespace ${namespace}` : 'in all namespaces';
  const selector = spec.labelSelector === undefined ? '' : ` with labels ${spec.labelSelector}`;

  function url(params: Record<string, string | number | boolean | undefined>): URL {
    const out = new URL(collection);
    if (spec.labelSelector !== undefined) out.searchParams.set('labelSelector', spec.labelSelector);
    if (spec.fieldSelector !== undefined) out.searchParams.set('fieldSelector', spec.fieldSelector);
    for (const [key, value] of Object.entries(params)) if (value !== undefined) out.searchParams.set(key, `${value}`);
    return out;
  }

  async function get(target: URL, signal: AbortSignal): Promise<Response> {
    const ctx = new RequestContext(target.toString(), HttpMethod.GET);
    await kc.applySecurityAuthentication(ctx);
    const started = performance.now();
    const observe = (code: string): void =>
      observeRequest?.({ method: 'GET', host, code, durationSeconds: (performance.now() - started) / 1000 });
    let response: Response;
    try {
      response = await fetch(target, {
        method: 'GET',
        headers: { ...ctx.getHeaders(), accept: 'application/json' },
        dispatcher: ctx.getDispatcher(),
        signal,
      });
    } catch (err) {
      observe('<error>');
      throw err;
    }
    observe(String(response.status));
    if (!response.ok) throw await errorFrom(response);
    return response;
  }

  return {
    description: `${resourceName(spec)} ${scope}${selector}`,

    async list(options: ListOptions): Promise<ListPage<T>> {
      const signal = AbortSignal.any([options.signal, AbortSignal.timeout(LIST_TIMEOUT_MS)]);
      // No resourceVersion: a consistent read, so a relist after 410 never goes back in time.
      const response = await get(url({ limit: options.limit, continue: options.continue }), signal);
      const body = (await response.json()) as {
        metadata?: { resourceVersion?: string; continue?: string };
        items?: T[];
      };
      const items = body.items ?? [];
      // List items come without apiVersion and kind; watch events carry them, so make both look alike.
      for (const item of items) Object.assign(item, { apiVersion, kind: spec.kind });
      const resourceVersion = body.metadata?.resourceVersion;
      if (resourceVersion === undefined) throw new Error(`list of ${collection.pathname} returned no resourceVersion`);
      const next = body.metadata?.continue;
      return { items, resourceVersion, continue: next === undefined || next === '' ? undefined : next };
    },

    async watch(options: WatchOptions, onEvent: (event: WatchEvent<T>) => void): Promise<void> {
      const controller = new AbortController();
      const abort = (): void => controller.abort(options.signal.reason);
      options.signal.addEventListener('abort', abort, { once: true });
      let idle: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(idle);
        idle = setTimeout(() => controller.abort(new WatchIdleError(options.idleTimeoutMs)), options.idleTimeoutMs);
      };
      try {
        arm();
        const target = url({
          watch: true,
          allowWatchBookmarks: true,
          resourceVersion: options.resourceVersion,
          timeoutSeconds: options.timeoutSeconds,
        });
        const response = await get(target, controller.signal);
        if (response.body === null) throw new Error(`watch of ${collection.pathname} returned no body`);
        options.onOpen?.();
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of response.body) {
          arm();
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line !== '') onEvent(parseEvent<T>(line));
          }
        }
      } catch (err) {
        if (options.signal.aborted) return;
        const reason: unknown = controller.signal.reason;
        if (reason instanceof WatchIdleError) throw reason;
        throw err;
      } finally {
        clearTimeout(idle);
        options.signal.removeEventListener('abort', abort);
        // Releases the connection whatever happened (a thrown ERROR event leaves the body half read).
        controller.abort();
      }
    },
  };
}

interface Status {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
}

function parseEvent<T extends KubeObject>(line: string): WatchEvent<T> {
  const event = JSON.parse(line) as { type?: string; object?: unknown };
  if (event.type === 'ERROR') throw statusError(event.object ?? {}, 0);
  if (event.type === undefined || !WATCH_EVENT_TYPES.has(event.type) || typeof event.object !== 'object') {
    throw new Error(`unexpected watch event: ${line.slice(0, 200)}`);
  }
  return event as WatchEvent<T>;
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let status: Status;
  try {
    status = JSON.parse(text) as Status;
  } catch {
    status = { message: text.slice(0, 500) };
  }
  return statusError(status, response.status);
}

function statusError(status: Status, httpStatus: number): ApiError {
  const code = status.code ?? httpStatus;
  const message = status.message ?? `HTTP ${code}`;
  if (code === 410) return new ExpiredError(message);
  return new ApiError(code, status.reason, `${message} (HTTP ${code}${status.reason ? `, ${status.reason}` : ''})`);
}
