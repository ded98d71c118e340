import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** Above the ALB's 60 s idle timeout, so the load balancer, not the pod, closes idle connections (no 502s). */
export const keepAliveTimeoutMs = 65_000;
/** How long a drain waits for in-flight requests before closing their connections. */
export const drainTimeoutMs = 15_000;

/** Serves a request handler (Koa's `app.callback()`) on host:port; resolves once listening. */
export async function listen(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  { host, port }: { host: string; port: number },
): Promise<Server> {
  const server = createServer((req, res) => void handle(req, res)); // Koa answers its own errors
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.headersTimeout = keepAliveTimeoutMs + 1000;
  server.requestTimeout = 30_000; // a slow client cannot hold a connection forever
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/**
 * Graceful stop, once the caller has set the app draining (every response then says `Connection: close`): for
 * `graceMs` keep serving, so each busy keep-alive connection gets one such response and its client reconnects
 * elsewhere; then refuse new connections, let in-flight requests finish, close keep-alive connections as soon as they
 * are idle, and after `timeoutMs` close whatever is left. Without the grace period, closing an idle keep-alive
 * connection races with its client sending the next request on it, and that request fails.
 */
export async function drain(
  server: Server,
  { graceMs = 0, timeoutMs = drainTimeoutMs }: { graceMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}
