// Every permission the operator needs, derived from the declared workflow: the single source of its RBAC.
// scripts/generate.ts writes the chart's rules (templates/_rules.tpl) and config/rbac/role.yaml from it.
import { dependents } from './controller/dependents.ts';
import { kinds } from './k8s/kinds.ts';
import { childVerbs, permissionOn, type Permission, type Verb } from './k8s/rbac.ts';
import { builtinEngines, ownedKinds, sharedKinds } from './petstore-controller.ts';

const petStore = kinds.PetStore;

/** Kinds the built-in database engines read one object at a time, beyond the informers (an external database URL). */
const engineReads = new Set(Object.values(builtinEngines).flatMap((engine) => engine.reads ?? []));

/**
 * Each child kind: the informer, apply and pruning verbs; `get` for owned children (a child missing from the
 * label-scoped cache is read by name before it is created, so an object of the same name that the operator did not
 * create is never taken over) and for kinds an engine reads.
 */
function childPermissions(): Permission[] {
  const children = [...ownedKinds, ...sharedKinds];
  return children.map((kind) => {
    const ids = dependents.filter((d) => d.policy !== 'external' && d.kind === kind).map((d) => d.id);
    const readsByName = ownedKinds.includes(kind) || engineReads.has(kind);
    const verbs: Verb[] = [...(readsByName ? (['get'] as const) : []), ...childVerbs];
    const why = [
      ...(ownedKinds.includes(kind) ? ['get: read by name before creating (never take over a name)'] : []),
      ...(engineReads.has(kind) ? ['get: an engine reads one by name'] : []),
    ];
    return permissionOn(
      kind,
      verbs,
      `${ids.join(', ')}: informer, server-side apply, pruning${why.map((w) => `; ${w}`).join('')}`,
    );
  });
}

/** Every permission the operator needs, one entry per resource. */
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
  {
    group: petStore.group,
    resource: kinds.PetStoreBackup.plural,
    verbs: ['list', 'watch', 'create', 'patch', 'delete'],
    scope: 'watched',
    reason:
      "PetStoreBackups: informer, finalizer (patch), the backups a PetStore's backupSchedule creates (server-side apply) and deletes past retention",
  },
  {
    group: petStore.group,
    resource: `${kinds.PetStoreBackup.plural}/status`,
    verbs: ['patch'],
    scope: 'watched',
    reason: 'PetStoreBackup status is written with server-side apply',
  },
  ...childPermissions(),
  permissionOn(
    kinds.ReplicaSet,
    ['list'],
    "automatic rollback: a failing release is checked against the Deployment's ReplicaSets (listed by label, on demand)",
  ),
  permissionOn(
    kinds.Pod,
    ['list'],
    'automatic rollback and status: why a failing release fails (image pulls, crash loops), listed by label on demand',
  ),
  permissionOn(
    { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true },
    ['create'],
    'core/v1 events on PetStores explain what the operator did and why it failed (operator/src/k8s/client.ts)',
  ),
  {
    group: 'coordination.k8s.io',
    resource: 'leases',
    verbs: ['get', 'create', 'update'],
    scope: 'leaderElection',
    reason: 'leader election: only one replica reconciles',
  },
];
