import type { V1Secret } from '@kubernetes/client-node';
import { kinds } from '../k8s/kinds.ts';
import { DependencyMissingError, PermanentError } from '../runtime/errors.ts';
import { postgresConnection, type DatabaseConnection } from '../spec/database-connection.ts';
import type { DatabaseEngine } from './engine.ts';

/**
 * How often the user's Secret is read again: a changed URL reaches `<name>-db-credentials` (and rolls the pods) within
 * this, plus one reconcile. One GET per external PetStore per interval, instead of watching every Secret.
 */
export const externalSecretRecheckMs = 30_000;

/**
 * An external PostgreSQL server whose URL the user keeps in a Secret of the PetStore's namespace. This is the one read
 * that bypasses the caches: the operator watches only Secrets it manages, never every Secret of a namespace, so it
 * reads the user's Secret again every {@link externalSecretRecheckMs}.
 */
export const externalEngine: DatabaseEngine = {
  reads: [kinds.Secret],
  async resolve(petStore, spec, ctx) {
    const external = spec.database.external;
    if (!external) throw new PermanentError('spec.database.external.secretName is required for engine external');
    const where = `Secret ${petStore.metadata.namespace}/${external.secretName}`;
    const secret = await ctx.client.read<V1Secret>({
      kind: kinds.Secret,
      namespace: petStore.metadata.namespace,
      name: external.secretName,
    });
    if (!secret) throw new DependencyMissingError('SecretNotFound', `${where} does not exist`);
    const encoded = secret.data?.[external.key];
    if (encoded === undefined)
      throw new DependencyMissingError('SecretKeyNotFound', `${where} has no key ${external.key}`);
    let connection: DatabaseConnection;
    try {
      connection = postgresConnection(Buffer.from(encoded, 'base64').toString('utf8'));
    } catch (error) {
      throw new DependencyMissingError(
        'InvalidDatabaseURL',
        `${where} key ${external.key} ${(error as Error).message}`,
      );
    }
    const endpoint = connection.postgres ? `${connection.postgres.host}:${connection.postgres.port}` : undefined;
    return {
      state: {
        ready: true,
        reason: 'Available',
        message: `external PostgreSQL from ${where}`,
        ...(endpoint ? { endpoint } : {}),
        requeueAfterMs: externalSecretRecheckMs,
      },
      connection,
    };
  },
};
