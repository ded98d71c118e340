import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** Reads rows of one entity with hand-written clauses: `select('WHERE id = ?', [id])`. */
export interface RowReader<T> {
  select(clauses: string, parameters: unknown[]): Promise<T[]>;
}

/**
 * The read path of the hot routes. TypeORM's query builder costs ~8× the query itself per call (about 200 µs against
 * 25 µs for a row by id on SQLite, see docs/benchmarks.md); this keeps the entity's metadata (table, columns) and the
 * driver's value hydration (simple-json, booleans) but builds the SELECT once. Clauses use `?` placeholders, numbered
 * for PostgreSQL here, so they must not contain a literal `?`.
 */
export function rowReader<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>): RowReader<T> {
  const { driver } = dataSource;
  const { columns, tableName } = dataSource.getMetadata(entity);
  const head = `SELECT ${columns.map((c) => driver.escape(c.databaseName)).join(', ')} FROM ${driver.escape(tableName)} `;
  const numbered = dataSource.options.type === 'postgres';
  return {
    async select(clauses, parameters) {
      let n = 0;
      const sql = head + (numbered ? clauses.replace(/\?/g, () => `$${++n}`) : clauses);
      const rows = await dataSource.query<Record<string, unknown>[]>(sql, parameters);
      return rows.map(
        (row) =>
          Object.fromEntries(
            columns.map((column) => [
              column.propertyName,
              driver.prepareHydratedValue(row[column.databaseName], column),
            ]),
          ) as T,
      );
    },
  };
}
