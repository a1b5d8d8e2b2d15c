import type { Kysely } from 'kysely';
import { arg, compiled } from '../compiled.js';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { CallsTable, Database } from '../schema.js';
import type { Executor } from '../transactor.js';

export type CallRow = CallsTable;
export type CallChanges = Partial<Omit<CallRow, 'sid' | 'account_sid' | 'date_created'>>;

export interface CallFilter {
  to?: string | undefined;
  from?: string | undefined;
  status?: string | undefined;
  parentCallSid?: string | undefined;
  startTimeOn?: [number, number] | undefined;
  startTimeBefore?: number | undefined;
  startTimeAfter?: number | undefined;
  endTimeBefore?: number | undefined;
  endTimeAfter?: number | undefined;
}

/** Statuses a call can still leave; the others are final. */
export const LIVE_STATUSES = ['queued', 'ringing', 'in-progress'] as const;

export class CallsRepository {
  // Every call and every status change reads its row by SID: compiled once.
  private readonly bySid: ReturnType<typeof compiled<CallRow, [string]>>;

  constructor(private readonly db: Kysely<Database>) {
    this.bySid = compiled<CallRow, [string]>(db, (q) => q.selectFrom('calls').selectAll().where('sid', '=', arg(0)));
  }

  async insert(row: CallRow, ex: Executor = this.db): Promise<void> {
    await ex.insertInto('calls').values(row).execute();
  }

  async find(sid: string, ex: Executor | null = null): Promise<CallRow | undefined> {
    return (await this.bySid(ex, sid))[0];
  }

  async findOwned(accountSid: string, sid: string): Promise<CallRow | undefined> {
    return this.db.selectFrom('calls').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  /**
   * Changes a call only while its status is one of `from`, so a status never moves backwards when a
   * hangup races an answer. Returns whether the change happened.
   */
  async transition(sid: string, from: readonly string[], changes: CallChanges, ex: Executor = this.db): Promise<boolean> {
    const r = await ex.updateTable('calls').set(changes).where('sid', '=', sid).where('status', 'in', from).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async update(sid: string, changes: CallChanges, ex: Executor = this.db): Promise<void> {
    await ex.updateTable('calls').set(changes).where('sid', '=', sid).execute();
  }

  async list(accountSid: string, f: CallFilter, page: PageQuery): Promise<Page<CallRow>> {
    let q = this.db.selectFrom('calls').selectAll().where('account_sid', '=', accountSid);
    if (f.to !== undefined) q = q.where('to_number', '=', f.to);
    if (f.from !== undefined) q = q.where('from_number', '=', f.from);
    if (f.status !== undefined) q = q.where('status', '=', f.status);
    if (f.parentCallSid !== undefined) q = q.where('parent_call_sid', '=', f.parentCallSid);
    if (f.startTimeOn) q = q.where('start_time', '>=', f.startTimeOn[0]).where('start_time', '<', f.startTimeOn[1]);
    if (f.startTimeBefore !== undefined) q = q.where('start_time', '<', f.startTimeBefore);
    if (f.startTimeAfter !== undefined) q = q.where('start_time', '>=', f.startTimeAfter);
    if (f.endTimeBefore !== undefined) q = q.where('end_time', '<', f.endTimeBefore);
    if (f.endTimeAfter !== undefined) q = q.where('end_time', '>=', f.endTimeAfter);
    return paginate(q, 'desc', page);
  }

  /** Calls a virtual phone took part in, newest first. */
  async listForVirtualPhone(accountSid: string, phone: string, page: PageQuery): Promise<Page<CallRow>> {
    return paginate(
      this.db
        .selectFrom('calls')
        .selectAll()
        .where('account_sid', '=', accountSid)
        .where('endpoint', '=', 'virtual')
        .where((eb) => eb.or([eb('to_number', '=', phone), eb('from_number', '=', phone)])),
      'desc',
      page,
    );
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('calls').where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Extends the lease on every live call this node runs: one statement per heartbeat, not one per call. */
  async renewLeases(nodeId: string, leaseUntil: number): Promise<void> {
    await this.db.updateTable('calls').set({ lease_until: leaseUntil }).where('node_id', '=', nodeId).where('lease_until', 'is not', null).execute();
  }

  /**
   * Live calls nobody runs any more: any whose lease ran out and, at start-up only, this node's from its
   * previous life (`nodeId`), whose media died with that process.
   */
  async orphaned(now: number, limit: number, nodeId?: string): Promise<CallRow[]> {
    return this.db
      .selectFrom('calls')
      .selectAll()
      .where('lease_until', 'is not', null)
      .where((eb) => (nodeId === undefined ? eb('lease_until', '<', now) : eb.or([eb('node_id', '=', nodeId), eb('lease_until', '<', now)])))
      .limit(limit)
      .execute();
  }
}
