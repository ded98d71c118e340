import type { DataSource } from 'typeorm';
import { isForeignKeyViolation } from '../db/errors.ts';
import { rowReader } from '../db/row-reader.ts';
import { deleteVersioned, updateVersioned } from '../db/versioned.ts';
import { mergePatch } from '../http/merge-patch.ts';
import type { Handlers } from '../http/openapi-router.ts';
import { linkNextPage } from '../http/pagination.ts';
import { checkIfMatch, respondWithVersion } from '../http/preconditions.ts';
import { apiBasePath } from '../openapi/base-path.ts';
import { HttpProblem } from '../problem.ts';
import { PetEntity, toPet, type PetInput, type PetRecord, type PetStatus } from './pet.entity.ts';

interface ListQuery {
  status?: PetStatus[];
  tags?: string[];
  limit: number;
  after?: number;
}

// Pets having at least one of the named tags; the tags live in a JSON column, read with each engine's JSON functions.
const hasTag = {
  postgres: (names: string) =>
    `EXISTS (SELECT 1 FROM jsonb_array_elements(tags::jsonb) AS t WHERE t->>'name' IN (${names}))`,
  sqlite: (names: string) =>
    `EXISTS (SELECT 1 FROM json_each(tags) AS t WHERE json_extract(t.value, '$.name') IN (${names}))`,
};

const placeholders = (values: unknown[]) => values.map(() => '?').join(', ');

const fields = (pet: PetInput): Omit<PetRecord, 'id' | 'version'> => ({
  name: pet.name,
  category: pet.category ?? null,
  photoUrls: pet.photoUrls,
  tags: pet.tags,
  status: pet.status,
});

const notFound = (id: number) => new HttpProblem(404, `pet ${id} does not exist`);

/** Pets: CRUD with optimistic concurrency (ETag = version) and keyset pagination. */
export function petHandlers({ dataSource }: { dataSource: DataSource }): Handlers {
  const pets = dataSource.getRepository(PetEntity);
  const read = rowReader(dataSource, PetEntity);
  const tagFilter = dataSource.options.type === 'postgres' ? hasTag.postgres : hasTag.sqlite;

  return {
    async listPets(ctx, { query }) {
      const { status, tags, limit, after = 0 } = query as unknown as ListQuery;
      const conditions = ['id > ?'];
      if (status) conditions.push(`status IN (${placeholders(status)})`);
      if (tags) conditions.push(tagFilter(placeholders(tags)));
      const rows = await read.select(`WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT ?`, [
        after,
        ...(status ?? []),
        ...(tags ?? []),
        limit + 1, // one more than asked tells whether a next page exists
      ]);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      if (rows.length > limit && last) linkNextPage(ctx, last.id);
      ctx.body = page.map(toPet);
    },

    async createPet(ctx, { body }) {
      const pet = { ...fields(body as PetInput), version: 1 };
      const { identifiers } = await pets.insert(pet);
      const id = Number(identifiers[0]?.id);
      ctx.set('Location', `${apiBasePath}/pets/${id}`);
      respondWithVersion(ctx, pet.version, toPet({ id, ...pet }), 201);
    },

    async getPet(ctx, { path }) {
      const id = path.petId as number;
      const [pet] = await read.select('WHERE id = ?', [id]);
      if (!pet) throw notFound(id);
      respondWithVersion(ctx, pet.version, toPet(pet));
    },

    async replacePet(ctx, { path, body }) {
      const id = path.petId as number;
      const pet = await updateVersioned(
        pets,
        { id },
        (current) => checkIfMatch(ctx, current.version),
        () => fields(body as PetInput),
      );
      if (!pet) throw notFound(id);
      respondWithVersion(ctx, pet.version, toPet(pet));
    },

    async updatePet(ctx, { path, body }) {
      const id = path.petId as number;
      const { id: _ignored, ...patch } = body as Record<string, unknown>;
      const pet = await updateVersioned(
        pets,
        { id },
        (current) => checkIfMatch(ctx, current.version),
        (current) => fields(mergePatch(toPet(current), patch) as PetInput),
      );
      if (!pet) throw notFound(id);
      respondWithVersion(ctx, pet.version, toPet(pet));
    },

    async deletePet(ctx, { path }) {
      const id = path.petId as number;
      try {
        if (!(await deleteVersioned(pets, { id }, (current) => checkIfMatch(ctx, current.version)))) throw notFound(id);
      } catch (error) {
        if (isForeignKeyViolation(error)) throw new HttpProblem(409, `pet ${id} has orders; delete them first`);
        throw error;
      }
      ctx.status = 204;
    },
  };
}
