import { afterEach, describe, expect, it } from '@jest/globals';
import { LeaderElectionLostError } from './errors.ts';
import { parseConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { Manager } from './manager.ts';
import { startCandidate, type CandidateProcess } from './test/candidate-process.ts';
import * as fixtures from '../../../test/cluster/fixtures.ts';
import { useTestCluster } from './test/cluster-env.ts';
import { CONFIG_MAPS, apply, configMap, eventually } from './test/objects.ts';

const cluster = useTestCluster(fixtures);
const candidates: CandidateProcess[] = [];

afterEach(async () => {
  for (const candidate of candidates.splice(0)) {
    candidate.child.kill('SIGKILL');
    await candidate.exited;
  }
});

/** Default timings (15 s / 10 s / 2 s): the test shows the defaults, not a tuned copy. */
function candidate(identity: string, lease: string): CandidateProcess {
  const started = startCandidate(cluster.kubeconfigPath, identity, [
    `--leader-election-namespace=${cluster.namespace}`,
    `--leader-election-id=${lease}`,
    `--namespaces=${cluster.namespace}`,
    '--metrics-bind-address=0',
    '--health-probe-bind-address=0',
  ]);
  candidates.push(started);
  return started;
}

async function holder(lease: string): Promise<{ holderIdentity?: string; leaseTransitions?: number }> {
  const out = await cluster.kubectl(['get', 'lease', lease, '-n', cluster.namespace, '-o', 'jsonpath={.spec}']);
  return JSON.parse(out) as { holderIdentity?: string; leaseTransitions?: number };
}

async function leads(process: CandidateProcess, timeoutMs = 30_000): Promise<void> {
  await eventually(
    `${process.identity} to lead\n${process.output()}`,
    () => process.logged('acquired leader lease'),
    timeoutMs,
  );
}

describe('leader election between operator processes', () => {
  it('lets one of two processes lead and reconcile; stopping it releases the lease and the other takes over at once', async () => {
    await apply(cluster, configMap('watched-1', { test: 'lease' }));
    await apply(cluster, configMap('watched-2', { test: 'lease' }));
    const a = candidate('a', 'release');
    await leads(a);
    const b = candidate('b', 'release');
    await eventually('b to stand by', () => b.logged('lease held by another replica; standing by'), 30_000);
    await eventually('a to reconcile both objects', () => a.reconciles() >= 2);
    expect(b.reconciles()).toBe(0);
    expect((await holder('release')).holderIdentity).toBe('a');

    const stoppedAt = performance.now();
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(a.logged('released leader lease')).toBe(true);
    await leads(b);
    const handOverMs = performance.now() - stoppedAt;

    // Without the release b would wait out the 15 s lease duration; with it, one retry period (2 s × up to 2.2).
    expect(handOverMs).toBeLessThan(10_000);
    await eventually('b to reconcile both objects', () => b.reconciles() >= 2);
    expect(await holder('release')).toEqual(expect.objectContaining({ holderIdentity: 'b', leaseTransitions: 1 }));
  }, 60_000);

  it('replaces a leader killed without releasing within the lease duration, and never before its renew deadline', async () => {
    const a = candidate('a', 'crash');
    await leads(a);
    const b = candidate('b', 'crash');
    await eventually('b to stand by', () => b.logged('lease held by another replica; standing by'), 30_000);

    const killedAt = performance.now();
    a.child.kill('SIGKILL');
    await a.exited;
    await leads(b, 40_000);
    const handOverMs = performance.now() - killedAt;

    // b polls every 2–4.4 s and counts 15 s from the moment it noticed the last renewal, i.e. from between 4.4 s
    // before and 4.4 s after the kill; it takes over at its first poll after that. So: never within the 10 s renew
    // deadline a live leader would still have had, and at most 15 s + two jittered retry periods (client-go's bound).
    expect(handOverMs).toBeGreaterThan(10_000);
    expect(handOverMs).toBeLessThan(15_000 + 2 * 4_400 + 1_000);
    expect((await holder('crash')).holderIdentity).toBe('b');
  }, 90_000);
});

describe('a leader that loses its lease', () => {
  it('aborts its in-flight reconciles at once and start() rejects with LeaderElectionLostError', async () => {
    await apply(cluster, configMap('slow', { test: 'lost' }));
    const config = parseConfig(
      [
        `--leader-election-namespace=${cluster.namespace}`,
        '--leader-election-id=lost',
        `--namespaces=${cluster.namespace}`,
        '--metrics-bind-address=0',
        '--health-probe-bind-address=0',
      ],
      {},
    );
    const manager = new Manager({
      kubeConfig: cluster.kubeConfig(),
      config,
      log: createLogger({ level: 'silent' }),
      identity: 'victim',
    });
    let aborted = false;
    let started = false;
    manager.addController({
      name: 'lost',
      primary: { ...CONFIG_MAPS, labelSelector: 'test=lost' },
      reconcile: async (_request, { signal }) => {
        started = true;
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        aborted = true;
        return undefined;
      },
    });
    const running = manager.start();
    await eventually('the reconcile to start', () => started);
    expect(manager.isLeader()).toBe(true);

    // Another process takes the lease over (as if this one had been partitioned away long enough).
    const lease = JSON.parse(
      await cluster.kubectl(['get', 'lease', 'lost', '-n', cluster.namespace, '-o', 'json']),
    ) as {
      spec: Record<string, unknown>;
    };
    lease.spec.holderIdentity = 'usurper';
    lease.spec.renewTime = new Date().toISOString().replace('Z', '000Z');
    const takenAt = performance.now();
    await cluster.kubectl(['replace', '-f', '-'], JSON.stringify(lease));

    await expect(running).rejects.toBeInstanceOf(LeaderElectionLostError);
    expect(aborted).toBe(true);
    expect(manager.isLeader()).toBe(false);
    // Noticed at the next renewal, one retry period (2 s) later: well inside the renew deadline.
    expect(performance.now() - takenAt).toBeLessThan(10_000);
  });
});
