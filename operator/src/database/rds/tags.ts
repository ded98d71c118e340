import type { Tag } from '@aws-sdk/client-rds';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import type { ResolvedSpec } from '../../spec/resolved-spec.ts';

const prefix = 'petstore.example.com';

/** Tag keys the operator writes on RDS instances; the IAM policy's conditions name the same keys. */
export const tagKeys = {
  environment: 'Environment',
  application: 'Application',
  owner: 'Owner',
  costCenter: 'Cost-Center',
  managedBy: 'managed-by',
  cluster: `${prefix}/cluster`,
  namespace: `${prefix}/namespace`,
  name: `${prefix}/name`,
  uid: `${prefix}/uid`,
  /** Set by deletionPolicy Retain when the PetStore goes: the instance is kept but nobody manages it any more. */
  released: `${prefix}/released`,
  /**
   * Set by the AWS account owner (never by the operator, never by a tenant) to `<cluster>/<namespace>/<name>`: the
   * PetStore it names may adopt the instance with spec.database.rds.adopt. The administrator's grant of adoption.
   */
  adoptableBy: `${prefix}/adoptable-by`,
  /** Written by the operator when it adopts an instance: its settings are never shrunk, downgraded or unprotected. */
  adopted: `${prefix}/adopted`,
  /**
   * Set by the AWS account owner on a snapshot or an instance to `<cluster>/<namespace>/<name>`: the PetStore it names
   * may restore from it with spec.database.rds.restoreFrom although it belongs to another namespace or cluster.
   */
  restorableBy: `${prefix}/restorable-by`,
  /** Written by the operator on a PetStoreBackup's snapshot: the backup's name and uid (`<name>/<uid>`). */
  backup: `${prefix}/backup`,
  /** Written by the operator on an instance it restored: what from (`snapshot <id>`, `<instance> at <time|latest>`). */
  restoredFrom: `${prefix}/restored-from`,
} as const;

/** The value of the adoptable-by tag that grants this PetStore adoption. */
export function adoptionGrant(clusterName: string, namespace: string, name: string): string {
  return `${clusterName}/${namespace}/${name}`;
}

export const managedByValue = 'petstore-operator';
export const applicationValue = 'pet-store';

/** The tags that prove an instance belongs to this PetStore, plus the organisation's required cost tags. */
export function desiredTags(petStore: PetStore, spec: ResolvedSpec, clusterName: string): Record<string, string> {
  return {
    [tagKeys.environment]: spec.environment,
    [tagKeys.application]: applicationValue,
    [tagKeys.owner]: spec.tags.owner,
    [tagKeys.costCenter]: spec.tags.costCenter,
    [tagKeys.managedBy]: managedByValue,
    [tagKeys.cluster]: clusterName,
    [tagKeys.namespace]: petStore.metadata.namespace,
    [tagKeys.name]: petStore.metadata.name,
    [tagKeys.uid]: petStore.metadata.uid,
  };
}

/** Who an existing instance belongs to, as its tags tell. */
export type Ownership =
  /** Tagged for this PetStore (cluster, namespace and name); `released` when a Retain deletion let go of it. */
  | { kind: 'ours'; released: boolean }
  /** Tagged for another PetStore (another name, namespace or cluster). */
  | { kind: 'other'; owner: string; released: boolean; cluster: string; namespace: string }
  /** Not tagged by this operator at all. */
  | { kind: 'unmanaged' };

export function ownership(tagList: readonly Tag[] | undefined, petStore: PetStore, clusterName: string): Ownership {
  const tags = tagMap(tagList);
  if (tags[tagKeys.managedBy] !== managedByValue) return { kind: 'unmanaged' };
  const released = tags[tagKeys.released] === 'true';
  const cluster = tags[tagKeys.cluster] ?? '';
  const namespace = tags[tagKeys.namespace] ?? '';
  const name = tags[tagKeys.name] ?? '';
  if (cluster === clusterName && namespace === petStore.metadata.namespace && name === petStore.metadata.name) {
    return { kind: 'ours', released };
  }
  return { kind: 'other', owner: `PetStore ${namespace}/${name} of cluster ${cluster}`, released, cluster, namespace };
}

/**
 * What to send so the instance carries `desired`: the whole desired set when any of it differs (one call, and the IAM
 * policy lets the operator tag only when managed-by is in the request), and the released mark to remove if present.
 * Tags the operator does not own are never touched.
 */
export function tagChanges(
  tagList: readonly Tag[] | undefined,
  desired: Record<string, string>,
): { add: Tag[]; remove: string[] } {
  const current = tagMap(tagList);
  const differs = Object.entries(desired).some(([key, value]) => current[key] !== value);
  return {
    add: differs ? toTagList(desired) : [],
    remove: tagKeys.released in current ? [tagKeys.released] : [],
  };
}

export function tagMap(tagList: readonly Tag[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of tagList ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return tags;
}

export function toTagList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
