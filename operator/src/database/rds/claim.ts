import type { DBInstance } from '@aws-sdk/client-rds';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import { PermanentError } from '../../runtime/errors.ts';
import { ownership, tagKeys } from './tags.ts';

/** How this PetStore comes to manage an existing instance. */
export type Claim =
  /** Its tags name this PetStore. */
  | 'owned'
  /** Its tags name this PetStore, and a Retain deletion had let go of it: the PetStore picks it up again. */
  | 'reattached'
  /** Not ours by its tags, taken over because spec.database.rds.adopt is true. */
  | 'adopted';

/**
 * Decides whether this PetStore may manage `instance`: yes when its tags name this PetStore (cluster, namespace, name)
 * or when the spec opts in with adopt; never when another PetStore still manages it, since one of them would delete the
 * other's database. Refusals are permanent errors that say how to opt in.
 */
export function claimInstance(instance: DBInstance, petStore: PetStore, clusterName: string, adopt: boolean): Claim {
  const identifier = instance.DBInstanceIdentifier ?? '';
  const owner = ownership(instance.TagList, petStore, clusterName);
  if (owner.kind === 'ours') return owner.released ? 'reattached' : 'owned';
  if (owner.kind === 'other' && !owner.released) {
    throw new PermanentError(
      `RDS instance ${identifier} is managed by ${owner.owner}; a PetStore never takes over a database another PetStore ` +
        'manages. Name another instance in spec.database.rds.instanceIdentifier, or delete that PetStore with deletionPolicy Retain first',
    );
  }
  if (adopt) return 'adopted';
  const whose =
    owner.kind === 'other'
      ? `was released by ${owner.owner}`
      : `is not tagged ${tagKeys.managedBy}=petstore-operator for this PetStore`;
  throw new PermanentError(
    `RDS instance ${identifier} exists but ${whose}. To let this PetStore take it over, set spec.database.rds.adopt: true ` +
      '(the operator then tags it, manages its settings and applies deletionPolicy to it when the PetStore is deleted)',
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
