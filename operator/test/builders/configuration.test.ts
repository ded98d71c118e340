// What the pods read and run as: ServiceAccount, ConfigMap, Secret, and the scaling objects.
import { describe, expect, it } from '@jest/globals';
import { buildConfigMap } from '../../src/builders/config-map.ts';
import { buildHorizontalPodAutoscaler } from '../../src/builders/horizontal-pod-autoscaler.ts';
import { buildPodDisruptionBudget } from '../../src/builders/pod-disruption-budget.ts';
import { buildSecret } from '../../src/builders/secret.ts';
import { buildServiceAccount } from '../../src/builders/service-account.ts';
import { external, inputs } from './inputs.ts';

const decoded = (data: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

describe('buildServiceAccount', () => {
  it('carries the spec’s annotations and no API token', () => {
    const account = buildServiceAccount(inputs({ serviceAccount: { annotations: { a: 'b' } } }));
    expect(account.metadata?.annotations).toEqual({ a: 'b' });
    expect(account.automountServiceAccountToken).toBe(false);
  });
});

describe('buildConfigMap', () => {
  it('writes the seeds’ variables', () => {
    const data = buildConfigMap(
      inputs({ config: { corsOrigins: ['https://a', 'https://b'], logLevel: 'debug' } }),
    ).data;
    expect(data).toMatchObject({ CORS_ORIGINS: 'https://a,https://b', LOG_LEVEL: 'debug', PORT: '8080' });
  });
});

describe('buildSecret', () => {
  it.each([
    ['SQLite: only the URL', {}, ['DATABASE_URL']],
    [
      'PostgreSQL: the URL and its parts',
      { ...external },
      ['DATABASE_URL', 'DB_PASSWORD', 'DB_USER', 'dbname', 'host', 'password', 'port', 'username'],
    ],
  ] as const)('%s', (_case, spec, keys) => {
    expect(Object.keys(buildSecret(inputs(spec)).data ?? {}).sort()).toEqual(keys);
  });

  it('holds the password from the connection', () => {
    expect(decoded(buildSecret(inputs(external)).data).DB_PASSWORD).toBe('pw-123');
  });
});

describe('buildHorizontalPodAutoscaler', () => {
  it('scales on CPU within the spec’s bounds', () => {
    const hpa = buildHorizontalPodAutoscaler(inputs({ ...external, autoscaling: { minReplicas: 3, maxReplicas: 7 } }));
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 7 });
    expect(hpa.spec.behavior?.scaleUp?.policies).toEqual([{ type: 'Pods', value: 2, periodSeconds: 60 }]);
  });
});

describe('buildPodDisruptionBudget', () => {
  it('lets one pod go at a time, and unready ones always', () => {
    expect(buildPodDisruptionBudget(inputs(external)).spec).toMatchObject({
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });
});
