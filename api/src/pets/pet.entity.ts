import { EntitySchema } from 'typeorm';

export const petStatuses = ['available', 'pending', 'sold'] as const;
export type PetStatus = (typeof petStatuses)[number];

export interface Category {
  id?: number;
  name?: string;
}

export interface Tag {
  id?: number;
  name?: string;
}

/** A pet as the client writes it (the OpenAPI `Pet` schema without the server-assigned id). */
export interface PetInput {
  name: string;
  category?: Category;
  photoUrls: string[];
  tags: Tag[];
  status: PetStatus;
}

/** A row of `pets`: the pet plus its version, which is its ETag. */
export interface PetRecord extends Omit<PetInput, 'category'> {
  id: number;
  category: Category | null;
  version: number;
}

// Category and tags belong to one pet (the Petstore has no category or tag endpoints), so they live in the pet's
// row as JSON: every write is one atomic statement, and a read needs no join.
export const PetEntity = new EntitySchema<PetRecord>({
  name: 'Pet',
  tableName: 'pets',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    name: { type: 'varchar', length: 200 },
    status: { type: 'varchar', length: 16 },
    category: { type: 'simple-json', nullable: true },
    photoUrls: { name: 'photo_urls', type: 'simple-json' },
    tags: { type: 'simple-json' },
    version: { type: 'integer' },
  },
});

/** The API representation of a stored pet. */
export function toPet({ version: _version, category, ...pet }: PetRecord): object {
  return category ? { ...pet, category } : pet;
}
