import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export class ClusterRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records this node's heartbeat and returns how many nodes beat since `aliveSince`. */
  async beat(id: string, now: number, aliveSince: number): Promise<number> {
    await this.db
      .insertInto('cluster_nodes')
      .values({ id, started_at: now, heartbeat_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: now }))
      .execute();
    // Nodes silent for long are forgotten, so the table does not grow with every restart.
    await this.db
      .deleteFrom('cluster_nodes')
      .where('heartbeat_at', '<', aliveSince - 3_600_000)
      .execute();
    const row = await this.db
      .selectFrom('cluster_nodes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('heartbeat_at', '>=', aliveSince)
      .executeTakeFirst();
    return Math.max(1, Number(row?.n ?? 1));
  }

  async leave(id: string): Promise<void> {
    await this.db.deleteFrom('cluster_nodes').where('id', '=', id).execute();
  }
}
