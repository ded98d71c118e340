// The ServiceMonitor and PrometheusRule the builders make are valid against the real monitoring.coreos.com CRD schemas
// (generated from prometheus-operator's API module) and lose no field to pruning: the API server keeps every field.
// The CRDs are installed under a group of this test's own, so the rest of the cluster does not see them.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubernetesObject } from '@kubernetes/client-node';
import { kubectl, useNamespace } from '../../../test/cluster/fixtures.ts';
import { monitoringCrd } from '../../../test/monitoring/monitoring-crds.ts';
import type { PetStore } from '../../src/api/v1alpha1/petstore.ts';
import { buildPrometheusRule } from '../../src/builders/monitoring/prometheus-rule.ts';
import { buildServiceMonitor } from '../../src/builders/monitoring/service-monitor.ts';
import { builtinDefaults } from '../../src/spec/operator-defaults.ts';
import { resolveSpec } from '../../src/spec/resolved-spec.ts';
import { sqliteConnection } from '../../src/spec/database-connection.ts';

const namespace = useNamespace();
const group = `monitoring-${randomBytes(3).toString('hex')}.petstore-test.example.com`;

beforeAll(async () => {
  for (const plural of ['servicemonitors', 'prometheusrules']) {
    await kubectl(['apply', '--server-side', '-f', '-'], { input: monitoringCrd(plural, group) });
    await kubectl(['wait', '--for=condition=Established', '--timeout=60s', `crd/${plural}.${group}`]);
  }
}, 600_000);
afterAll(async () => {
  await kubectl(['delete', '--ignore-not-found', `crd/servicemonitors.${group}`, `crd/prometheusrules.${group}`]);
});

function petStore(): PetStore {
  return {
    apiVersion: 'petstore.example.com/v1alpha1',
    kind: 'PetStore',
    metadata: { name: 'shop', namespace: namespace.name, uid: 'uid-shop' },
    spec: { monitoring: { alerts: { errorRatePercent: 2.5 } } },
  };
}

/** The object as the API server would store it (server-side dry run): schema-validated, unknown fields pruned. */
async function dryRun(object: KubernetesObject & { spec: unknown }): Promise<{ spec: unknown }> {
  const moved = {
    ...object,
    apiVersion: `${group}/v1`,
    // No owner: the dry run needs no PetStore.
    metadata: { ...object.metadata, ownerReferences: undefined },
  };
  const out = await kubectl(['apply', '--server-side', '--dry-run=server', '-o', 'json', '-f', '-'], {
    input: JSON.stringify(moved),
  });
  return JSON.parse(out) as { spec: unknown };
}

describe('the monitoring objects against the real monitoring.coreos.com schemas', () => {
  it.each([
    ['ServiceMonitor', buildServiceMonitor],
    ['PrometheusRule', buildPrometheusRule],
  ] as const)('the %s is accepted with every field kept', async (_, build) => {
    const store = petStore();
    const object = build({ petStore: store, spec: resolveSpec(store, builtinDefaults), connection: sqliteConnection });
    expect((await dryRun(object)).spec).toEqual(JSON.parse(JSON.stringify(object.spec)));
  });
});
