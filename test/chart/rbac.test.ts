// The operator's RBAC grants exactly requiredPermissions (operator/src/permissions.ts): every verb the operator uses on
// every kind it touches, nothing more, no wildcards; in the chart (cluster-wide or per namespace) and in config/rbac.
import { describe, expect, it } from '@jest/globals';
import { dependents } from '../../operator/src/controller/dependents.ts';
import { kinds } from '../../operator/src/k8s/kinds.ts';
import type { Permission } from '../../operator/src/k8s/rbac.ts';
import { requiredPermissions } from '../../operator/src/permissions.ts';
import { watchedKinds } from '../../operator/src/petstore-controller.ts';
import { isTestHook, only, renderChart, renderKustomization, type Manifest } from './chart.ts';

/** An RBAC rule as rendered. */
interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}
type Role = Manifest & { rules: Rule[] };

/** One line per (group, resource, verb), e.g. `apps/deployments: patch`; what a role grants, order-free. */
function grants(rules: readonly Rule[]): string[] {
  return rules
    .flatMap((rule) =>
      (rule.apiGroups ?? []).flatMap((group) =>
        (rule.resources ?? []).flatMap((resource) => rule.verbs.map((verb) => `${group}/${resource}: ${verb}`)),
      ),
    )
    .sort();
}

function required(scope: Permission['scope']): string[] {
  return grants(
    requiredPermissions
      .filter((permission) => permission.scope === scope)
      .map((permission) => ({
        apiGroups: [permission.group],
        resources: [permission.resource],
        verbs: [...permission.verbs],
      })),
  );
}

const verbsOn = (group: string, resource: string): string[] =>
  requiredPermissions.find((p) => p.group === group && p.resource === resource)?.verbs.slice() ?? [];

describe('requiredPermissions', () => {
  it('lets the informers list and watch every kind the controller watches', () => {
    for (const kind of watchedKinds)
      expect(verbsOn(kind.group, kind.plural)).toEqual(expect.arrayContaining(['list', 'watch']));
  });

  it('lets the operator apply (create and patch) and prune (delete) every child', () => {
    const children = dependents.flatMap((d) => (d.policy === 'external' ? [] : [d.kind]));
    expect(children).toEqual(expect.arrayContaining([kinds.Deployment, kinds.Job, kinds.ResourceQuota]));
    for (const kind of children) {
      expect(verbsOn(kind.group, kind.plural)).toEqual(expect.arrayContaining(['create', 'patch', 'delete']));
    }
  });

  it('lets the operator write PetStore status and finalizers, but never create or delete a PetStore', () => {
    expect(verbsOn('petstore.example.com', 'petstores')).toEqual(['list', 'watch', 'patch']);
    expect(verbsOn('petstore.example.com', 'petstores/status')).toEqual(['patch']);
    expect(verbsOn('petstore.example.com', 'petstores/finalizers')).toEqual(['update', 'patch']);
  });

  it('reads Secrets one by one only beyond the label-scoped informer (an external database URL)', () => {
    expect(verbsOn('', 'secrets').sort()).toEqual(['create', 'delete', 'get', 'list', 'patch', 'watch']);
  });

  it('names each resource once', () => {
    const keys = requiredPermissions.map((p) => `${p.group}/${p.resource}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('the chart grants exactly requiredPermissions', () => {
  const manifests = renderChart();

  it('cluster-wide through the ClusterRole bound to the operator ServiceAccount', () => {
    expect(grants((only(manifests, 'ClusterRole', 'petstore-operator') as Role).rules)).toEqual(required('watched'));
    const binding = only(manifests, 'ClusterRoleBinding') as Manifest & { subjects: unknown; roleRef: unknown };
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'petstore-operator',
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'petstore-operator', namespace: 'petstore-system' },
    ]);
  });

  it('for leader election only in the release namespace', () => {
    const role = only(manifests, 'Role', 'petstore-operator-leader-election') as Role;
    expect(role.metadata.namespace).toBe('petstore-system');
    expect(grants(role.rules)).toEqual(required('leaderElection'));
  });

  it('per watched namespace, with nothing cluster-wide, when watchNamespaces is set', () => {
    const scoped = renderChart({ values: { watchNamespaces: ['shop', 'staging'] } }).filter((m) => !isTestHook(m));
    for (const namespace of ['shop', 'staging']) {
      const role = scoped.find((m) => m.kind === 'Role' && m.metadata.namespace === namespace) as Role;
      expect(grants(role.rules)).toEqual(required('watched'));
      const binding = scoped.find((m) => m.kind === 'RoleBinding' && m.metadata.namespace === namespace) as Manifest & {
        subjects: unknown;
      };
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: 'petstore-operator', namespace: 'petstore-system' },
      ]);
    }
    const clusterWide = scoped.filter((m) => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding');
    expect(clusterWide.map((m) => m.metadata.name).sort()).toEqual([
      'petstore-operator-petstore-editor',
      'petstore-operator-petstore-viewer',
    ]);
  });

  it('with no wildcard and no non-resource URL in any role it renders', () => {
    const everything = [...manifests, ...renderChart({ values: { watchNamespaces: ['shop'] } })];
    for (const role of everything.filter((m) => m.kind === 'Role' || m.kind === 'ClusterRole') as Role[]) {
      for (const rule of role.rules) {
        expect([...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs]).not.toContain('*');
        expect(rule.nonResourceURLs).toBeUndefined();
      }
    }
  });
});

describe('config/rbac grants exactly requiredPermissions', () => {
  const manifests = renderKustomization('config/rbac');

  it('in its ClusterRole and leader-election Role', () => {
    expect(grants((only(manifests, 'ClusterRole', 'petstore-operator') as Role).rules)).toEqual(required('watched'));
    expect(grants((only(manifests, 'Role', 'petstore-operator-leader-election') as Role).rules)).toEqual(
      required('leaderElection'),
    );
  });
});
