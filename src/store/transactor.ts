import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Executor = Kysely<Database> | Transaction<Database>;

/** Runs a unit of work in one transaction; repositories take the executor it hands out. */
export interface Transactor {
  transaction<T>(work: (trx: Executor) => Promise<T>): Promise<T>;
}

/** Transactions opened here (or by the group committer) -> what to run once they commit. */
const commitHooks = new WeakMap<Executor, Array<() => void>>();

/**
 * Runs `hook` once what `executor` wrote is committed: at once outside a transaction (the statement has
 * already committed by itself), after the commit inside one, and never if it rolls back. This is how a job
 * queue announces new work to its workers without every service passing "kick" callbacks around.
 */
export function afterCommit(executor: Executor | undefined, hook: () => void): void {
  const hooks = executor && commitHooks.get(executor);
  if (hooks) hooks.push(hook);
  // Autocommit (already committed), or a transaction opened elsewhere: announcing early only wakes a worker
  // before the row is visible, and its next poll finds it.
  else hook();
}

/**
 * Whether afterCommit(executor) runs its hook only once what the executor wrote is committed: outside a
 * transaction, or in one opened here or by the group committer. False for a transaction opened elsewhere,
 * where afterCommit runs the hook at once, before the commit.
 */
export function commitKnown(executor: Executor | undefined): boolean {
  return executor === undefined || !executor.isTransaction || commitHooks.has(executor);
}

/** Opens a scope whose commit hooks the caller runs (after a commit) or drops (after a rollback). */
export function collectCommitHooks(trx: Executor): Array<() => void> {
  const hooks: Array<() => void> = [];
  commitHooks.set(trx, hooks);
  return hooks;
}

export function runCommitHooks(hooks: Array<() => void>): void {
  for (const hook of hooks) hook();
}

export function transactor(db: Kysely<Database>): Transactor {
  return {
    transaction: async (work) => {
      let hooks: Array<() => void> = [];
      const result = await db.transaction().execute((trx) => {
        hooks = collectCommitHooks(trx);
        return work(trx);
      });
      runCommitHooks(hooks);
      return result;
    },
  };
}
