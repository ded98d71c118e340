// `kubectl apply --server-side -k config/default` on the local cluster: the API server takes every object, the
// operator Deployment rolls out in its restricted namespace, and its ServiceAccount may do exactly what
// requiredPermissions lists (kubectl auth can-i, answered by the API server's RBAC authorizer).
import { afterAll, describe, expect, it } from '@jest/globals';
import { kubectl } from '../cluster/fixtures.ts';
import { canI } from './service-account.ts';
import { requiredPermissions } from '../../operator/src/permissions.ts';
import { optionalKinds } from '../../operator/src/petstore-controller.ts';

const serviceAccount = 'system:serviceaccount:petstore-system:petstore-operator';
const may = (verb: string, resource: string, namespace = 'default', subresource?: string): Promise<string> =>
  canI(serviceAccount, verb, resource, namespace, subresource);

afterAll(async () => {
  // Not `kubectl delete -k`: that would delete the PetStore CRD, which other test files share.
  await kubectl([
    'delete',
    'clusterrole,clusterrolebinding',
    '-l',
    'app.kubernetes.io/managed-by=kustomize,app.kubernetes.io/instance=petstore-operator',
  ]);
  await kubectl(['delete', 'namespace', 'petstore-system', '--wait=false']);
});

describe('kubectl apply -k config/default', () => {
  it('installs the operator, which rolls out in a namespace that enforces the restricted standard', async () => {
    await kubectl(['apply', '--server-side', '-k', 'config/default']);

    await kubectl(['rollout', 'status', 'deployment/petstore-operator', '-n', 'petstore-system', '--timeout=120s']);
    expect(
      await kubectl([
        'get',
        'namespace',
        'petstore-system',
        '-o',
        'jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}',
      ]),
    ).toBe('restricted');
  });

  it('lets the operator do what requiredPermissions lists, in any namespace', async () => {
    // kubectl auth can-i cannot resolve kinds the server does not serve: this cluster has no monitoring.coreos.com CRDs
    // (test/chart/rbac.test.ts checks the role grants them all the same).
    const unserved = new Set(optionalKinds.map((kind) => `${kind.group}/${kind.plural}`));
    const checkable = requiredPermissions.filter(
      (p) => p.scope === 'watched' && !unserved.has(`${p.group}/${p.resource}`),
    );
    for (const permission of checkable) {
      const [plural = '', subresource] = permission.resource.split('/');
      const resource = permission.group ? `${plural}.${permission.group}` : plural;
      for (const verb of permission.verbs) {
        const answer = await may(verb, resource, 'default', subresource);
        expect({ grant: `${verb} ${permission.resource}`, answer }).toEqual({
          grant: `${verb} ${permission.resource}`,
          answer: 'yes',
        });
      }
    }
    expect(await may('update', 'leases.coordination.k8s.io', 'petstore-system')).toBe('yes');
  });

  it('and nothing else: no wildcard, no reads it does not need, no leases outside its namespace', async () => {
    expect(await may('*', '*')).toBe('no');
    expect(await may('get', 'pods')).toBe('no');
    expect(await may('create', 'petstores.petstore.example.com')).toBe('no');
    expect(await may('delete', 'petstores.petstore.example.com')).toBe('no');
    expect(await may('create', 'pods')).toBe('no');
    expect(await may('update', 'leases.coordination.k8s.io')).toBe('no');
  });
});
