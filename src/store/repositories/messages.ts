import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../db.js';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { Database, MessagesTable, VirtualPhoneMessagesTable } from '../schema.js';
import type { Executor } from '../transactor.js';

export type MessageRow = MessagesTable;
export type VirtualPhoneMessageRow = VirtualPhoneMessagesTable;
export type MessageChanges = Partial<Omit<MessageRow, 'sid' | 'account_sid' | 'date_created'>>;

export interface MessageFilter {
  to?: string | undefined;
  from?: string | undefined;
  dateSentOn?: [number, number] | undefined;
  dateSentBefore?: number | undefined;
  dateSentAfter?: number | undefined;
}

export class MessagesRepository {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: DialectName) {}

  async insert(row: MessageRow, ex: Executor = this.db): Promise<void> {
    await ex.insertInto('messages').values(row).execute();
  }

  /**
   * Reserves the sender's next send slot (MPS pacing shared by every node through this row) and returns
   * when the message may go, or undefined when that is further out than the backlog allows.
   */
  async reserveSlot(sender: string, now: number, costMs: number, maxBacklogMs: number, ex: Executor): Promise<number | undefined> {
    let q = ex.selectFrom('sender_schedule').select('next_free_at').where('sender', '=', sender);
    if (this.dialect === 'postgres') q = q.forUpdate();
    const current = await q.executeTakeFirst();
    const runAt = Math.max(now, current?.next_free_at ?? 0);
    if (runAt - now > maxBacklogMs) return undefined;
    const next = runAt + costMs;
    if (current) await ex.updateTable('sender_schedule').set({ next_free_at: next }).where('sender', '=', sender).execute();
    else {
      await ex.insertInto('sender_schedule').values({ sender, next_free_at: next })
        .onConflict((oc) => oc.column('sender').doUpdateSet({ next_free_at: sql`excluded.next_free_at` })).execute();
    }
    return runAt;
  }

  /** Takes due pipeline work under a lease; a node that dies loses its claims when the lease runs out. */
  async claimDue(worker: string, limit: number, now: number, leaseMs: number): Promise<MessageRow[]> {
    return this.db.transaction().execute(async (trx) => {
      let pick = trx.selectFrom('messages').select('sid')
        .where('run_at', 'is not', null).where('run_at', '<=', now)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('run_at').limit(limit);
      if (this.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
      const sids = (await pick.execute()).map((r) => r.sid);
      if (sids.length === 0) return [];
      return trx.updateTable('messages')
        .set({ locked_by: worker, locked_until: now + leaseMs, attempts: sql`attempts + 1` })
        .where('sid', 'in', sids).returningAll().execute();
    });
  }

  /**
   * Moves a message to a new status only from one of the statuses allowed before it, so statuses never
   * go backwards even when reports race. Returns whether the change happened.
   */
  async transition(sid: string, from: readonly string[], changes: MessageChanges, ex: Executor = this.db): Promise<boolean> {
    const r = await ex.updateTable('messages').set(changes).where('sid', '=', sid).where('status', 'in', from).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async update(sid: string, changes: MessageChanges, ex: Executor = this.db): Promise<void> {
    await ex.updateTable('messages').set(changes).where('sid', '=', sid).execute();
  }

  async find(sid: string, ex: Executor = this.db): Promise<MessageRow | undefined> {
    return ex.selectFrom('messages').selectAll().where('sid', '=', sid).executeTakeFirst();
  }

  async findOwned(accountSid: string, sid: string): Promise<MessageRow | undefined> {
    return this.db.selectFrom('messages').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  async findByCarrierId(carrier: string, carrierId: string): Promise<MessageRow | undefined> {
    return this.db.selectFrom('messages').selectAll().where('carrier', '=', carrier)
      .where('carrier_ids', 'like', `%"${carrierId.replace(/[%_"\\]/g, '')}"%`).executeTakeFirst();
  }

  async list(accountSid: string, f: MessageFilter, page: PageQuery): Promise<Page<MessageRow>> {
    let q = this.db.selectFrom('messages').selectAll().where('account_sid', '=', accountSid);
    if (f.to !== undefined) q = q.where('to_number', '=', f.to);
    if (f.from !== undefined) q = q.where('from_number', '=', f.from);
    if (f.dateSentOn) q = q.where('date_sent', '>=', f.dateSentOn[0]).where('date_sent', '<', f.dateSentOn[1]);
    if (f.dateSentBefore !== undefined) q = q.where('date_sent', '<', f.dateSentBefore);
    if (f.dateSentAfter !== undefined) q = q.where('date_sent', '>=', f.dateSentAfter);
    return paginate(q, 'desc', page);
  }

  async delete(accountSid: string, sid: string, ex: Executor = this.db): Promise<boolean> {
    await ex.deleteFrom('message_media').where('message_sid', '=', sid).where('account_sid', '=', accountSid).execute();
    const r = await ex.deleteFrom('messages').where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Records what a virtual phone received or sent; a repeat for the same message is ignored. */
  async insertVirtual(row: VirtualPhoneMessageRow, ex: Executor = this.db): Promise<boolean> {
    const r = await ex.insertInto('virtual_phone_messages').values(row)
      .onConflict((oc) => oc.column('message_sid').doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async listVirtual(accountSid: string, phone: string, page: PageQuery): Promise<Page<VirtualPhoneMessageRow>> {
    return paginate(this.db.selectFrom('virtual_phone_messages').selectAll()
      .where('account_sid', '=', accountSid).where('phone', '=', phone), 'desc', page);
  }

  async listVirtualPhones(accountSid: string): Promise<{ phone: string; count: number; last: number }[]> {
    const rows = await this.db.selectFrom('virtual_phone_messages')
      .select(['phone', (eb) => eb.fn.countAll<number>().as('count'), (eb) => eb.fn.max('date_created').as('last')])
      .where('account_sid', '=', accountSid).groupBy('phone').orderBy('last', 'desc').limit(1000).execute();
    return rows.map((r) => ({ phone: r.phone, count: Number(r.count), last: Number(r.last) }));
  }

  async countVirtualReceived(messageSid: string): Promise<number> {
    const r = await this.db.selectFrom('virtual_phone_messages').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('message_sid', '=', messageSid).executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
