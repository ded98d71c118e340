import { describe, expect, it } from '@jest/globals';
import type { PetStore, PetStoreSpec } from '../src/api/v1alpha1/petstore.ts';
import { builtinDefaults } from '../src/spec/operator-defaults.ts';
import { maxReplicas, resolveSpec } from '../src/spec/resolved-spec.ts';

const petStore = (spec: PetStoreSpec): PetStore => ({
  apiVersion: 'petstore.example.com/v1alpha1',
  kind: 'PetStore',
  metadata: { name: 'shop', namespace: 'pets', uid: 'uid' },
  spec,
});

describe('resolveSpec', () => {
  it('runs an empty spec as one SQLite pod with the seeds’ resources', () => {
    const spec = resolveSpec(petStore({}), builtinDefaults);
    expect(spec.database.engine).toBe('sqlite');
    expect(spec.replicas).toBe(1);
    expect(spec.resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '1Gi' },
      limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' },
    });
    expect(spec.image).toBe(builtinDefaults.apiImage);
  });

  it.each([
    ['INFO', 'info'],
    ['DEBUG', 'debug'],
    ['WARNING', 'warn'],
    ['CRITICAL', 'fatal'],
    ['error', 'error'],
  ])('hands the API log level %s as %s (the requirements spell levels in upper case)', (given, expected) => {
    expect(resolveSpec(petStore({ config: { logLevel: given as 'INFO' } }), builtinDefaults).logLevel).toBe(expected);
  });

  it('runs two pods by default on PostgreSQL', () => {
    expect(resolveSpec(petStore({ database: { engine: 'rds' } }), builtinDefaults).replicas).toBe(2);
  });

  it('keeps default resource keys the spec leaves out', () => {
    const spec = resolveSpec(petStore({ resources: { limits: { memory: '1Gi' } } }), builtinDefaults);
    expect(spec.resources.limits).toEqual({ cpu: '500m', memory: '1Gi', 'ephemeral-storage': '1Gi' });
  });

  it('turns Multi-AZ on in production unless the spec says otherwise', () => {
    const production = resolveSpec(
      petStore({ config: { environment: 'production' }, database: { engine: 'rds' } }),
      builtinDefaults,
    );
    expect(production.database.rds.multiAZ).toBe(true);
    const optedOut = resolveSpec(
      petStore({ config: { environment: 'production' }, database: { engine: 'rds', rds: { multiAZ: false } } }),
      builtinDefaults,
    );
    expect(optedOut.database.rds.multiAZ).toBe(false);
  });

  it('takes network ranges from the operator when the spec gives none', () => {
    const spec = resolveSpec(petStore({ networkPolicy: { allowedCIDRs: [] } }), builtinDefaults);
    expect(spec.networkPolicy.allowedCIDRs).toEqual(builtinDefaults.allowedCIDRs);
  });

  it('sizes the peak by the autoscaler’s maximum when autoscaling is on', () => {
    const spec = resolveSpec(
      petStore({ database: { engine: 'rds' }, autoscaling: { maxReplicas: 7 } }),
      builtinDefaults,
    );
    expect(maxReplicas(spec)).toBe(7);
  });
});
