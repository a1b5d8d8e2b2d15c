import type { ExpressionBuilder, Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { Database, QueueMembersTable, QueuesTable } from '../schema.js';
import { LIVE_STATUSES } from './calls.js';

export type QueueRow = QueuesTable;
export type QueueMemberRow = QueueMembersTable;

/** How many calls wait in a queue, and the sum of their enqueue times (for the average wait). */
export interface QueueLoad {
  size: number;
  enqueuedSum: number;
}

/**
 * A member counts only while its call is live: rows left by a call that ended without leaving (its node
 * died) drop out of every answer at once, before anything deletes them.
 */
const live = (eb: ExpressionBuilder<Database, 'queue_members'>) =>
  eb.exists(eb.selectFrom('calls').select('calls.sid').whereRef('calls.sid', '=', 'queue_members.call_sid').where('calls.status', 'in', LIVE_STATUSES));

export class QueuesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** False when the account already has a queue of this name. */
  async insertIfNameFree(row: QueueRow): Promise<boolean> {
    const r = await this.db
      .insertInto('queues')
      .values(row)
      .onConflict((oc) => oc.columns(['account_sid', 'friendly_name']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  find(accountSid: string, sid: string): Promise<QueueRow | undefined> {
    return this.db.selectFrom('queues').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  findByName(accountSid: string, friendlyName: string): Promise<QueueRow | undefined> {
    return this.db.selectFrom('queues').selectAll().where('account_sid', '=', accountSid).where('friendly_name', '=', friendlyName).executeTakeFirst();
  }

  list(accountSid: string, page: PageQuery): Promise<Page<QueueRow>> {
    return paginate(this.db.selectFrom('queues').selectAll().where('account_sid', '=', accountSid), 'asc', page);
  }

  async update(accountSid: string, sid: string, changes: Partial<Pick<QueueRow, 'friendly_name' | 'max_size' | 'date_updated'>>): Promise<void> {
    await this.db.updateTable('queues').set(changes).where('sid', '=', sid).where('account_sid', '=', accountSid).execute();
  }

  async delete(accountSid: string, sid: string): Promise<void> {
    await this.db.deleteFrom('queues').where('sid', '=', sid).where('account_sid', '=', accountSid).execute();
  }

  /** Live members and the sum of their enqueue times, per queue (absent: empty). */
  async loads(queueSids: readonly string[]): Promise<Map<string, QueueLoad>> {
    const out = new Map<string, QueueLoad>();
    if (queueSids.length === 0) return out;
    const rows = await this.db
      .selectFrom('queue_members')
      .select((eb) => ['queue_sid', eb.fn.countAll<number | string | bigint>().as('n'), eb.fn.sum<number | string | bigint>('date_created').as('total')])
      .where('queue_sid', 'in', queueSids)
      .where(live)
      .groupBy('queue_sid')
      .execute();
    for (const r of rows) out.set(r.queue_sid, { size: Number(r.n), enqueuedSum: Number(r.total ?? 0) });
    return out;
  }

  /** Adds a call to the end of the line unless `limit` live calls already wait: false when full. */
  enqueue(row: QueueMemberRow, limit: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .selectFrom('queue_members')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .where('queue_sid', '=', row.queue_sid)
        .where(live)
        .executeTakeFirst();
      if (Number(r?.n ?? 0) >= limit) return false;
      // A call is in one queue at a time: a leftover row of this call (a crash mid-wait) is replaced.
      await trx.deleteFrom('queue_members').where('call_sid', '=', row.call_sid).execute();
      await trx.insertInto('queue_members').values(row).execute();
      return true;
    });
  }

  /** Takes the call out of its queue; false when it was no longer there (someone else took it). */
  async remove(callSid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('queue_members').where('call_sid', '=', callSid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /**
   * Takes the first live member whose media runs on `nodeId` (null: on any node): exactly one taker wins
   * a member, as the delete succeeds once.
   */
  async claimFront(queueSid: string, nodeId: string | null): Promise<QueueMemberRow | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      let q = this.db.selectFrom('queue_members').selectAll().where('queue_sid', '=', queueSid);
      if (nodeId !== null) q = q.where('node_id', '=', nodeId);
      const front = await q.where(live).orderBy('date_created').orderBy('sid').limit(1).executeTakeFirst();
      if (!front) return undefined;
      if (await this.remove(front.call_sid)) return front;
    }
    return undefined;
  }

  front(queueSid: string): Promise<QueueMemberRow | undefined> {
    return this.db
      .selectFrom('queue_members')
      .selectAll()
      .where('queue_sid', '=', queueSid)
      .where(live)
      .orderBy('date_created')
      .orderBy('sid')
      .limit(1)
      .executeTakeFirst();
  }

  findMember(queueSid: string, callSid: string): Promise<QueueMemberRow | undefined> {
    return this.db.selectFrom('queue_members').selectAll().where('queue_sid', '=', queueSid).where('call_sid', '=', callSid).where(live).executeTakeFirst();
  }

  /** The live line in order (call SIDs): positions come from here (a queue holds at most 5000). */
  async line(queueSid: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('queue_members')
      .select('call_sid')
      .where('queue_sid', '=', queueSid)
      .where(live)
      .orderBy('date_created')
      .orderBy('sid')
      .execute();
    return rows.map((r) => r.call_sid);
  }

  listMembers(queueSid: string, page: PageQuery): Promise<Page<QueueMemberRow>> {
    return paginate(this.db.selectFrom('queue_members').selectAll().where('queue_sid', '=', queueSid).where(live), 'asc', page);
  }

  /** At start-up: this node's calls from a previous life are over, and so is their place in line. */
  async purgeNode(nodeId: string): Promise<void> {
    await this.db.deleteFrom('queue_members').where('node_id', '=', nodeId).execute();
  }
}
