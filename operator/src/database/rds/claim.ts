import type { DBInstance } from '@aws-sdk/client-rds';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import { PermanentError } from '../../runtime/errors.ts';
import { adoptionGrant, ownership, tagKeys, tagMap } from './tags.ts';

/** How this PetStore comes to manage an existing instance. */
export type Claim =
  /** Its tags name this PetStore. */
  | 'owned'
  /** Its tags name this PetStore, and a Retain deletion had let go of it: the PetStore picks it up again. */
  | 'reattached'
  /**
   * Not ours by its tags, taken over because spec.database.rds.adopt is true and the account owner tagged it
   * adoptable-by this PetStore.
   */
  | 'adopted';

/**
 * Decides whether this PetStore may manage `instance`: yes when its tags name this PetStore (cluster, namespace, name),
 * or when the spec opts in with adopt AND an administrator granted it on the AWS side (the adoptable-by tag names this
 * PetStore: a tenant who can only write PetStores cannot set it). Never when another PetStore still manages it (one of
 * them would delete the other's database), nor when a PetStore of another namespace or cluster released it. Refusals
 * are permanent errors that say what would make it possible.
 */
export function claimInstance(instance: DBInstance, petStore: PetStore, clusterName: string, adopt: boolean): Claim {
  const identifier = instance.DBInstanceIdentifier ?? '';
  const { namespace, name } = petStore.metadata;
  const owner = ownership(instance.TagList, petStore, clusterName);
  if (owner.kind === 'ours') return owner.released ? 'reattached' : 'owned';
  if (owner.kind === 'other' && !owner.released) {
    throw new PermanentError(
      `RDS instance ${identifier} is managed by ${owner.owner}; a PetStore never takes over a database another PetStore ` +
        'manages. Name another instance in spec.database.rds.instanceIdentifier, or delete that PetStore with deletionPolicy Retain first',
    );
  }
  if (owner.kind === 'other' && (owner.namespace !== namespace || owner.cluster !== clusterName)) {
    throw new PermanentError(
      `RDS instance ${identifier} was released by ${owner.owner}; a PetStore never adopts a database released by ` +
        `another namespace or cluster. An administrator of the AWS account can hand it over by retagging ` +
        `${tagKeys.namespace}, ${tagKeys.name} and ${tagKeys.cluster} to name this PetStore`,
    );
  }
  const grant = adoptionGrant(clusterName, namespace, name);
  const granted = tagMap(instance.TagList)[tagKeys.adoptableBy] === grant;
  if (adopt && granted) return 'adopted';
  const whose =
    owner.kind === 'other'
      ? `was released by ${owner.owner}`
      : `is not tagged ${tagKeys.managedBy}=petstore-operator for this PetStore`;
  const how = adopt
    ? 'spec.database.rds.adopt is true, but adoption needs an administrator of the AWS account to grant it first: ' +
      `aws rds add-tags-to-resource --resource-name <instance ARN> --tags Key=${tagKeys.adoptableBy},Value=${grant}`
    : 'To let this PetStore take it over, an administrator of the AWS account tags it ' +
      `${tagKeys.adoptableBy}=${grant} and the PetStore sets spec.database.rds.adopt: true`;
  throw new PermanentError(
    `RDS instance ${identifier} exists but ${whose}. ${how} (the operator then tags it, manages its settings without ` +
      'shrinking, downgrading or unprotecting it, and applies deletionPolicy to it when the PetStore is deleted)',
  );
}

/** Refuses instances the PetStore API cannot use through the operator: other engines, passwords RDS does not manage. */
export function checkUsable(instance: DBInstance): void {
  const identifier = instance.DBInstanceIdentifier ?? '';
  if (instance.Engine !== 'postgres') {
    throw new PermanentError(
      `RDS instance ${identifier} runs ${instance.Engine ?? 'an unknown engine'}; the Pet Store API needs postgres`,
    );
  }
  if (!instance.MasterUserSecret?.SecretArn && instance.DBInstanceStatus !== 'creating') {
    throw new PermanentError(
      `RDS instance ${identifier} does not keep its master password in Secrets Manager, so the operator cannot hand out ` +
        `credentials: run aws rds modify-db-instance --db-instance-identifier ${identifier} --manage-master-user-password ` +
        '--apply-immediately (this replaces the current master password)',
    );
  }
}
