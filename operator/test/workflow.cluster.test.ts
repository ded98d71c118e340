// The reconciler driven directly, in this process, against the local API server: each pass reads a fresh snapshot of
// the namespace (what the informer caches hold once synced) and every write it makes is counted. Each test has its
// own namespace and PetStore, so the order of tests does not matter.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, useNamespace, waitFor } from '../../test/cluster/fixtures.ts';
import { installCrd } from '../../test/e2e/operator.ts';
import { dependents } from '../src/controller/dependents.ts';
import { kinds } from '../src/k8s/kinds.ts';
import { optionalKinds } from '../src/petstore-controller.ts';
import { pass, type Write } from './workflow-pass.ts';

const childWrites = (writes: Write[]) => writes.filter((w) => w.verb === 'apply' || w.verb === 'delete');
const applied = (writes: Write[]) =>
  writes
    .filter((w) => w.verb === 'apply')
    .map((w) => w.kind)
    .sort();

beforeAll(installCrd);

describe('a pass of the workflow', () => {
  const namespace = useNamespace();
  let first: Write[];

  beforeAll(async () => {
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], {
      input: 'apiVersion: petstore.example.com/v1alpha1\nkind: PetStore\nmetadata: { name: dev }\nspec: {}\n',
    });
    first = await pass(namespace.name, 'dev');
  });

  it('creates exactly the active children on the first pass, each once, and writes the status', () => {
    // A SQLite PetStore: no migration Job, no autoscaler, no budget, no Ingress.
    // No monitoring either: the test cluster does not serve the Prometheus Operator's kinds.
    const active = dependents
      .flatMap((d) =>
        d.policy === 'external' || optionalKinds.includes(d.kind) || d.id === 'dashboard' ? [] : [d.kind.kind],
      )
      .filter((kind) => !['Job', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress'].includes(kind))
      .sort();
    expect(applied(first)).toEqual(active);
    expect(first.filter((w) => w.verb === 'status')).toHaveLength(1);
    expect(first.filter((w) => w.verb === 'delete')).toEqual([]);
  });

  it('writes no child on the next pass, and nothing at all once the status has settled', async () => {
    expect(childWrites(await pass(namespace.name, 'dev'))).toEqual([]);
    await waitFor(
      async () => (await pass(namespace.name, 'dev')).length === 0,
      60_000,
      'a pass that writes nothing (status settled on the Deployment becoming available)',
    );
  });

  it('deletes exactly the child whose feature is turned off, and nothing else', async () => {
    await kubectl([
      '-n',
      namespace.name,
      'patch',
      'petstore/dev',
      '--type=merge',
      '-p',
      '{"spec":{"networkPolicy":{"enabled":false}}}',
    ]);
    const writes = await pass(namespace.name, 'dev');
    expect(childWrites(writes)).toEqual([{ verb: 'delete', kind: 'NetworkPolicy' }]);
    expect(await kubectl(['-n', namespace.name, 'get', 'networkpolicies', '-o', 'name'])).toBe('');
  });
});

describe('a pass for a PetStore that waits for its database', () => {
  const namespace = useNamespace();

  it('creates only the namespace objects while the Secret is missing, then every child once it exists', async () => {
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], {
      input:
        'apiVersion: petstore.example.com/v1alpha1\nkind: PetStore\nmetadata: { name: shop }\n' +
        'spec: { database: { engine: external, external: { secretName: shop-db } } }\n',
    });
    const waiting = await pass(namespace.name, 'shop');
    expect(applied(waiting)).toEqual([kinds.LimitRange.kind, kinds.ResourceQuota.kind].sort());
    expect(waiting.filter((w) => w.verb === 'status')).toHaveLength(1);
    await kubectl([
      '-n',
      namespace.name,
      'create',
      'secret',
      'generic',
      'shop-db',
      '--from-literal=DATABASE_URL=postgres://u:p@db:5432/x',
    ]);
    // The Deployment waits for the migration Job; the budget for the Deployment.
    const next = await pass(namespace.name, 'shop');
    // Two Secrets: the database credentials and the API keys.
    expect(applied(next)).toEqual([
      'ConfigMap',
      'Job',
      'NetworkPolicy',
      'Secret',
      'Secret',
      'Service',
      'ServiceAccount',
    ]);
  });
});

describe('the API keys Secret', () => {
  const namespace = useNamespace();
  const keysOf = async () =>
    Buffer.from(
      await kubectl(['-n', namespace.name, 'get', 'secret', 'keyed-api-keys', '-o', 'jsonpath={.data.keys}']),
      'base64',
    ).toString();

  it('is generated once, keeps what the user puts in it, is made anew when deleted, and never shows in status or events', async () => {
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], {
      input: 'apiVersion: petstore.example.com/v1alpha1\nkind: PetStore\nmetadata: { name: keyed }\nspec: {}\n',
    });
    await pass(namespace.name, 'keyed');
    const generated = (await keysOf()).trim();
    expect(generated).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The user adds a second key (a rotation in progress): the operator leaves the Secret as the user made it.
    const rotated = `${generated}\nsecond-key-0123456789abcdef\n`;
    await kubectl([
      '-n',
      namespace.name,
      'patch',
      'secret/keyed-api-keys',
      '--type=merge',
      '-p',
      JSON.stringify({ data: { keys: Buffer.from(rotated).toString('base64') } }),
    ]);
    expect(childWrites(await pass(namespace.name, 'keyed'))).toEqual([]);
    expect(await keysOf()).toBe(rotated);

    await kubectl(['-n', namespace.name, 'delete', 'secret', 'keyed-api-keys']);
    expect(childWrites(await pass(namespace.name, 'keyed'))).toEqual([{ verb: 'apply', kind: 'Secret' }]);
    const regenerated = (await keysOf()).trim();
    expect(regenerated).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(regenerated).not.toBe(generated);

    const visible = [
      await kubectl(['-n', namespace.name, 'get', 'petstore/keyed', '-o', 'json']),
      await kubectl(['-n', namespace.name, 'get', 'events', '-o', 'json']),
    ].join('\n');
    for (const key of [generated, regenerated, 'second-key-0123456789abcdef']) expect(visible).not.toContain(key);
  });
});
