import type { PetStore } from '../api/v1alpha1/petstore.ts';
import type { DatabaseConnection } from './database-connection.ts';
import type { ResolvedSpec } from './resolved-spec.ts';

/** What every builder of a PetStore's children takes: the PetStore, its resolved spec and how to reach its database. */
export interface BuildInputs {
  petStore: PetStore;
  spec: ResolvedSpec;
  connection: DatabaseConnection;
  /**
   * A fresh random API key, drawn by the reconcile for this pass (randomness is an input, never a builder's own):
   * used only when the PetStore's create-only API keys Secret does not exist yet.
   */
  generatedApiKey: string;
}

/** One PetStore of a namespace with its resolved spec. */
export interface NamespaceMember {
  petStore: PetStore;
  spec: ResolvedSpec;
}

/** What the builders of namespace-shared objects take: every PetStore of the namespace that is not being deleted. */
export interface NamespaceInputs {
  namespace: string;
  members: readonly NamespaceMember[];
}
