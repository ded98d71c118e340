import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the API server that can freeze its open connections: they stay open but nothing crosses
 * them any more, in either direction, exactly like a load balancer or NAT that silently dropped a flow. Connections
 * opened after a freeze work normally. TLS passes through untouched.
 */
export interface FreezeProxy {
  /** `https://127.0.0.1:<port>`, to use as the cluster's server address. */
  readonly url: string;
  /** Stops all traffic on the connections open now, without closing them. Returns how many were frozen. */
  freeze(): number;
  close(): Promise<void>;
}

export async function startFreezeProxy(target: URL): Promise<FreezeProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const frozen: Socket[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const forget = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  return {
    url: `https://127.0.0.1:${address.port}`,
    freeze() {
      const count = pairs.size;
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        // Closes from either side must not propagate either: a dropped flow tells nobody.
        client.removeAllListeners('close').removeAllListeners('end');
        upstream.removeAllListeners('close').removeAllListeners('end');
        client.on('error', () => undefined);
        upstream.on('error', () => undefined);
        frozen.push(client, upstream);
      }
      pairs.clear();
      return count;
    },
    async close() {
      for (const socket of frozen) socket.destroy();
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
