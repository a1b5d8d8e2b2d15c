import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Executor } from './transactor.js';

const SENTINEL = '\u0000sb-param-';

/** A placeholder for the n-th argument of a compiled query. */
export function arg(n: number): string {
  return `${SENTINEL}${n}`;
}

/**
 * Builds and compiles a query once, at start-up, for the store's own dialect; each run only binds new
 * values. Kysely otherwise rebuilds and recompiles the query tree on every call, which costs more than
 * SQLite takes to run our small statements. Values in the builder are `arg(n)` placeholders.
 */
export function compiled<Row, A extends unknown[]>(
  db: Kysely<Database>,
  build: (db: Kysely<Database>) => Compilable<Row>,
): (ex: Executor | null, ...args: A) => Promise<Row[]> {
  const query = build(db).compile();
  const slots = query.parameters.map((p) => (typeof p === 'string' && p.startsWith(SENTINEL) ? Number(p.slice(SENTINEL.length)) : -1));
  const constants = query.parameters;
  return async (ex, ...args) => {
    const params = slots.map((slot, i) => (slot >= 0 ? args[slot] : constants[i]));
    const result = await (ex ?? db).executeQuery<Row>(CompiledQuery.raw(query.sql, params));
    return result.rows as Row[];
  };
}

/**
 * Inserts rows of one table. One row, or many on SQLite, runs a compiled single-row statement per row (inside
 * the caller's transaction: microseconds each, one prepared text); a multi-row statement would be rebuilt by
 * Kysely and prepared anew for every row count. Many rows on PostgreSQL go in multi-row statements (one round
 * trip each).
 */
export function compiledInsert<T extends keyof Database & string, C extends keyof Database[T] & string>(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  table: T,
  columns: readonly C[],
): (ex: Executor | null, rows: readonly Pick<Database[T], C>[]) => Promise<void> {
  const one = compiled<unknown, unknown[]>(db, (q) => q.insertInto(table).values(Object.fromEntries(columns.map((c, i) => [c, arg(i)])) as never));
  // PostgreSQL binds at most 65535 parameters per statement.
  const chunk = Math.max(1, Math.floor(60_000 / columns.length));
  return async (ex, rows) => {
    if (dialect === 'postgres' && rows.length > 1) {
      for (let i = 0; i < rows.length; i += chunk)
        await (ex ?? db)
          .insertInto(table)
          .values(rows.slice(i, i + chunk) as never)
          .execute();
      return;
    }
    const all = async (trx: Executor) => {
      for (const row of rows) await one(trx, ...columns.map((c) => row[c]));
    };
    // Outside a transaction each row would be its own commit.
    if (ex || rows.length <= 1) await all(ex ?? db);
    else await db.transaction().execute(all);
  };
}
