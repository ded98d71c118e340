import { kinds, type ResourceKind } from './kinds.ts';

/** A Kubernetes RBAC verb the operator uses. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/**
 * One grant the operator needs: verbs on a resource (or `resource/subresource`) of an API group. The Helm chart's
 * ClusterRole (or per-namespace Roles) and config/rbac must grant exactly these; test/chart/rbac.test.ts checks both.
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
const childVerbs: readonly Verb[] = ['list', 'watch', 'create', 'patch', 'delete'];

/** Extra verbs by resource, for reads that cannot come from an informer cache. */
const extraChildVerbs: Readonly<Partial<Record<string, readonly Verb[]>>> = {
  // A user-named Secret holds the URL of an external database; it carries none of the operator's labels.
  secrets: ['get'],
};

const petStore = kinds.PetStore;

/** Every kind in kinds.ts but the PetStore is a child (or a namespace-shared object) the operator applies. */
function childPermissions(): Permission[] {
  return Object.values(kinds)
    .filter((kind: ResourceKind) => kind !== petStore)
    .map((kind) => ({
      group: kind.group,
      resource: kind.plural,
      verbs: [...childVerbs, ...(extraChildVerbs[kind.plural] ?? [])],
      scope: 'watched',
      reason: `${kind.kind} made for PetStores: informer, server-side apply, pruning`,
    }));
}

/** Every permission the operator needs, one entry per resource; the single source for its RBAC. */
export const requiredPermissions: readonly Permission[] = [
  {
    group: petStore.group,
    resource: petStore.plural,
    verbs: ['list', 'watch', 'patch'],
    scope: 'watched',
    reason: 'the primary informer (every read comes from its cache); patch adds and removes the database finalizer',
  },
  {
    group: petStore.group,
    resource: `${petStore.plural}/status`,
    verbs: ['patch'],
    scope: 'watched',
    reason: 'status is written with server-side apply',
  },
  {
    group: petStore.group,
    resource: `${petStore.plural}/finalizers`,
    verbs: ['update', 'patch'],
    scope: 'watched',
    reason: 'children carry blockOwnerDeletion owner references (OwnerReferencesPermissionEnforcement checks this)',
  },
  ...childPermissions(),
  {
    group: '',
    resource: 'events',
    verbs: ['create'],
    scope: 'watched',
    reason: 'core/v1 events on PetStores explain what the operator did and why it failed (operator/src/k8s/client.ts)',
  },
  {
    group: 'coordination.k8s.io',
    resource: 'leases',
    verbs: ['get', 'create', 'update'],
    scope: 'leaderElection',
    reason: 'leader election: only one replica reconciles',
  },
];
