import type { DataSource } from 'typeorm';
import { statements, type Row } from '../db/statements.ts';
import type { PetStatus } from './pet.entity.ts';

/** A stored pet as API JSON text, with its version (the ETag). */
export interface PetJson {
  id: number;
  version: number;
  json: string;
}

export interface PetPageQuery {
  status?: PetStatus[];
  tags?: string[];
  limit: number;
  after: number;
}

/** The two hot reads of pets: one by id, one page of a filtered list. */
export interface PetReads {
  byId(id: number): Promise<PetJson | undefined>;
  /** Up to `limit` pets with ids above `after`, oldest first; `more` when another page follows. */
  page(query: PetPageQuery): Promise<{ pets: PetJson[]; more: boolean }>;
}

const columns = 'SELECT id, name, status, category, photo_urls, tags, version FROM pets ';

// Pets having at least one of the named tags; the tags live in a JSON column, read with each engine's JSON functions.
const hasTag = {
  postgres: (names: string) =>
    `EXISTS (SELECT 1 FROM jsonb_array_elements(tags::jsonb) AS t WHERE t->>'name' IN (${names}))`,
  sqlite: (names: string) =>
    `EXISTS (SELECT 1 FROM json_each(tags) AS t WHERE json_extract(t.value, '$.name') IN (${names}))`,
};

const placeholders = (values: unknown[]) => values.map(() => '?').join(', ');

/**
 * The representation is assembled from the row as stored: category, photo URLs and tags are JSON text in their
 * columns (written by JSON.stringify through the entity's simple-json columns), so they are spliced in as they are
 * instead of being parsed and serialized again on every read. Same members as toPet().
 */
function toPetJson(row: Row): PetJson {
  const [id, name, status, category, photoUrls, tags, version] = row as [
    number,
    string,
    string,
    string | null,
    string,
    string,
    number,
  ];
  const categoryMember = category === null || category === 'null' ? '' : `,"category":${category}`;
  return {
    id,
    version,
    json: `{"id":${id},"name":${JSON.stringify(name)}${categoryMember},"photoUrls":${photoUrls},"tags":${tags},"status":${JSON.stringify(status)}}`,
  };
}

export function petReads(dataSource: DataSource): PetReads {
  const run = statements(dataSource);
  const tagFilter = dataSource.options.type === 'postgres' ? hasTag.postgres : hasTag.sqlite;
  return {
    async byId(id) {
      const [row] = await run.all(`${columns}WHERE id = ?`, [id]);
      return row && toPetJson(row);
    },
    async page({ status, tags, limit, after }) {
      const conditions = ['id > ?'];
      if (status) conditions.push(`status IN (${placeholders(status)})`);
      if (tags) conditions.push(tagFilter(placeholders(tags)));
      const rows = await run.all(`${columns}WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT ?`, [
        after,
        ...(status ?? []),
        ...(tags ?? []),
        limit + 1, // one more than asked tells whether a next page exists
      ]);
      return { pets: rows.slice(0, limit).map(toPetJson), more: rows.length > limit };
    },
  };
}
