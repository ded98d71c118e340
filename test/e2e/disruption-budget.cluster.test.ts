// The PodDisruptionBudget under a real drain (issue 16, item 4): `kubectl drain` of the real node, limited to one
// PetStore's pods, evicts one of its two pods and is then refused: the budget keeps one pod serving while the evicted
// one's replacement cannot start (its only node is cordoned). The PetStore keeps answering throughout, and after
// `kubectl uncordon` it is back to two pods. The drain is limited with --pod-selector so the node's other pods
// (cluster DNS, metrics-server, other tests' pods) stay where they are; the node is cordoned only while it runs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandError } from '../cluster/processes.ts';
import { kubectl, podSecurity, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { realNodeNetwork } from '../cluster/node-config.ts';
import { deploymentState, loadTestSpec, rolledOut, startExternalStore, type ExternalStore } from './external-store.ts';
import { LoadPod } from './load-pod.ts';

const namespace = useNamespace({ realNode: true, labels: podSecurity('restricted') });
let store: ExternalStore;

beforeAll(async () => {
  store = await startExternalStore(namespace.name, 'shop');
  await store.apply({ ...loadTestSpec, replicas: 2, config: { environment: 'staging' } });
  await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'petstore/shop', '--timeout=300s']);
  await waitFor(
    async () => rolledOut(await deploymentState(namespace.name, 'shop')) || undefined,
    120_000,
    'two available pods',
  );
}, 480_000);

afterAll(async () => {
  await kubectl(['uncordon', realNodeNetwork.nodeName]).catch(() => undefined);
  await store.stop();
}, 120_000);

describe('a node drain against the PetStore', () => {
  it('evicts one pod, is refused the second by the disruption budget, and the PetStore keeps serving', async () => {
    const budget = JSON.parse(
      await kubectl(['-n', namespace.name, 'get', 'poddisruptionbudget', 'shop', '-o', 'json']),
    ) as { status: { disruptionsAllowed: number; currentHealthy: number } };
    expect(budget.status).toMatchObject({ disruptionsAllowed: 1, currentHealthy: 2 });
    const base = `http://shop.${namespace.name}.svc.cluster.local/api/v1`;
    const load = await LoadPod.start(namespace.name, 'load', {
      urls: [`${base}/pets?status=available`],
      concurrency: 2,
      pauseMs: 20,
    });

    /** The PetStore's pods as `<state>` words: serving, terminating or pending. */
    const podStates = async (): Promise<string[]> =>
      (
        JSON.parse(
          await kubectl([
            '-n',
            namespace.name,
            'get',
            'pods',
            '-l',
            'app.kubernetes.io/instance=shop,!batch.kubernetes.io/job-name',
            '-o',
            'json',
          ]),
        ) as { items: { metadata: { deletionTimestamp?: string }; status: { phase: string } }[] }
      ).items
        .map((pod) =>
          pod.metadata.deletionTimestamp ? 'terminating' : pod.status.phase === 'Running' ? 'serving' : 'pending',
        )
        .sort();
    const before = await podStates();

    let drain: unknown;
    try {
      drain = await kubectl([
        'drain',
        realNodeNetwork.nodeName,
        '--pod-selector=app.kubernetes.io/instance=shop,!batch.kubernetes.io/job-name',
        '--delete-emptydir-data',
        '--timeout=30s',
      ]);
    } catch (error) {
      drain = error;
    }
    const during = await podStates();
    await kubectl(['uncordon', realNodeNetwork.nodeName]);
    process.stdout.write(
      `drain: pods before ${JSON.stringify(before)}, after the refused drain ${JSON.stringify(during)}\n`,
    );
    expect(drain).toBeInstanceOf(CommandError);
    expect((drain as CommandError).stderr).toContain(
      "Cannot evict pod as it would violate the pod's disruption budget",
    );
    // One pod was evicted (it may still be draining; its replacement waits for a node), the other kept serving.
    expect(before).toEqual(['serving', 'serving']);
    expect(during.filter((state) => state !== 'terminating')).toEqual(['pending', 'serving']);
    const summary = await load.stop();
    process.stdout.write(`drain against the budget: ${JSON.stringify(summary)}\n`);
    expect(summary.succeeded).toBeGreaterThan(0);
    expect({ failed: summary.failed, failures: summary.failures }).toEqual({ failed: 0, failures: {} });

    // Uncordoned, the evicted pod's replacement starts and the PetStore is back to two pods.
    await waitFor(
      async () => rolledOut(await deploymentState(namespace.name, 'shop')) || undefined,
      180_000,
      'two available pods again',
    );
  }, 420_000);
});
