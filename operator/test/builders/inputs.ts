// Build inputs for the builders' table tests: a PetStore from a spec, resolved with the built-in defaults.
import type { PetStore, PetStoreSpec } from '../../src/api/v1alpha1/petstore.ts';
import type { BuildInputs, NamespaceInputs } from '../../src/spec/build-inputs.ts';
import { postgresConnection, sqliteConnection } from '../../src/spec/database-connection.ts';
import { builtinDefaults } from '../../src/spec/operator-defaults.ts';
import { resolveSpec } from '../../src/spec/resolved-spec.ts';

export function petStore(spec: PetStoreSpec, name = 'shop'): PetStore {
  return {
    apiVersion: 'petstore.example.com/v1alpha1',
    kind: 'PetStore',
    metadata: { name, namespace: 'pets', uid: `uid-${name}`, generation: 1 },
    spec,
  };
}

/** The key the tests' inputs carry as freshly generated (a real one is 43 random base64url characters). */
export const exampleApiKey = 'example-api-key-0123456789abcdef0123456789a';

export const postgres = postgresConnection('postgres://app:pw-123@db.internal:5432/pets');

/** Inputs for a PetStore with `spec`; PostgreSQL unless the spec leaves the engine at SQLite. */
export function inputs(spec: PetStoreSpec, name = 'shop'): BuildInputs {
  const store = petStore(spec, name);
  const resolved = resolveSpec(store, builtinDefaults);
  return {
    petStore: store,
    spec: resolved,
    connection: resolved.database.engine === 'sqlite' ? sqliteConnection : postgres,
    generatedApiKey: exampleApiKey,
  };
}

/** The namespace 'pets' holding these PetStores. */
export function namespaceOf(...members: BuildInputs[]): NamespaceInputs {
  return { namespace: 'pets', members: members.map(({ petStore: p, spec }) => ({ petStore: p, spec })) };
}

export const external = { database: { engine: 'external', external: { secretName: 'db' } } } as const;
