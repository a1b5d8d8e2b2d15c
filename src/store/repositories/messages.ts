import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../db.js';
import { arg, compiled, compiledInsert } from '../compiled.js';
import { ofAccount, paginate, type Page, type PageQuery } from '../paging.js';
import type { Database, MessagesTable, VirtualPhoneMessagesTable } from '../schema.js';
import type { Executor } from '../transactor.js';

/** How far the clocks of two nodes may disagree for the DateSent bound above (generously). */
const CLOCK_SLACK_MS = 3_600_000;
export type MessageRow = MessagesTable;
export type VirtualPhoneMessageRow = VirtualPhoneMessagesTable;
export type MessageChanges = Partial<Omit<MessageRow, 'sid' | 'account_sid' | 'date_created'>>;

/**
 * A slot's start as run_at (whole milliseconds, rounded up). Starts are read back as an end less costs, exact
 * but for the double's rounding (under a microsecond at today's epoch milliseconds), which must not push a
 * whole millisecond up to the next.
 */
const wholeMs = (start: number): number => Math.ceil(start - 0.001);

export interface MessageFilter {
  to?: string | undefined;
  from?: string | undefined;
  dateSentOn?: [number, number] | undefined;
  dateSentBefore?: number | undefined;
  dateSentAfter?: number | undefined;
}

const MESSAGE_COLUMNS = [
  'sid',
  'account_sid',
  'messaging_service_sid',
  'direction',
  'from_number',
  'to_number',
  'body',
  'status',
  'num_segments',
  'num_media',
  'encoding',
  'error_code',
  'error_message',
  'status_callback',
  'application_sid',
  'validity_period',
  'send_at',
  'carrier',
  'carrier_ids',
  'media_urls',
  'run_at',
  'locked_by',
  'locked_until',
  'attempts',
  'date_created',
  'date_updated',
  'date_sent',
] as const satisfies readonly (keyof MessageRow)[];

export class MessagesRepository {
  // The statements every message passes through, compiled once (see store/compiled.ts).
  private readonly insertRows: ReturnType<typeof compiledInsert<'messages', (typeof MESSAGE_COLUMNS)[number]>>;
  private readonly bySid: ReturnType<typeof compiled<MessageRow, [string]>>;
  private readonly slotOf: ReturnType<typeof compiled<{ next_free_at: number }, [string]>>;
  private readonly setSlot: ReturnType<typeof compiled<unknown, [number, string]>>;
  private readonly takeSlot: ReturnType<typeof compiled<{ next_free_at: number }, [number, number, number, string]>>;
  private readonly transitions = new Map<string, ReturnType<typeof compiled<{ sid: string }, unknown[]>>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {
    this.insertRows = compiledInsert(db, dialect, 'messages', MESSAGE_COLUMNS);
    this.bySid = compiled(db, (q) => q.selectFrom('messages').selectAll().where('sid', '=', arg(0)));
    this.slotOf = compiled(db, (q) => {
      const select = q.selectFrom('sender_schedule').select('next_free_at').where('sender', '=', arg(0));
      return dialect === 'postgres' ? select.forUpdate() : select;
    });
    this.setSlot = compiled(db, (q) =>
      q
        .updateTable('sender_schedule')
        .set({ next_free_at: arg(0) as unknown as number })
        .where('sender', '=', arg(1)),
    );
    // The slot in one statement: the later of the schedule and now, if the backlog allows, is taken.
    this.takeSlot = compiled(db, (q) => {
      const start = sql<number>`${sql.raw(dialect === 'postgres' ? 'greatest' : 'max')}(next_free_at, ${arg(0)})`;
      return q
        .updateTable('sender_schedule')
        .set({ next_free_at: sql<number>`${start} + ${arg(1)}` })
        .where('sender', '=', arg(3))
        .where(sql<number>`${start} - ${arg(0)}`, '<=', arg(2) as unknown as number)
        .returning('next_free_at');
    });
  }

  async insert(row: MessageRow, ex: Executor = this.db): Promise<void> {
    await this.insertRows(ex, [row]);
  }

  /** Several messages at once: one statement on PostgreSQL (see `compiledInsert`). */
  async insertMany(rows: readonly MessageRow[], ex: Executor = this.db): Promise<void> {
    await this.insertRows(ex, rows);
  }

  /**
   * Reserves the sender's next send slot (MPS pacing shared by every node through this row) and returns
   * when the message may go, or undefined when that is further out than the backlog allows.
   */
  async reserveSlot(sender: string, now: number, costMs: number, maxBacklogMs: number, ex: Executor): Promise<number | undefined> {
    // One statement for a known sender with room (a round trip on PostgreSQL instead of a locked read and a write).
    const taken = (await this.takeSlot(ex, now, costMs, maxBacklogMs, sender))[0];
    if (taken) return wholeMs(taken.next_free_at - costMs);
    // Nothing taken: a sender without a row yet, or a backlog too long. This path tells which.
    let current = (await this.slotOf(ex, sender))[0];
    if (!current) {
      // A new sender has no row to lock: two nodes taking its first slots at once would both start from `now`
      // and send together. So the row is made first (the second insert waits for the first and does nothing),
      // then locked and read like any other.
      await ex
        .insertInto('sender_schedule')
        .values({ sender, next_free_at: 0 })
        .onConflict((oc) => oc.column('sender').doNothing())
        .execute();
      current = (await this.slotOf(ex, sender))[0];
    }
    const runAt = Math.max(now, current?.next_free_at ?? 0);
    if (runAt - now > maxBacklogMs) return undefined;
    await this.setSlot(ex, runAt + costMs, sender);
    // run_at is whole milliseconds; the schedule keeps the fraction so fast senders are not rounded down.
    return Math.ceil(runAt);
  }

  /**
   * `reserveSlot` for several messages of one sender, in order: one statement when the last of them fits the
   * backlog, else one reservation each (a new sender, or a backlog that takes only some of them).
   */
  async reserveSlots(sender: string, now: number, costsMs: readonly number[], maxBacklogMs: number, ex: Executor): Promise<(number | undefined)[]> {
    if (costsMs.length === 1) return [await this.reserveSlot(sender, now, costsMs[0]!, maxBacklogMs, ex)];
    const total = costsMs.reduce((a, b) => a + b, 0);
    const lastStart = total - costsMs[costsMs.length - 1]!;
    const taken = (await this.takeSlot(ex, now, total, maxBacklogMs - lastStart, sender))[0];
    if (taken) {
      let at = taken.next_free_at - total;
      return costsMs.map((cost) => {
        const slot = wholeMs(at);
        at += cost;
        return slot;
      });
    }
    const slots: (number | undefined)[] = [];
    for (const cost of costsMs) slots.push(await this.reserveSlot(sender, now, cost, maxBacklogMs, ex));
    return slots;
  }

  /** Takes due pipeline work under a lease; a node that dies loses its claims when the lease runs out. */
  async claimDue(worker: string, limit: number, now: number, leaseMs: number): Promise<MessageRow[]> {
    return this.db.transaction().execute(async (trx) => {
      let pick = trx
        .selectFrom('messages')
        .select('sid')
        .where('run_at', 'is not', null)
        .where('run_at', '<=', now)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('run_at')
        .limit(limit);
      if (this.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
      const sids = (await pick.execute()).map((r) => r.sid);
      if (sids.length === 0) return [];
      return trx
        .updateTable('messages')
        .set({ locked_by: worker, locked_until: now + leaseMs, attempts: sql`attempts + 1` })
        .where('sid', 'in', sids)
        .returningAll()
        .execute();
    });
  }

  /**
   * Moves a message to a new status only from one of the statuses allowed before it, so statuses never
   * go backwards even when reports race. Returns whether the change happened.
   */
  async transition(sid: string, from: readonly string[], changes: MessageChanges, ex: Executor = this.db): Promise<boolean> {
    // Receipts run this once per message: compiled once per shape (which columns change, how many from-states).
    const columns = (Object.keys(changes) as (keyof MessageChanges)[]).filter((c) => changes[c] !== undefined);
    const shape = `${columns.join(',')}|${from.length}`;
    let update = this.transitions.get(shape);
    if (!update) {
      update = compiled<{ sid: string }, unknown[]>(this.db, (q) =>
        q
          .updateTable('messages')
          .set(Object.fromEntries(columns.map((c, i) => [c, arg(i)])) as MessageChanges)
          .where('sid', '=', arg(columns.length))
          .where(
            'status',
            'in',
            from.map((_, i) => arg(columns.length + 1 + i)),
          )
          .returning('sid'),
      );
      if (this.transitions.size < 64) this.transitions.set(shape, update);
    }
    return (await update(ex, ...columns.map((c) => changes[c]), sid, ...from)).length > 0;
  }

  /** `transition` for many messages at once (same change for all); returns the SIDs that moved. */
  async transitionMany(sids: readonly string[], from: readonly string[], changes: MessageChanges, ex: Executor = this.db): Promise<Set<string>> {
    const moved = new Set<string>();
    for (let i = 0; i < sids.length; i += 500) {
      const rows = await ex
        .updateTable('messages')
        .set(changes)
        .where('sid', 'in', sids.slice(i, i + 500))
        .where('status', 'in', from)
        .returning('sid')
        .execute();
      for (const r of rows) moved.add(r.sid);
    }
    return moved;
  }

  /**
   * `transition` for many messages, each with its own change; returns the SIDs that moved. On PostgreSQL one
   * statement per distinct change (a batch of receipts mostly shares one: delivered, at the same time); on
   * SQLite the compiled `transition` per message, for the reason `findMany` gives.
   */
  async transitionEach(items: readonly { sid: string; changes: MessageChanges }[], from: readonly string[], ex: Executor = this.db): Promise<Set<string>> {
    const moved = new Set<string>();
    if (this.dialect !== 'postgres') {
      for (const item of items) if (await this.transition(item.sid, from, item.changes, ex)) moved.add(item.sid);
      return moved;
    }
    const groups = new Map<string, { changes: MessageChanges; sids: string[] }>();
    for (const item of items) {
      const key = JSON.stringify(item.changes);
      const group = groups.get(key);
      if (group) group.sids.push(item.sid);
      else groups.set(key, { changes: item.changes, sids: [item.sid] });
    }
    for (const group of groups.values()) for (const sid of await this.transitionMany(group.sids, from, group.changes, ex)) moved.add(sid);
    return moved;
  }

  /**
   * `transitionMany` that also sets each message's own carrier_ids (a CASE on the SID), so a whole batch of
   * submit results is one statement rather than one per message.
   */
  async transitionManyWithIds(
    items: readonly { sid: string; carrierIds: string }[],
    from: readonly string[],
    changes: MessageChanges,
    ex: Executor = this.db,
  ): Promise<Set<string>> {
    const moved = new Set<string>();
    for (let i = 0; i < items.length; i += 300) {
      const chunk = items.slice(i, i + 300);
      const ids = sql<string>`CASE sid ${sql.join(
        chunk.map((c) => sql`WHEN ${c.sid} THEN ${c.carrierIds}`),
        sql` `,
      )} END`;
      const rows = await ex
        .updateTable('messages')
        .set({ ...changes, carrier_ids: ids })
        .where(
          'sid',
          'in',
          chunk.map((c) => c.sid),
        )
        .where('status', 'in', from)
        .returning('sid')
        .execute();
      for (const r of rows) moved.add(r.sid);
    }
    return moved;
  }

  async update(sid: string, changes: MessageChanges, ex: Executor = this.db): Promise<void> {
    await ex.updateTable('messages').set(changes).where('sid', '=', sid).execute();
  }

  async find(sid: string, ex: Executor = this.db): Promise<MessageRow | undefined> {
    return (await this.bySid(ex, sid))[0];
  }

  /**
   * Rows by SID, for a batch of receipts. PostgreSQL reads them in one statement per 500 (one round trip
   * instead of one per message); SQLite runs the compiled one-row read per SID, microseconds each, where an
   * IN list of each new length would be a new statement to prepare.
   */
  async findMany(sids: readonly string[], ex: Executor = this.db): Promise<Map<string, MessageRow>> {
    const found = new Map<string, MessageRow>();
    if (this.dialect === 'postgres') {
      for (let i = 0; i < sids.length; i += 500) {
        const rows = await ex
          .selectFrom('messages')
          .selectAll()
          .where('sid', 'in', sids.slice(i, i + 500))
          .execute();
        for (const r of rows) found.set(r.sid, r);
      }
      return found;
    }
    for (const sid of sids) {
      const row = (await this.bySid(ex, sid))[0];
      if (row) found.set(sid, row);
    }
    return found;
  }

  async findOwned(accountSid: string, sid: string): Promise<MessageRow | undefined> {
    return this.db.selectFrom('messages').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  async list(accountSid: string, f: MessageFilter, page: PageQuery): Promise<Page<MessageRow>> {
    let q = this.db.selectFrom('messages').selectAll().where(ofAccount(this.dialect, accountSid));
    if (f.to !== undefined) q = q.where('to_number', '=', f.to);
    if (f.from !== undefined) q = q.where('from_number', '=', f.from);
    if (f.dateSentOn) q = q.where('date_sent', '>=', f.dateSentOn[0]).where('date_sent', '<', f.dateSentOn[1]);
    if (f.dateSentBefore !== undefined) q = q.where('date_sent', '<', f.dateSentBefore);
    // A message is sent after it is created, so an upper bound on DateSent bounds date_created too: the scan
    // of the (date_created, sid) index then starts at the range instead of walking every newer message. The
    // slack covers clocks of several nodes that disagree (created on one, sent from another).
    const sentBefore = f.dateSentOn ? f.dateSentOn[1] : f.dateSentBefore;
    if (sentBefore !== undefined) q = q.where('date_created', '<', sentBefore + CLOCK_SLACK_MS);
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
    const r = await ex
      .insertInto('virtual_phone_messages')
      .values(row)
      .onConflict((oc) => oc.column('message_sid').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** A batch of deliveries to virtual phones in one statement; repeats (same message) are ignored. */
  async insertVirtualMany(rows: VirtualPhoneMessageRow[], ex: Executor = this.db): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000) {
      await ex
        .insertInto('virtual_phone_messages')
        .values(rows.slice(i, i + 1000))
        .onConflict((oc) => oc.column('message_sid').doNothing())
        .execute();
    }
  }

  /** Messages a carrier accepted long enough ago that their delivery report should have come (bounded). */
  async sentWithoutReport(carrier: string, sentBefore: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('messages')
      .select('sid')
      .where('status', '=', 'sent')
      .where('carrier', '=', carrier)
      .where('date_sent', '<', sentBefore)
      .limit(1000)
      .execute();
    return rows.map((r) => r.sid);
  }

  async listVirtual(accountSid: string, phone: string, page: PageQuery): Promise<Page<VirtualPhoneMessageRow>> {
    return paginate(this.db.selectFrom('virtual_phone_messages').selectAll().where('account_sid', '=', accountSid).where('phone', '=', phone), 'desc', page);
  }

  async listVirtualPhones(accountSid: string): Promise<{ phone: string; count: number; last: number }[]> {
    const rows = await this.db
      .selectFrom('virtual_phone_messages')
      .select(['phone', (eb) => eb.fn.countAll<number>().as('count'), (eb) => eb.fn.max('date_created').as('last')])
      .where('account_sid', '=', accountSid)
      .groupBy('phone')
      .orderBy('last', 'desc')
      .limit(1000)
      .execute();
    return rows.map((r) => ({ phone: r.phone, count: Number(r.count), last: Number(r.last) }));
  }
}
