import { createHash } from 'node:crypto';

const instancePrefix = 'petstore-';
/** RDS: 1 to 63 letters, digits or hyphens; a letter first; no two hyphens in a row; no hyphen at the end. */
const maxInstanceIdentifierLength = 63;
/** RDS: the same rules as instance identifiers, up to 255 characters. */
const maxSnapshotIdentifierLength = 255;
const hashLength = 8;

/**
 * The RDS instance identifier of a PetStore: `petstore-<namespace>-<name>-<hash>`, where the hash covers the cluster,
 * namespace and name. It depends on nothing a crash can lose (no status, no clock, no UID), so every pass of every
 * operator process computes the same name and finds the instance an earlier pass created.
 */
export function instanceIdentifier(clusterName: string, namespace: string, name: string): string {
  const hash = createHash('sha256').update(`${clusterName}/${namespace}/${name}`).digest('hex').slice(0, hashLength);
  const room = maxInstanceIdentifierLength - instancePrefix.length - 1 - hashLength;
  const body = trimHyphens(slug(`${namespace}-${name}`).slice(0, room));
  return body ? `${instancePrefix}${body}-${hash}` : `${instancePrefix}${hash}`;
}

/**
 * The final snapshot's identifier: `petstore-<namespace>-<name>-<uid>-final`. Deterministic, so a finalizer retried
 * after a crash asks for the same snapshot; the UID makes it unique per PetStore lifetime, so a PetStore re-created
 * under the same name later never collides with its predecessor's snapshot.
 */
export function finalSnapshotIdentifier(namespace: string, name: string, uid: string): string {
  const tail = `-${slug(uid)}-final`;
  const room = maxSnapshotIdentifierLength - instancePrefix.length - tail.length;
  const body = trimHyphens(slug(`${namespace}-${name}`).slice(0, room));
  return `${instancePrefix}${body}${tail}`;
}

/** Whether `id` satisfies RDS's identifier rules (the CRD's pattern for spec.database.rds.instanceIdentifier). */
export function isValidIdentifier(id: string, maxLength = maxInstanceIdentifierLength): boolean {
  return id.length <= maxLength && /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/.test(id);
}

/** Lower-case letters and digits, every other run of characters one hyphen. */
function slug(value: string): string {
  return trimHyphens(value.toLowerCase().replace(/[^a-z0-9]+/g, '-'));
}

function trimHyphens(value: string): string {
  return value.replace(/^-+|-+$/g, '');
}

/**
 * A PetStoreBackup's snapshot: `petstore-<namespace>-<backup name>-<uid>`. Derived from the backup alone (never from
 * its status, which is not proof of anything), so every pass asks for the same snapshot and deletion finds it.
 */
export function backupSnapshotIdentifier(namespace: string, name: string, uid: string): string {
  const tail = `-${slug(uid)}`;
  const room = maxSnapshotIdentifierLength - instancePrefix.length - tail.length;
  const body = trimHyphens(slug(`${namespace}-${name}`).slice(0, room));
  return `${instancePrefix}${body}${tail}`;
}
