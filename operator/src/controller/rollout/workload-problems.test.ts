import { describe, expect, it } from '@jest/globals';
import type { V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { podProblem, replicaFailure, workloadProblem } from './workload-problems.ts';

const deploymentWith = (message: string): V1Deployment => ({
  status: {
    conditions: [
      { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
      { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message },
    ],
  },
});

const pod = (name: string, container: Partial<V1ContainerStatus>, extra: Partial<V1Pod> = {}): V1Pod => ({
  metadata: { name },
  status: {
    containerStatuses: [
      { name: 'api', image: 'petstore-api:2.0', imageID: '', ready: false, restartCount: 0, ...container },
    ],
  },
  ...extra,
});

describe('replicaFailure', () => {
  it.each([
    [
      'an exhausted namespace quota names the quota',
      'pods "shop-5d8f-x2" is forbidden: exceeded quota: petstore-quota, requested: limits.cpu=500m, used: limits.cpu=2, limited: limits.cpu=2',
      'QuotaExceeded',
      /ResourceQuota petstore-quota is exhausted.*requested: limits.cpu=500m/,
    ],
    [
      'a missing ServiceAccount names it',
      'pods "shop-5d8f-x2" is forbidden: error looking up service account pets/shop: serviceaccount "shop" not found',
      'ServiceAccountNotFound',
      /ServiceAccount shop does not exist/,
    ],
    [
      'Pod Security admission names the violation',
      'pods "shop-5d8f-x2" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true',
      'PodsForbidden',
      /admission refused them.*runAsNonRoot/,
    ],
    [
      'anything else keeps the API server’s words',
      'Internal error occurred: etcdserver: request timed out',
      'ReplicaFailure',
      /etcdserver/,
    ],
  ])('%s', (_, message, reason, text) => {
    const problem = replicaFailure(deploymentWith(message));
    expect(problem?.reason).toBe(reason);
    expect(problem?.message).toMatch(text);
  });

  it('is nothing while the ReplicaSet creates its pods', () => {
    expect(replicaFailure({ status: { conditions: [{ type: 'Progressing', status: 'True' }] } })).toBeUndefined();
    expect(replicaFailure(undefined)).toBeUndefined();
  });

  it('cuts a very long message so the condition stays readable', () => {
    expect(replicaFailure(deploymentWith(`exceeded quota: q, ${'x'.repeat(5000)}`))!.message.length).toBeLessThan(600);
  });
});

describe('podProblem', () => {
  it('names the image a pod cannot pull and the kubelet’s reason', () => {
    const problem = podProblem([
      pod('shop-5d8f-x2', {
        state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "petstore-api:2.0"' } },
      }),
    ]);
    expect(problem).toEqual({
      reason: 'ImagePullFailed',
      message:
        'pod shop-5d8f-x2 cannot pull image petstore-api:2.0 (ImagePullBackOff): Back-off pulling image "petstore-api:2.0"',
    });
  });

  it('reports a crash loop with restarts and exit code, never the container’s termination message', () => {
    const problem = podProblem([
      pod('shop-5d8f-x2', {
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'DATABASE_URL=postgres://u:secret@db' } },
      }),
    ]);
    expect(problem).toEqual({
      reason: 'CrashLoopBackOff',
      message: 'container api of pod shop-5d8f-x2 keeps crashing: restarted 4 times; last exit code 1 (Error)',
    });
    expect(JSON.stringify(problem)).not.toContain('secret');
  });

  it('reports a container that cannot be configured (a missing Secret key)', () => {
    expect(
      podProblem([
        pod('shop-5d8f-x2', {
          state: {
            waiting: { reason: 'CreateContainerConfigError', message: 'secret "shop-db-credentials" not found' },
          },
        }),
      ]),
    ).toEqual({
      reason: 'ContainerConfigError',
      message:
        'container api of pod shop-5d8f-x2 cannot start (CreateContainerConfigError): secret "shop-db-credentials" not found',
    });
  });

  it('reports a pod no node can take', () => {
    const pending: V1Pod = {
      metadata: { name: 'shop-5d8f-x2' },
      status: {
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available: 3 Insufficient cpu.',
          },
        ],
      },
    };
    expect(podProblem([pending])).toEqual({
      reason: 'Unschedulable',
      message: 'pod shop-5d8f-x2 cannot be scheduled: 0/3 nodes are available: 3 Insufficient cpu.',
    });
  });

  it('puts an image pull before a crash loop of another pod, and ignores pods being deleted', () => {
    const crashing = pod('shop-old-a1', { restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } });
    const pulling = pod('shop-new-b2', { state: { waiting: { reason: 'ErrImagePull' } } });
    const leaving = pod(
      'shop-gone-c3',
      { state: { waiting: { reason: 'InvalidImageName' } } },
      { metadata: { name: 'shop-gone-c3', deletionTimestamp: new Date() } },
    );
    expect(podProblem([leaving, crashing, pulling])?.message).toMatch(/^pod shop-new-b2 cannot pull/);
  });

  it('is nothing for pods that run or are starting', () => {
    expect(
      podProblem([
        pod('a', { ready: true, state: { running: {} } }),
        pod('b', { state: { waiting: { reason: 'ContainerCreating' } } }),
      ]),
    ).toBeUndefined();
  });
});

describe('workloadProblem', () => {
  it('prefers pods that cannot be created over problems of the pods that exist', () => {
    const problem = workloadProblem(deploymentWith('exceeded quota: petstore-quota, requested: pods=1'), [
      pod('shop-old-a1', { state: { waiting: { reason: 'CrashLoopBackOff' } } }),
    ]);
    expect(problem?.reason).toBe('QuotaExceeded');
  });
});
