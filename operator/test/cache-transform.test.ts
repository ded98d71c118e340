// What the informer caches keep of each child (petstore-controller.ts cacheTransform): everything a reconcile reads,
// nothing it does not. The reconcile cluster tests run on caches transformed the same way (operator/test/workflow-pass.ts).
import { describe, expect, it } from '@jest/globals';
import { buildApiKeysSecret } from '../src/builders/api-keys.ts';
import { buildSecret } from '../src/builders/secret.ts';
import { buildService } from '../src/builders/service.ts';
import { kinds } from '../src/k8s/kinds.ts';
import { watchSpecOf } from '../src/petstore-controller.ts';
import { prepareForCache } from '../src/runtime/store.ts';
import type { KubeObject } from '../src/runtime/types.ts';
import { builtinDefaults } from '../src/spec/operator-defaults.ts';
import { resolveSpec } from '../src/spec/resolved-spec.ts';
import { sqliteConnection } from '../src/spec/database-connection.ts';
import type { PetStore } from '../src/api/v1alpha1/petstore.ts';

const petStore: PetStore = {
  apiVersion: 'petstore.example.com/v1alpha1',
  kind: 'PetStore',
  metadata: { name: 'shop', namespace: 'pets', uid: '6f1c1a44-0000-4000-8000-000000000001' },
  spec: {},
};
const inputs = {
  petStore,
  spec: resolveSpec(petStore, builtinDefaults),
  connection: sqliteConnection,
  generatedApiKey: 'a-generated-key',
};
const cached = <T extends KubeObject>(object: T): T =>
  prepareForCache(structuredClone(object), watchSpecOf(kinds[object.kind as keyof typeof kinds]).transform);
const withStatus = <T extends KubeObject>(object: T, status: unknown) => ({ ...object, status });
/** The controller reference every child the operator makes carries. */
const ownerReferences = [
  {
    apiVersion: 'petstore.example.com/v1alpha1',
    kind: 'PetStore',
    name: 'shop',
    uid: petStore.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  },
];

describe('what the caches keep of a child', () => {
  it('the status of the Deployment and the migration Job, which the reconcile judges', () => {
    for (const kind of ['Deployment', 'Job'] as const) {
      const object = {
        apiVersion: 'v1',
        kind,
        metadata: { name: 'shop', namespace: 'pets', ownerReferences },
        status: { replicas: 1 },
      };
      expect(cached(object).status).toEqual({ replicas: 1 });
    }
  });

  it('no status of the other children, which nothing reads', () => {
    const service = buildService(inputs);
    expect(cached(withStatus(service, { loadBalancer: {} }))).toEqual(service);
    for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'ResourceQuota'] as const) {
      const object = {
        apiVersion: 'v1',
        kind,
        metadata: { name: 'shop', namespace: 'pets', ownerReferences },
        status: { x: 1 },
      };
      expect(cached(object)).not.toHaveProperty('status');
    }
  });

  it('the credentials Secret whole (drift is repaired), and of the API keys Secret only its metadata', () => {
    const credentials = buildSecret(inputs);
    expect(cached(credentials)).toEqual(credentials);
    const apiKeys = buildApiKeysSecret(inputs);
    expect(cached(apiKeys)).toEqual({ ...apiKeys, data: undefined });
    expect(JSON.stringify(cached(apiKeys))).not.toContain(Buffer.from('a-generated-key').toString('base64'));
  });

  it('the PetStore itself whole, as objects: every reconcile lists its namespace’s PetStores', () => {
    expect(watchSpecOf(kinds.PetStore)).toEqual(kinds.PetStore);
    expect(watchSpecOf(kinds.Deployment).representation).toBe('json-delta');
  });

  it('attacker: of an object labelled as the operator’s that no PetStore controls, only a stub (issue 13, item 7)', () => {
    const bulk = 'x'.repeat(512 * 1024);
    const lure = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'shop-config',
        namespace: 'pets',
        uid: 'u-1',
        resourceVersion: '7',
        labels: { 'app.kubernetes.io/managed-by': 'petstore-operator', big: 'y'.repeat(63) },
        annotations: { filler: bulk },
      },
      data: { filler: bulk },
    };
    expect(cached(lure)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'shop-config', namespace: 'pets', uid: 'u-1', resourceVersion: '7' },
    });
    // Another controller's object keeps that controller, so the name conflict can name it.
    const foreign = {
      ...lure,
      metadata: {
        ...lure.metadata,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'other', uid: 'u-2', controller: true }],
      },
    };
    expect(cached(foreign).metadata.ownerReferences).toEqual(foreign.metadata.ownerReferences);
    expect(JSON.stringify(cached(foreign)).length).toBeLessThan(400);
    // A PetStore's own child is kept whole.
    const own = { ...lure, metadata: { ...lure.metadata, ownerReferences } };
    expect(cached(own).data).toEqual({ filler: bulk });
  });
});
