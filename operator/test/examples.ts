import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { PetStore } from '../src/api/v1alpha1/petstore.ts';

export const examplesDir = path.resolve(import.meta.dirname, '../../examples');

/** The PetStores of examples/, as the API server would return them (namespace, uid and generation filled in). */
export function examplePetStores(): { file: string; petStore: PetStore }[] {
  return readdirSync(examplesDir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const docs = parseAllDocuments(readFileSync(path.join(examplesDir, file), 'utf8')).map(
        (d) => d.toJS() as { kind?: string },
      );
      const petStore = docs.find((d) => d.kind === 'PetStore') as PetStore | undefined;
      if (!petStore) throw new Error(`examples/${file} has no PetStore`);
      petStore.metadata = {
        ...petStore.metadata,
        namespace: 'pets',
        uid: `uid-${petStore.metadata.name}`,
        generation: 1,
      };
      return { file, petStore };
    });
}
