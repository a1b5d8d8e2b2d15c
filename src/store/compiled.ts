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
export function compiled<Row, A extends unknown[]>(db: Kysely<Database>, build: (db: Kysely<Database>) => Compilable<Row>): (ex: Executor | null, ...args: A) => Promise<Row[]> {
  const query = build(db).compile();
  const slots = query.parameters.map((p) => (typeof p === 'string' && p.startsWith(SENTINEL) ? Number(p.slice(SENTINEL.length)) : -1));
  const constants = query.parameters;
  return async (ex, ...args) => {
    const params = slots.map((slot, i) => (slot >= 0 ? args[slot] : constants[i]));
    const result = await (ex ?? db).executeQuery<Row>(CompiledQuery.raw(query.sql, params));
    return result.rows as Row[];
  };
}
