import { describe, expect, it } from '@jest/globals';
import { parseConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { Manager } from './manager.ts';
import * as fixtures from '../../../test/cluster/fixtures.ts';
import { useTestCluster } from './test/cluster-env.ts';
import { CONFIG_MAPS, SECRETS, apply, configMap, eventually } from './test/objects.ts';

const cluster = useTestCluster(fixtures);

function manager(lease: string, extraFlags: readonly string[] = []): Manager {
  const config = parseConfig(
    [
      `--leader-election-namespace=${cluster.namespace}`,
      `--leader-election-id=${lease}`,
      `--namespaces=${cluster.namespace}`,
      '--metrics-bind-address=127.0.0.1:0',
      '--health-probe-bind-address=127.0.0.1:0',
      ...extraFlags,
    ],
    {},
  );
  return new Manager({ kubeConfig: cluster.kubeConfig(), config, log: createLogger({ level: 'silent' }) });
}

async function get(port: number | undefined, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port ?? 0}${path}`);
  return { status: response.status, body: await response.text() };
}

describe('Manager', () => {
  it('serves readiness once its caches are synced, and metrics under controller-runtime names', async () => {
    await apply(cluster, configMap('probe-me', { test: 'probes' }));
    const m = manager('probes');
    let reconciled = 0;
    m.addController({
      name: 'probes',
      primary: { ...CONFIG_MAPS, labelSelector: 'test=probes' },
      owns: [{ ...SECRETS, labelSelector: 'test=probes-child' }],
      reconcile: async () => {
        reconciled++;
        return Promise.resolve(undefined);
      },
    });
    const running = m.start();
    await eventually('the probe server', () => m.probeAddress);
    await eventually('/readyz to pass', async () => (await get(m.probeAddress?.port, '/readyz')).status === 200);
    await eventually('the reconcile', () => reconciled === 1);

    const ready = await get(m.probeAddress?.port, '/readyz?verbose');
    expect(ready.body).toContain(`[+]watch:configmaps in namespace ${cluster.namespace} with labels test=probes ok`);
    expect(ready.body).toContain(`[+]watch:secrets in namespace ${cluster.namespace} with labels test=probes-child ok`);
    expect((await get(m.probeAddress?.port, '/healthz')).status).toBe(200);

    const metrics = (await get(m.metricsAddress?.port, '/metrics')).body;
    for (const series of [
      'controller_runtime_reconcile_total{controller="probes",result="success"} 1',
      'controller_runtime_max_concurrent_reconciles{controller="probes"} 2',
      'leader_election_master_status{name="probes"} 1',
      'workqueue_adds_total{name="probes",controller="probes"} 1',
      'petstore_operator_watch_last_event_age_seconds{kind="ConfigMap",namespace="',
    ]) {
      expect(metrics).toContain(series);
    }
    // Lists, watches and Lease requests are all counted; the Lease was created (POST) and renewed (PUT).
    expect(metrics).toMatch(/rest_client_requests_total\{code="200",method="GET",host="127\.0\.0\.1:\d+"\} \d+/);
    expect(metrics).toMatch(/rest_client_requests_total\{code="201",method="POST",host="127\.0\.0\.1:\d+"\} 1/);

    await m.stop();
    await running;
  });

  it('on stop, fails readiness, lets the in-flight reconcile finish, then releases the lease', async () => {
    await apply(cluster, configMap('slow', { test: 'graceful' }));
    const m = manager('graceful');
    let finished = false;
    let started = false;
    let abortedSignal = false;
    m.addController({
      name: 'graceful',
      primary: { ...CONFIG_MAPS, labelSelector: 'test=graceful' },
      reconcile: async (_request, { signal }) => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 1500));
        abortedSignal = signal.aborted;
        finished = true;
        return undefined;
      },
    });
    const running = m.start();
    await eventually('the reconcile to start', () => started);
    const port = m.probeAddress?.port;

    const stopping = m.stop();
    expect((await get(port, '/readyz?verbose')).body).toContain('[-]shutdown failed: the process is shutting down');
    await stopping;
    await running;

    expect(finished).toBe(true);
    expect(abortedSignal).toBe(false);
    const lease = JSON.parse(
      await cluster.kubectl(['get', 'lease', 'graceful', '-n', cluster.namespace, '-o', 'jsonpath={.spec}']),
    ) as { holderIdentity?: string; leaseDurationSeconds?: number };
    expect(lease.holderIdentity ?? '').toBe('');
    expect(lease.leaseDurationSeconds).toBe(1);
    await expect(fetch(`http://127.0.0.1:${port ?? 0}/healthz`)).rejects.toThrow();
  });

  it('gives in-flight reconciles only the shutdown bound, then aborts their signal', async () => {
    await apply(cluster, configMap('stuck', { test: 'bounded' }));
    const m = manager('bounded', ['--graceful-shutdown-timeout=3s']);
    let started = false;
    let ended = false;
    m.addController({
      name: 'bounded',
      primary: { ...CONFIG_MAPS, labelSelector: 'test=bounded' },
      reconcile: async (_request, { signal }) => {
        started = true;
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        ended = true;
        return undefined;
      },
    });
    const running = m.start();
    await eventually('the reconcile to start', () => started);
    const stoppedAt = performance.now();
    await m.stop();
    await running;
    expect(ended).toBe(true);
    expect(performance.now() - stoppedAt).toBeLessThan(3000 + 1000);
  });

  it('fails to start, naming the watch and the error, when a watched resource does not exist', async () => {
    const m = manager('missing', ['--cache-sync-timeout=2s', '--leader-elect=false']);
    m.addController({
      name: 'missing',
      primary: { group: 'petstore.example.com', version: 'v0', plural: 'nothings', kind: 'Nothing', namespaced: true },
      reconcile: async () => Promise.resolve(undefined),
    });
    await expect(m.start()).rejects.toThrow(/waiting for caches to sync: nothings\.petstore\.example\.com .*404/);
  });
});
