import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** A result row as the driver returns it: column values in SELECT order, unconverted. */
export type Row = unknown[];

/** Runs hand-written SELECTs (`?` placeholders) as prepared statements on the data source's own connections. */
export interface Statements {
  all(sql: string, parameters: unknown[]): Promise<Row[]>;
}

// The part of better-sqlite3's API used here (its types are not a dependency of the API).
interface SqliteStatement {
  raw(toggle: boolean): SqliteStatement;
  all(...parameters: unknown[]): Row[];
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
}

/**
 * The read path of the hot routes, below TypeORM: each distinct SELECT is prepared once (better-sqlite3's statement
 * object; a named statement per pg connection) and rows come back as arrays, so a read costs the query and little
 * else (TypeORM's query runner and per-column hydration cost several times the query, see docs/benchmarks.md). The
 * SQL texts come from code, never from input, so the caches stay bounded.
 */
export function statements(dataSource: DataSource): Statements {
  if (dataSource.options.type === 'postgres') {
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    const prepared = new Map<string, { name: string; text: string }>();
    return {
      async all(sql, parameters) {
        let statement = prepared.get(sql);
        if (!statement) {
          let n = 0;
          statement = { name: `petstore_read_${prepared.size}`, text: sql.replace(/\?/g, () => `$${++n}`) };
          prepared.set(sql, statement);
        }
        const result = await pool.query<Row>({ ...statement, values: parameters, rowMode: 'array' });
        return result.rows;
      },
    };
  }
  const database = (dataSource.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
  const prepared = new Map<string, SqliteStatement>();
  return {
    all(sql, parameters) {
      // better-sqlite3 is synchronous; a throw in the executor becomes a rejection, as with pg.
      return new Promise<Row[]>((resolve) => {
        let statement = prepared.get(sql);
        if (!statement) {
          statement = database.prepare(sql).raw(true);
          prepared.set(sql, statement);
        }
        resolve(statement.all(...parameters));
      });
    },
  };
}
