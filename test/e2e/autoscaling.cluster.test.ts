// Autoscaling on real CPU (issue 16, item 3): load on the API pods raises their CPU, metrics-server reports it, and the
// PetStore's HorizontalPodAutoscaler adds pods within its behaviour (at most two pods a minute); when the load stops,
// the pods stay until the scale-down stabilization window has passed, then go. The window is 60 s here
// (spec.autoscaling.scaleDownStabilizationWindowSeconds; 300 s by default) so the test waits one minute, not five.
// The scale-down policy (one pod per 300 s) counts from the replicas at the start of its period, as Kubernetes does:
// pods added within the last 300 s may all go in one step, back to where the period began.
// The times are printed and recorded in docs/benchmarks.md; what is asserted is the behaviour.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, podSecurity, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { deploymentState, loadTestSpec, startExternalStore, type ExternalStore } from './external-store.ts';
import { LoadPod } from './load-pod.ts';

const namespace = useNamespace({ realNode: true, labels: podSecurity('restricted') });
const window = 60;
let store: ExternalStore;

interface Autoscaler {
  status: {
    desiredReplicas?: number;
    currentMetrics?: { resource?: { current?: { averageUtilization?: number } } }[];
    conditions?: { type: string; status: string; reason: string }[];
  };
}

const autoscaler = async (): Promise<Autoscaler> =>
  JSON.parse(await kubectl(['-n', namespace.name, 'get', 'hpa', 'shop', '-o', 'json'])) as Autoscaler;

/** The Deployment's replicas, sampled every second: [seconds since `from`, replicas] at each change. */
class ReplicaTrace {
  readonly changes: [number, number][] = [];
  private timer: NodeJS.Timeout | undefined;
  private from = Date.now();

  start(): void {
    this.from = Date.now();
    this.timer = setInterval(() => {
      void deploymentState(namespace.name, 'shop').then(({ spec }) => {
        const last = this.changes.at(-1)?.[1];
        if (spec.replicas !== last) this.changes.push([(Date.now() - this.from) / 1000, spec.replicas]);
      });
    }, 1000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get replicas(): number {
    return this.changes.at(-1)?.[1] ?? 0;
  }
}

beforeAll(async () => {
  store = await startExternalStore(namespace.name, 'shop');
  await store.apply({
    ...loadTestSpec,
    config: { environment: 'staging' },
    // A small CPU request, so one load pod drives the API well above the target.
    resources: { requests: { cpu: '100m' }, limits: { cpu: '500m' } },
    autoscaling: {
      minReplicas: 1,
      maxReplicas: 4,
      targetCPUUtilizationPercentage: 50,
      scaleDownStabilizationWindowSeconds: window,
    },
  });
  await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'petstore/shop', '--timeout=300s']);
  // The autoscaler reads the idle pod's CPU before the load starts.
  await waitFor(
    async () => (await autoscaler()).status.currentMetrics?.[0]?.resource?.current?.averageUtilization !== undefined,
    180_000,
    'the autoscaler to read CPU from metrics-server',
    2_000,
  );
}, 600_000);

afterAll(async () => {
  await store.stop();
}, 120_000);

describe('the HorizontalPodAutoscaler on real CPU', () => {
  const trace = new ReplicaTrace();
  let load: LoadPod;
  let loadStarted = 0;

  afterAll(() => trace.stop());

  it('adds pods under load, from metrics-server data, at most two a minute', async () => {
    expect((await deploymentState(namespace.name, 'shop')).spec.replicas).toBe(1);
    trace.start();
    const base = `http://shop.${namespace.name}.svc.cluster.local/api/v1`;
    load = await LoadPod.start(namespace.name, 'load', {
      urls: [`${base}/pets?status=available`, `${base}/store/inventory`],
      concurrency: 8,
      cpu: '1',
    });
    loadStarted = Date.now();
    await waitFor(() => (trace.replicas >= 3 ? true : undefined), 300_000, 'the autoscaler to reach 3 pods', 1_000);
    const scaled = await autoscaler();
    process.stdout.write(
      `autoscaling up: replicas over time ${JSON.stringify(trace.changes)}; ` +
        `CPU ${String(scaled.status.currentMetrics?.[0]?.resource?.current?.averageUtilization)}% of the request; ` +
        `3 pods after ${((Date.now() - loadStarted) / 1000).toFixed(0)} s of load\n`,
    );
    expect(scaled.status.conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'ScalingActive', status: 'True' })]),
    );
    // Never more than two pods added within any 60 s: each count against the count a minute before it.
    const countAt = (t: number): number =>
      trace.changes.filter(([s]) => s <= t).at(-1)?.[1] ?? trace.changes[0]?.[1] ?? 1;
    for (const [t, replicas] of trace.changes) expect(replicas - countAt(t - 60)).toBeLessThanOrEqual(2);
  }, 420_000);

  it('keeps the pods for the stabilization window after the load stops, then scales down', async () => {
    const peak = trace.replicas;
    const summary = await load.stop();
    const stopped = Date.now();
    await waitFor(
      () => (trace.replicas < peak ? true : undefined),
      (window + 240) * 1000,
      'the autoscaler to remove a pod',
      1_000,
    );
    const after = (Date.now() - stopped) / 1000;
    process.stdout.write(
      `autoscaling down: first pod removed ${after.toFixed(0)} s after the load stopped (window ${String(window)} s); ` +
        `replicas over time ${JSON.stringify(trace.changes)}; load: ${String(summary.requests)} requests, ` +
        `${String(summary.failed)} failed, p99 ${String(summary.p99Ms)} ms\n`,
    );
    expect(summary.failed).toBe(0);
    expect(after).toBeGreaterThanOrEqual(window - 2);
    expect(trace.replicas).toBeGreaterThanOrEqual(1);
  }, 420_000);
});
