import { describe, expect, it } from '@jest/globals';
import type { V1Deployment } from '@kubernetes/client-node';
import type { PetStore } from '../src/api/v1alpha1/petstore.ts';
import { builtinDefaults } from '../src/spec/operator-defaults.ts';
import { computeStatus, rolloutState } from '../src/controller/observe.ts';
import { resolveSpec } from '../src/spec/resolved-spec.ts';

const petStore: PetStore = {
  apiVersion: 'petstore.example.com/v1alpha1',
  kind: 'PetStore',
  metadata: { name: 'shop', namespace: 'pets', uid: 'uid', generation: 3 },
  spec: { database: { engine: 'rds' }, ingress: { host: 'shop.example.com', tls: { certificateArn: 'arn' } } },
};
const spec = resolveSpec(petStore, builtinDefaults);
const now = new Date('2026-11-24T00:00:00Z');
const deployment = (status: V1Deployment['status'], generation = 1): V1Deployment => ({
  metadata: { generation },
  spec: { replicas: 2, selector: {}, template: {} },
  status,
});
const available = deployment({
  observedGeneration: 1,
  replicas: 2,
  updatedReplicas: 2,
  readyReplicas: 2,
  availableReplicas: 2,
});
const ready = (status: ReturnType<typeof computeStatus>) => status.conditions?.find((c) => c.type === 'Ready');
const condition = (status: ReturnType<typeof computeStatus>, type: string) =>
  status.conditions?.find((c) => c.type === type);

describe('rolloutState', () => {
  it.each([
    ['no Deployment yet', undefined, false],
    ['a spec the Deployment controller has not observed', deployment({ observedGeneration: 1 }, 2), false],
    [
      'one of two pods updated',
      deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2 }),
      false,
    ],
    [
      'old pods still terminating',
      deployment({ observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2 }),
      false,
    ],
    ['every pod updated and available', available, true],
  ])('calls %s complete: %s', (_name, d, complete) => expect(rolloutState(d).complete).toBe(complete));
});

describe('computeStatus', () => {
  it('is Ready with the URL, replicas and selector when the rollout is complete', () => {
    const status = computeStatus({
      petStore,
      spec,
      database: { ready: true, reason: 'Available', message: '' },
      deployment: available,
      now,
    });
    expect(ready(status)).toMatchObject({ status: 'True', reason: 'Available', observedGeneration: 3 });
    expect(condition(status, 'Reconciling')?.status).toBe('False');
    expect(condition(status, 'Stalled')?.status).toBe('False');
    expect(status).toMatchObject({
      url: 'https://shop.example.com/api/v1',
      replicas: 2,
      readyReplicas: 2,
      replicasSummary: '2/2',
      selector: 'app.kubernetes.io/name=petstore,app.kubernetes.io/instance=shop',
      database: { engine: 'rds', secretName: 'shop-db-credentials' },
    });
  });

  it('shows the database first when it is not ready yet, whatever the Deployment says', () => {
    const status = computeStatus({
      petStore,
      spec,
      database: { ready: false, reason: 'Creating', message: 'RDS instance is creating' },
      deployment: available,
      now,
    });
    expect(ready(status)).toMatchObject({
      status: 'False',
      reason: 'DatabaseCreating',
      message: 'RDS instance is creating',
    });
    expect(condition(status, 'Reconciling')?.status).toBe('True');
  });

  it('is Stalled, not Reconciling, on a permanent problem', () => {
    const status = computeStatus({
      petStore,
      spec,
      problem: { kind: 'permanent', reason: 'InvalidSpec', message: 'bad' },
      now,
    });
    expect(ready(status)?.reason).toBe('InvalidSpec');
    expect(condition(status, 'Stalled')?.status).toBe('True');
    expect(condition(status, 'Reconciling')?.status).toBe('False');
  });

  it('keeps lastTransitionTime of a condition whose status did not change', () => {
    const first = computeStatus({ petStore, spec, deployment: available, now });
    const later = computeStatus({
      petStore: { ...petStore, status: first },
      spec,
      deployment: available,
      now: new Date('2026-11-25T00:00:00Z'),
    });
    expect(ready(later)?.lastTransitionTime).toBe(now.toISOString());
  });

  it('reports an exceeded progress deadline as Degraded and Stalled', () => {
    const stuck = deployment({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 0,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' }],
    });
    const status = computeStatus({ petStore, spec, deployment: stuck, now });
    expect(condition(status, 'Degraded')?.status).toBe('True');
    expect(condition(status, 'Stalled')?.status).toBe('True');
  });

  it('names the quota that refuses the pods instead of only counting updated pods', () => {
    const refused = deployment({
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 0,
      availableReplicas: 1,
      conditions: [
        {
          type: 'ReplicaFailure',
          status: 'True',
          reason: 'FailedCreate',
          message:
            'pods "shop-7d9c8b5f4-abcde" is forbidden: exceeded quota: petstore-quota, requested: limits.memory=512Mi, used: limits.memory=1Gi, limited: limits.memory=1Gi',
        },
      ],
    });
    const status = computeStatus({
      petStore,
      spec,
      database: { ready: true, reason: 'Available', message: '' },
      deployment: refused,
      now,
    });
    expect(ready(status)).toMatchObject({ status: 'False', reason: 'QuotaExceeded' });
    expect(ready(status)?.message).toMatch(/^pods cannot be created: ResourceQuota petstore-quota is exhausted/);
    expect(ready(status)?.message).toContain('requested: limits.memory=512Mi');
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'True', reason: 'QuotaExceeded' });
    expect(condition(status, 'Stalled')?.status).toBe('False');
  });

  it('names what keeps the new pods from running during a rollout, before its timeout', () => {
    const rolling = deployment({ replicas: 2, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
    const pods = {
      reason: 'ImagePullFailed' as const,
      message: 'pod shop-7d9c8b5f4-abcde cannot pull image registry.example.com/api:2 (ImagePullBackOff)',
    };
    const status = computeStatus({
      petStore,
      spec,
      database: { ready: true, reason: 'Available', message: '' },
      deployment: rolling,
      pods,
      now,
    });
    expect(ready(status)).toMatchObject({ status: 'False', reason: 'ImagePullFailed', message: pods.message });
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'True', reason: 'ImagePullFailed' });
    expect(condition(status, 'Stalled')?.status).toBe('False');
    // Once the rollout is complete, a stale observation of the pods no longer matters.
    const done = computeStatus({
      petStore,
      spec,
      database: { ready: true, reason: 'Available', message: '' },
      deployment: available,
      pods,
      now,
    });
    expect(ready(done)).toMatchObject({ status: 'True', reason: 'Available' });
  });
});

describe('computeStatus after automatic rollback (controller/rollout)', () => {
  const database = { ready: true, reason: 'Available', message: '' };
  const release = { image: 'api:1', configChecksum: 'c1', generation: 2 };
  it('is Ready on the last healthy release, Degraded and Stalled with reason RolledBack, and records both releases', () => {
    const status = computeStatus({
      petStore,
      spec,
      database,
      deployment: available,
      release: {
        action: 'rollback',
        release,
        reason: 'RolledBack',
        message: 'release api:2 failed (ImagePullFailed): …; rolled back to api:1',
        status: {
          current: { image: 'api:2', configChecksum: 'c1', generation: 3 },
          lastHealthy: release,
          rolledBack: { image: 'api:2', generation: 3, reason: 'ImagePullFailed', message: 'm', at: now.toISOString() },
        },
      },
      now,
    });
    expect(ready(status)).toMatchObject({ status: 'True', reason: 'RolledBack' });
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'True', reason: 'RolledBack' });
    expect(condition(status, 'Stalled')).toMatchObject({ status: 'True', reason: 'RolledBack' });
    expect(status.release).toMatchObject({ lastHealthy: { image: 'api:1' }, rolledBack: { image: 'api:2' } });
  });

  it('is not Ready, reason RolloutFailed, when the failed release is held (rollback off or nothing to go back to)', () => {
    const status = computeStatus({
      petStore,
      spec,
      database,
      deployment: available,
      release: {
        action: 'hold',
        reason: 'RolloutFailed',
        message: 'release api:2 failed (CrashLoopBackOff): …; automatic rollback is off',
        status: { current: { image: 'api:2', configChecksum: 'c1' } },
      },
      now,
    });
    expect(ready(status)).toMatchObject({ status: 'False', reason: 'RolloutFailed' });
    expect(condition(status, 'Stalled')?.status).toBe('True');
  });
});
