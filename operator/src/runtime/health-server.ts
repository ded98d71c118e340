import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { BindAddress } from './config.ts';

/** The outcome of one named check, e.g. `informer:petstores.petstore.example.com`. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** Why it failed, shown in the probe's body. */
  readonly detail?: string;
}

export interface ProbeChecks {
  /** Liveness: failing makes the kubelet restart the process, so only for states a restart fixes. */
  readonly healthz: () => readonly CheckResult[];
  /** Readiness: caches synced and watches connected. */
  readonly readyz: () => readonly CheckResult[];
}

/**
 * /healthz and /readyz in the Kubernetes components' format: `ok` with 200, or one `[+]name ok` / `[-]name failed:
 * reason` line per check with 500 when one fails (or always with `?verbose`). Not listening yet: see {@link listen}.
 */
export function createProbeServer(checks: ProbeChecks): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://probe');
    const run = url.pathname === '/healthz' ? checks.healthz : url.pathname === '/readyz' ? checks.readyz : undefined;
    if (run === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    let results: readonly CheckResult[];
    try {
      results = run();
    } catch (err) {
      results = [{ name: 'checks', ok: false, detail: err instanceof Error ? err.message : String(err) }];
    }
    const ok = results.every((result) => result.ok);
    const verbose = url.searchParams.has('verbose') || !ok;
    const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.detail ?? 'not ok'}`));
    const body = verbose
      ? `${lines.join('\n')}\n${url.pathname.slice(1)} ${ok ? 'check passed' : 'check failed'}\n`
      : 'ok';
    res.writeHead(ok ? 200 : 500, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

/** GET /metrics in the Prometheus text format from `registry`. Not listening yet: see {@link listen}. */
export function createMetricsServer(registry: Registry): Server {
  return createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics' || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(`collecting metrics failed: ${String(err)}\n`),
    );
  });
}

/** Starts `server` on `address` (port 0 picks a free one); resolves with the bound address. */
export function listen(server: Server, address: BindAddress): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops accepting connections and closes idle keep-alive ones; resolves when the server is closed. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
