import type { V1Secret } from '@kubernetes/client-node';
import type { BuildInputs } from '../spec/build-inputs.ts';
import { childMetadata, childNames } from './metadata.ts';

/** The database credentials the pods read: DATABASE_URL plus its parts, under the seeds' and CloudNativePG's key names. */
export function buildSecret({ petStore, connection }: BuildInputs): V1Secret {
  const stringData: Record<string, string> = { DATABASE_URL: connection.url };
  if (connection.postgres) {
    const { username, password, host, port, dbname } = connection.postgres;
    Object.assign(stringData, {
      DB_USER: username,
      DB_PASSWORD: password,
      username,
      password,
      host,
      port: String(port),
      dbname,
    });
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: childMetadata(petStore, childNames(petStore).secret),
    type: 'Opaque',
    immutable: false,
    data: Object.fromEntries(
      Object.entries(stringData).map(([key, value]) => [key, Buffer.from(value, 'utf8').toString('base64')]),
    ),
  };
}
