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
 * Graceful stop: refuse new connections, let in-flight requests finish (their responses say `Connection: close`),
 * close keep-alive connections as soon as they are idle, and after `timeoutMs` close whatever is left.
 */
export async function drain(server: Server, timeoutMs = drainTimeoutMs): Promise<void> {
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
