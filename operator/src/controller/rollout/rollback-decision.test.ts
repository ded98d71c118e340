import { describe, expect, it } from '@jest/globals';
import type { V1Deployment, V1DeploymentCondition, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { configChecksumAnnotation } from '../../builders/deployment.ts';
import { decideRollback, type ReleaseStatus, type RollbackInputs } from './rollback-decision.ts';

const t0 = new Date('2026-11-30T10:00:00Z');
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);
const checksum = 'sha256:aaaa';
const v1 = { image: 'petstore-api:1.0', configChecksum: checksum };
const v2 = { image: 'petstore-api:2.0', configChecksum: checksum };

const template = (release: { image: string; configChecksum: string }) => ({
  metadata: { annotations: { [configChecksumAnnotation]: release.configChecksum } },
  spec: { containers: [{ name: 'api', image: release.image }] },
});

function deployment(
  release: { image: string; configChecksum: string },
  status: { updated?: number; available?: number; total?: number; conditions?: V1DeploymentCondition[] } = {},
): V1Deployment {
  return {
    metadata: { name: 'shop', generation: 4 },
    spec: { replicas: 2, selector: {}, template: template(release) },
    status: {
      observedGeneration: 4,
      replicas: status.total ?? 2,
      updatedReplicas: status.updated ?? 2,
      availableReplicas: status.available ?? 2,
      readyReplicas: status.available ?? 2,
      conditions: status.conditions ?? [],
    },
  };
}

const replicaSet = (release: { image: string; configChecksum: string }): V1ReplicaSet => ({
  metadata: { name: `shop-${release.image.replace(/\W/g, '')}` },
  spec: { selector: {}, template: template(release) },
});

const crashLooping: V1Pod = {
  metadata: { name: 'shop-v2-abcde' },
  status: {
    containerStatuses: [
      {
        name: 'api',
        image: v2.image,
        imageID: '',
        ready: false,
        restartCount: 5,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      },
    ],
  },
};

const healthyV1: ReleaseStatus = {
  current: { ...v1, generation: 3, since: minutes(-60).toISOString() },
  lastHealthy: { ...v1, generation: 3, since: minutes(-60).toISOString() },
};
const rollingV2: ReleaseStatus = { ...healthyV1, current: { ...v2, generation: 4, since: t0.toISOString() } };

function inputs(overrides: Partial<RollbackInputs>): RollbackInputs {
  return {
    generation: 4,
    desired: v2,
    rollout: { timeoutSeconds: 300, automaticRollback: true },
    previous: rollingV2,
    deployment: deployment(v2, { updated: 1, available: 0, total: 3 }),
    replicaSets: [replicaSet(v1), replicaSet(v2)],
    pods: [crashLooping],
    now: minutes(2),
    ...overrides,
  };
}

describe('decideRollback', () => {
  it('starts the clock of a new release when the Deployment first runs it', () => {
    const decision = decideRollback(inputs({ previous: healthyV1, now: t0 }));
    expect(decision).toEqual({
      action: 'keep',
      status: { current: { ...v2, generation: 4, since: t0.toISOString() }, lastHealthy: healthyV1.lastHealthy },
    });
  });

  it('does not start the clock while the Deployment still runs the old template (a migration holds it)', () => {
    const decision = decideRollback(inputs({ previous: healthyV1, deployment: deployment(v1), now: t0 }));
    expect(decision.action).toBe('keep');
    expect(decision.status.current).toEqual({ ...v2, generation: 4 });
  });

  it('keeps a failing release until the timeout has passed', () => {
    expect(decideRollback(inputs({ now: minutes(4.9) })).action).toBe('keep');
  });

  it('rolls a crash-looping release back to the last healthy one after the timeout, once, with an event', () => {
    const decision = decideRollback(inputs({ now: minutes(5) }));
    expect(decision.action).toBe('rollback');
    if (decision.action !== 'rollback') return;
    expect(decision.release).toEqual(healthyV1.lastHealthy);
    expect(decision.reason).toBe('RolledBack');
    expect(decision.message).toBe(
      'release petstore-api:2.0 failed (CrashLoopBackOff): not healthy 5m after it started: container api of pod ' +
        'shop-v2-abcde keeps crashing: restarted 5 times; last exit code 1 (Error); rolled back to petstore-api:1.0, ' +
        'the last healthy release; change the spec to roll forward',
    );
    expect(decision.event).toBe(decision.message);
    expect(decision.status.rolledBack).toMatchObject({
      image: 'petstore-api:2.0',
      generation: 4,
      reason: 'CrashLoopBackOff',
      at: minutes(5).toISOString(),
    });
  });

  it('rolls back at once when the Deployment reports ProgressDeadlineExceeded', () => {
    const stuck = deployment(v2, {
      updated: 1,
      available: 0,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "shop-v2" has timed out progressing.',
        },
      ],
    });
    const decision = decideRollback(inputs({ deployment: stuck, pods: [], now: minutes(1) }));
    expect(decision.action).toBe('rollback');
    expect(decision.action === 'rollback' && decision.status.rolledBack?.reason).toBe('ProgressDeadlineExceeded');
  });

  it('ignores a progress deadline the Deployment controller reported before it saw the new template', () => {
    const stale = deployment(v2, {
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    });
    stale.status!.observedGeneration = 3;
    expect(decideRollback(inputs({ deployment: stale, now: minutes(1) })).action).toBe('keep');
  });

  it('does not loop: the rolled-back generation stays on the last healthy release, without a new event', () => {
    const first = decideRollback(inputs({ now: minutes(5) }));
    if (first.action !== 'rollback') throw new Error('expected a rollback');
    // The Deployment now runs v1 again and is healthy.
    const later = decideRollback(inputs({ previous: first.status, deployment: deployment(v1), now: minutes(30) }));
    expect(later.action).toBe('rollback');
    expect(later.status).toEqual(first.status);
    expect(later.action === 'rollback' && later.event).toBeUndefined();
  });

  it('rolls forward when the spec changes again (a new generation)', () => {
    const first = decideRollback(inputs({ now: minutes(5) }));
    const v3 = { image: 'petstore-api:2.1', configChecksum: checksum };
    const next = decideRollback(
      inputs({ generation: 5, desired: v3, previous: first.status, deployment: deployment(v1), now: minutes(31) }),
    );
    expect(next).toEqual({
      action: 'keep',
      status: { current: { ...v3, generation: 5 }, lastHealthy: healthyV1.lastHealthy },
    });
  });

  it('records a release that became healthy as the last healthy one', () => {
    const decision = decideRollback(inputs({ deployment: deployment(v2), now: minutes(3) }));
    expect(decision).toEqual({
      action: 'keep',
      status: { current: rollingV2.current, lastHealthy: rollingV2.current },
    });
  });

  it.each([
    [
      'automatic rollback is off',
      { rollout: { timeoutSeconds: 300, automaticRollback: false } },
      /automatic rollback is off/,
    ],
    [
      'no release was ever healthy',
      { previous: { current: rollingV2.current } },
      /no earlier release of this PetStore became healthy/,
    ],
    [
      'the release changed configuration, which the old template cannot bring back',
      { desired: { image: v2.image, configChecksum: 'sha256:bbbb' } },
      /changed configuration or credentials/,
    ],
    [
      'the last healthy release is not among the ReplicaSets (a forged or stale status)',
      { replicaSets: [replicaSet(v2)] },
      /no longer among the Deployment's ReplicaSets/,
    ],
  ] as const)('holds the failed release, and says so, when %s', (_, overrides, message) => {
    const base = inputs({ now: minutes(6) });
    const desired = 'desired' in overrides ? overrides.desired : base.desired;
    const decision = decideRollback({
      ...base,
      ...overrides,
      deployment: deployment(desired, { updated: 1, available: 0, total: 3 }),
      previous:
        'previous' in overrides
          ? overrides.previous
          : { ...rollingV2, current: { ...desired, generation: 4, since: t0.toISOString() } },
    });
    expect(decision.action).toBe('hold');
    if (decision.action !== 'hold') return;
    expect(decision.reason).toBe('RolloutFailed');
    expect(decision.message).toMatch(/^release petstore-api:2.0 failed \(CrashLoopBackOff\)/);
    expect(decision.message).toMatch(message);
  });

  it('names the slowest step when nothing is visibly wrong but the release is not healthy in time', () => {
    const decision = decideRollback(inputs({ pods: [], now: minutes(10) }));
    expect(decision.action === 'rollback' && decision.status.rolledBack?.reason).toBe('Timeout');
    expect(decision.action === 'rollback' && decision.message).toMatch(
      /not healthy 5m after it started: 1 of 2 pods updated/,
    );
  });
});
