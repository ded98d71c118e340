// The Deployment, the migration Job, their shared pod spec and the autoscaler, for the cases that change them.
import { describe, expect, it } from '@jest/globals';
import {
  buildDeployment,
  configChecksumAnnotation,
  deploymentReplicas,
  replicaHandOver,
} from '../../src/builders/deployment.ts';
import { buildHorizontalPodAutoscaler } from '../../src/builders/horizontal-pod-autoscaler.ts';
import { buildMigrationJob, migrationJobName } from '../../src/builders/migration-job.ts';
import { postgresConnection } from '../../src/spec/database-connection.ts';
import { external, inputs, postgres } from './inputs.ts';

const restricted = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  capabilities: { drop: ['ALL'] },
};

describe('buildDeployment', () => {
  it.each([
    ['SQLite: one pod, replaced (never two databases), a data volume', {}, 1, 'Recreate', ['tmp', 'data', 'api-keys']],
    ['PostgreSQL: two pods by default, rolling', { ...external }, 2, 'RollingUpdate', ['tmp', 'api-keys']],
    ['one replica asked for', { ...external, replicas: 1 }, 1, 'RollingUpdate', ['tmp', 'api-keys']],
    [
      'under an autoscaler: starts at its minReplicas',
      { ...external, autoscaling: { minReplicas: 3 } },
      3,
      'RollingUpdate',
      ['tmp', 'api-keys'],
    ],
  ] as const)('%s', (_case, spec, replicas, strategy, volumes) => {
    const deployment = buildDeployment(inputs(spec));
    expect(deployment.spec?.replicas).toBe(replicas);
    expect(deployment.spec?.strategy?.type).toBe(strategy);
    expect(deployment.spec?.template.spec?.volumes?.map((v) => v.name)).toEqual(volumes);
  });

  it('meets the restricted Pod Security Standard', () => {
    const pod = buildDeployment(inputs({})).spec?.template.spec;
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod?.containers[0]?.securityContext).toEqual(restricted);
    expect(pod?.automountServiceAccountToken).toBe(false);
  });

  it('rolls the pods when the credentials change (a new config checksum), and only then', () => {
    const checksum = (url: string) =>
      buildDeployment({ ...inputs(external), connection: postgresConnection(url) }).spec?.template.metadata
        ?.annotations?.[configChecksumAnnotation];
    expect(checksum('postgres://a:one@db/x')).toBe(checksum('postgres://a:one@db/x'));
    expect(checksum('postgres://a:one@db/x')).not.toBe(checksum('postgres://a:two@db/x'));
  });

  it('runs the image it is given (the workflow passes the one the migration released)', () => {
    const given = inputs({ ...external, image: 'api:2' });
    expect(buildDeployment(given).spec?.template.spec?.containers[0]?.image).toBe('api:2');
  });
});

describe('deploymentReplicas: the count the operator sets, given the running one', () => {
  it.each([
    ['a new Deployment, no autoscaler, no count in the spec: the default', { ...external }, undefined, 2],
    ['the spec says 3: 3, whatever runs', { ...external, replicas: 3 }, 5, 3],
    ['no count in the spec: the running count stays (autoscaling was just turned off)', { ...external }, 5, 5],
    ['SQLite: always 1', {}, 3, 1],
    [
      'a new Deployment under an autoscaler: its minReplicas',
      { ...external, autoscaling: { minReplicas: 4 } },
      undefined,
      4,
    ],
    ['a running Deployment under an autoscaler: left to it', { ...external, autoscaling: {} }, 5, undefined],
  ] as const)('%s', (_case, spec, live, expected) => {
    expect(deploymentReplicas(inputs(spec).spec, live)).toBe(expected);
  });
});

describe('replicaHandOver: what holds the count while the autoscaler takes it', () => {
  const desired = (spec: object) => buildDeployment(inputs(spec));
  it('holds the running count when the operator stops setting replicas under an autoscaler', () => {
    const spec = { ...external, autoscaling: {} };
    const live = { ...desired(spec), spec: { ...desired(spec).spec!, replicas: 5 } };
    expect(replicaHandOver(inputs(spec).spec, desired(spec), live)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shop', namespace: 'pets' },
      spec: { replicas: 5 },
    });
  });

  it('holds the starting count of a new Deployment under an autoscaler', () => {
    const spec = { ...external, autoscaling: { minReplicas: 3 } };
    expect(replicaHandOver(inputs(spec).spec, desired(spec), undefined)?.spec).toEqual({ replicas: 3 });
  });

  it('holds nothing without an autoscaler', () => {
    expect(replicaHandOver(inputs(external).spec, desired(external), undefined)).toBeUndefined();
  });
});

describe('buildMigrationJob', () => {
  it('runs the migrations once per image, under the same pod rules as the API', () => {
    const job = buildMigrationJob(inputs({ ...external, image: 'api:2' }));
    const pod = job.spec?.template.spec;
    expect(job.metadata?.name).toBe(migrationJobName(inputs(external).petStore, 'api:2', postgres));
    expect(pod?.restartPolicy).toBe('Never');
    // Bounded retries of a transient failure (10 + 20 + 40 + 80 s of backoff), within 15 minutes in all.
    expect(job.spec).toMatchObject({ backoffLimit: 4, activeDeadlineSeconds: 900 });
    expect(pod?.containers[0]?.command).toEqual(['node', 'dist/migrate.js']);
    expect(pod?.containers[0]?.securityContext).toEqual(restricted);
    expect(pod?.containers[0]?.envFrom).toEqual(buildDeploymentEnv());
    expect(pod?.volumes?.map((v) => v.name)).toEqual(['tmp']);
  });

  it('is a new Job for a new image or another database, the same Job for the same pair', () => {
    const { petStore } = inputs(external);
    const other = postgresConnection('postgres://app:pw-123@db-2.internal:5432/pets');
    const rotated = postgresConnection('postgres://app:new-password@db.internal:5432/pets');
    expect(migrationJobName(petStore, 'api:1', postgres)).toBe(migrationJobName(petStore, 'api:1', postgres));
    expect(migrationJobName(petStore, 'api:1', postgres)).not.toBe(migrationJobName(petStore, 'api:2', postgres));
    expect(migrationJobName(petStore, 'api:1', postgres)).not.toBe(migrationJobName(petStore, 'api:1', other));
    // A rotated password is the same database: no new migration.
    expect(migrationJobName(petStore, 'api:1', postgres)).toBe(migrationJobName(petStore, 'api:1', rotated));
  });
});

function buildDeploymentEnv() {
  return buildDeployment(inputs(external)).spec?.template.spec?.containers[0]?.envFrom;
}

describe('buildHorizontalPodAutoscaler', () => {
  it.each([
    ['the seeds: up 2 pods a minute, down 1 pod per 5 minutes after 5 minutes of low load', {}, 300],
    ['a shorter scale-down window asked for', { scaleDownStabilizationWindowSeconds: 60 }, 60],
  ] as const)('%s', (_case, autoscaling, window) => {
    const behavior = buildHorizontalPodAutoscaler(inputs({ ...external, autoscaling })).spec.behavior;
    expect(behavior?.scaleUp).toEqual({
      stabilizationWindowSeconds: 60,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }],
    });
    expect(behavior?.scaleDown).toEqual({
      stabilizationWindowSeconds: window,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }],
    });
  });
});
