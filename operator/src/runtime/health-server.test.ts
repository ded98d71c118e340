import { afterEach, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { Registry, Counter } from 'prom-client';
import { close, createMetricsServer, createProbeServer, listen, type CheckResult } from './health-server.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

async function serve(server: Server): Promise<string> {
  servers.push(server);
  const address = await listen(server, { host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${address.port}`;
}

describe('probe server', () => {
  it('answers 200 ok when every check passes, and lists them with ?verbose', async () => {
    const checks = (): CheckResult[] => [{ name: 'watch:petstores', ok: true }];
    const base = await serve(createProbeServer({ healthz: checks, readyz: checks }));
    const plain = await fetch(`${base}/readyz`);
    expect(plain.status).toBe(200);
    expect(await plain.text()).toBe('ok');
    expect(await (await fetch(`${base}/healthz?verbose`)).text()).toBe('[+]watch:petstores ok\nhealthz check passed\n');
  });

  it('answers 500 naming the failing check and why', async () => {
    let synced = false;
    const readyz = (): CheckResult[] => [
      { name: 'ping', ok: true },
      { name: 'watch:petstores', ok: synced, detail: 'not synced yet: 404 Not Found' },
    ];
    const base = await serve(createProbeServer({ healthz: () => [], readyz }));
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe(
      '[+]ping ok\n[-]watch:petstores failed: not synced yet: 404 Not Found\nreadyz check failed\n',
    );
    synced = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('answers 404 elsewhere', async () => {
    const base = await serve(createProbeServer({ healthz: () => [], readyz: () => [] }));
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });
});

describe('metrics server', () => {
  it('serves the registry in the Prometheus text format on /metrics', async () => {
    const registry = new Registry();
    new Counter({ name: 'petstore_test_total', help: 'test', registers: [registry] }).inc(3);
    const base = await serve(createMetricsServer(registry));
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('petstore_test_total 3');
    expect((await fetch(`${base}/healthz`)).status).toBe(404);
  });
});
