// Zero-downtime rolling updates (issue 16, item 1): a steady stream of requests from a pod inside the cluster, through
// the PetStore's Service, to a three-pod PetStore on external PostgreSQL, while a configuration change rolls every pod.
// The clients keep their connections alive and never retry, as a load balancer's connection pool would not: every
// failed request counts. What makes it hold: readiness (the pod leaves the Service's endpoints), the preStop pause
// (kube-proxy catches up before the server stops), the server's drain (responses after SIGTERM close their
// connections), and maxUnavailable 0 of 3 (25% rounds down). The figures are printed and recorded in
// docs/benchmarks.md; only "no request failed" is asserted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, podSecurity, useNamespace, waitFor } from '../cluster/fixtures.ts';
import {
  deploymentState,
  loadTestSpec,
  noTerminatingPods,
  rolledOut,
  startExternalStore,
  type ExternalStore,
} from './external-store.ts';
import { LoadPod } from './load-pod.ts';

const namespace = useNamespace({ realNode: true, labels: podSecurity('restricted') });
let store: ExternalStore;

const spec = (logLevel: string): object => ({
  ...loadTestSpec,
  // Three pods that stay three: the autoscaler is pinned, so only the rollout changes them.
  autoscaling: { minReplicas: 3, maxReplicas: 3 },
  config: { environment: 'staging', logLevel },
});

beforeAll(async () => {
  store = await startExternalStore(namespace.name, 'shop');
  await store.apply(spec('info'));
  await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'petstore/shop', '--timeout=300s']);
  await waitFor(
    async () => rolledOut(await deploymentState(namespace.name, 'shop')) || undefined,
    120_000,
    'three available pods',
  );
}, 480_000);

afterAll(async () => {
  await store.stop();
}, 120_000);

describe('a rolling update under load', () => {
  it('rolls all three pods to a new configuration while a steady stream of requests sees no failure', async () => {
    const base = `http://shop.${namespace.name}.svc.cluster.local/api/v1`;
    const load = await LoadPod.start(namespace.name, 'load', {
      urls: [`${base}/pets?status=available`, `${base}/store/inventory`, `${base}/health`],
      concurrency: 4,
    });
    // A few seconds of steady state before the change.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const before = (await deploymentState(namespace.name, 'shop')).metadata.generation;
    await load.signal('SIGUSR1');
    const started = Date.now();
    await store.apply(spec('debug'));
    await waitFor(
      async () => {
        const d = await deploymentState(namespace.name, 'shop');
        return d.metadata.generation > before && rolledOut(d) ? d : undefined;
      },
      300_000,
      'the new configuration to roll out to all three pods',
      250,
    );
    const rollSeconds = (Date.now() - started) / 1000;
    // The old pods answer their last requests while they drain: the window ends when the last of them is gone.
    await waitFor(
      async () => (await noTerminatingPods(namespace.name, 'shop')) || undefined,
      120_000,
      'the old pods to finish',
      250,
    );
    const drainedSeconds = (Date.now() - started) / 1000;
    await load.signal('SIGUSR1');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const summary = await load.stop();
    process.stdout.write(
      `rolling update under load: rolled out after ${rollSeconds.toFixed(1)} s, old pods gone after ` +
        `${drainedSeconds.toFixed(1)} s; ${JSON.stringify(summary, null, 2)}\n`,
    );

    expect(summary.window.requests).toBeGreaterThan(100);
    expect({ failed: summary.failed, failures: summary.failures }).toEqual({ failed: 0, failures: {} });
  }, 480_000);
});
