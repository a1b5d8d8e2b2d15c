import type { Kysely } from 'kysely';
import type { CallNodesTable, Database } from '../schema.js';

export type CallNodeRow = CallNodesTable;

/** The voice nodes sharing the database (migration 0017): each writes its own row, any reads all of them. */
export class CallNodesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Writes this node's row: its address, key, load and heartbeat (insert on the first beat of a life). */
  async beat(row: CallNodeRow): Promise<void> {
    const { id, started_at, ...changes } = row;
    await this.db
      .insertInto('call_nodes')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(changes))
      .execute();
  }

  async find(id: string): Promise<CallNodeRow | undefined> {
    return this.db.selectFrom('call_nodes').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Nodes whose heartbeat is at or after `aliveSince`, by id (a stable order for round-robin). */
  async alive(aliveSince: number): Promise<CallNodeRow[]> {
    return this.db.selectFrom('call_nodes').selectAll().where('heartbeat_at', '>=', aliveSince).orderBy('id').execute();
  }

  async setAccepting(id: string, accepting: boolean): Promise<void> {
    await this.db
      .updateTable('call_nodes')
      .set({ accepting: accepting ? 1 : 0 })
      .where('id', '=', id)
      .execute();
  }

  /** Forgets nodes silent since `before` (so the table does not grow with every host that ever ran). */
  async forget(before: number): Promise<void> {
    await this.db.deleteFrom('call_nodes').where('heartbeat_at', '<', before).execute();
  }
}
