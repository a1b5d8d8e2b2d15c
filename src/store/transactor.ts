import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Executor = Kysely<Database> | Transaction<Database>;

/** Runs a unit of work in one transaction; repositories take the executor it hands out. */
export interface Transactor {
  transaction<T>(work: (trx: Executor) => Promise<T>): Promise<T>;
}

export function transactor(db: Kysely<Database>): Transactor {
  return { transaction: (work) => db.transaction().execute(work) };
}
