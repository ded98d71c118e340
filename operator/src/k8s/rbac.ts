import type { ResourceKind } from './kinds.ts';

/** A Kubernetes RBAC verb the operator uses. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/**
 * One grant the operator needs: verbs on a resource (or `resource/subresource`) of an API group. The Helm chart's
 * ClusterRole (or per-namespace Roles) and config/rbac are generated from operator/src/permissions.ts.
 */
export interface Permission {
  /** API group; '' is the core group. */
  readonly group: string;
  /** Plural resource name, or `plural/subresource`. */
  readonly resource: string;
  readonly verbs: readonly Verb[];
  /** `watched`: every namespace the operator watches; `leaderElection`: only the namespace holding the Lease. */
  readonly scope: 'watched' | 'leaderElection';
  /** What breaks without it, for reviewers of the role. */
  readonly reason: string;
}

/**
 * Verbs on every child kind: list and watch feed the label-scoped informers, patch is server-side apply, create is
 * what the API server also demands when an apply patch creates the object, delete prunes a child turned off.
 */
export const childVerbs: readonly Verb[] = ['list', 'watch', 'create', 'patch', 'delete'];

/** One RBAC rule as Roles carry it. */
export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/**
 * The rules granting `permissions`, compact and in a stable order: by API group (core first), then one rule per set
 * of verbs, resources sorted. Generated into the chart and config/rbac by scripts/generate.ts.
 */
export function rulesOf(permissions: readonly Permission[]): Rule[] {
  const rules: Rule[] = [];
  const groups = [...new Set(permissions.map((p) => p.group))];
  for (const group of groups) {
    const byVerbs = new Map<string, Permission[]>();
    for (const permission of permissions.filter((p) => p.group === group)) {
      const key = permission.verbs.join(',');
      byVerbs.set(key, [...(byVerbs.get(key) ?? []), permission]);
    }
    for (const [verbs, granted] of byVerbs) {
      rules.push({ apiGroups: [group], resources: granted.map((p) => p.resource).sort(), verbs: verbs.split(',') });
    }
  }
  return rules;
}

/** `kind` as a permission: its group and plural. */
export function permissionOn(
  kind: ResourceKind,
  verbs: readonly Verb[],
  reason: string,
  scope: Permission['scope'] = 'watched',
): Permission {
  return { group: kind.group, resource: kind.plural, verbs, scope, reason };
}
