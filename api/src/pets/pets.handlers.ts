import type { DataSource } from 'typeorm';
import { isForeignKeyViolation } from '../db/errors.ts';
import { deleteVersioned, updateVersioned } from '../db/versioned.ts';
import { mergePatch } from '../http/merge-patch.ts';
import type { Handlers } from '../http/openapi-router.ts';
import { linkNextPage } from '../http/pagination.ts';
import { checkIfMatch, respondWithVersion } from '../http/preconditions.ts';
import { apiBasePath } from '../openapi/base-path.ts';
import { HttpProblem } from '../problem.ts';
import { petReads, type PetPageQuery } from './pet-reads.ts';
import { PetEntity, toPet, type PetInput, type PetRecord } from './pet.entity.ts';

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
  const reads = petReads(dataSource);

  return {
    async listPets(ctx, { query }) {
      const { status, tags, limit, after = 0 } = query as Partial<PetPageQuery> & { limit: number };
      const { pets: page, more } = await reads.page({ status, tags, limit, after });
      const last = page.at(-1);
      if (more && last) linkNextPage(ctx, last.id);
      ctx.type = 'application/json';
      ctx.body = `[${page.map((pet) => pet.json).join(',')}]`;
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
      const pet = await reads.byId(id);
      if (!pet) throw notFound(id);
      respondWithVersion(ctx, pet.version, pet.json);
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
