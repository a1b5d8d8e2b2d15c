import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { LIVE_STATUSES } from './calls.js';

/** One count in a minute: `minute` is ms since the epoch / 60 000, `key` a status or an alert code. */
export interface MinuteCount {
  minute: number;
  key: string;
  count: number;
}

/** At most this many calls are read to work out how many were up at once (a bound, not a sample). */
const CONCURRENCY_ROWS = 20_000;

/**
 * Read-only aggregates for the console's dashboard, one account at a time, over the indexes the lists
 * already use ((account_sid, date_created) on messages, alerts and calls). Minutes are integer division
 * of the stored ms, the same in SQLite and PostgreSQL.
 */
export class DashboardRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private async perMinute(table: 'messages' | 'calls', accountSid: string, since: number): Promise<MinuteCount[]> {
    const rows = await this.db
      .selectFrom(table)
      .select([sql<number>`date_created / 60000`.as('minute'), 'status', sql<number>`count(*)`.as('n')])
      .where('account_sid', '=', accountSid)
      .where('date_created', '>=', since)
      .groupBy([sql`date_created / 60000`, 'status'])
      .execute();
    return rows.map((r) => ({ minute: Number(r.minute), key: r.status, count: Number(r.n) }));
  }

  /** Messages created per minute since `since`, by their status now. */
  messagesByStatus(accountSid: string, since: number): Promise<MinuteCount[]> {
    return this.perMinute('messages', accountSid, since);
  }

  /** Calls created per minute since `since`, by their status now. */
  callsByStatus(accountSid: string, since: number): Promise<MinuteCount[]> {
    return this.perMinute('calls', accountSid, since);
  }

  /** Alerts (webhook failures and TwiML errors) per minute, by error code. */
  async alertsByCode(accountSid: string, since: number): Promise<MinuteCount[]> {
    const rows = await this.db
      .selectFrom('alerts')
      .select([sql<number>`date_created / 60000`.as('minute'), 'error_code', sql<number>`count(*)`.as('n')])
      .where('account_sid', '=', accountSid)
      .where('date_created', '>=', since)
      .groupBy([sql`date_created / 60000`, 'error_code'])
      .execute();
    return rows.map((r) => ({ minute: Number(r.minute), key: String(r.error_code), count: Number(r.n) }));
  }

  /** Start and end (null: still up) of the calls that were up at some point since `since`. */
  async callSpans(accountSid: string, since: number): Promise<Array<{ start: number; end: number | null }>> {
    const rows = await this.db
      .selectFrom('calls')
      .select(['start_time', 'end_time'])
      .where('account_sid', '=', accountSid)
      // Calls start after they are created, so a call up since `since` was created at most a day before.
      .where('date_created', '>=', since - 86_400_000)
      .where('start_time', 'is not', null)
      .where((eb) => eb.or([eb('end_time', 'is', null), eb('end_time', '>=', since)]))
      .limit(CONCURRENCY_ROWS)
      .execute();
    return rows.map((r) => ({ start: Number(r.start_time), end: r.end_time === null ? null : Number(r.end_time) }));
  }

  /**
   * Live calls waiting in each queue, and when the longest-waiting one joined, grouped per queue: only
   * members whose call is live count (as in the Queues API), so rows a dead node left behind do not.
   */
  private liveMembers(accountSid: string | null) {
    let q = this.db
      .selectFrom('queue_members as m')
      .innerJoin('calls as c', 'c.sid', 'm.call_sid')
      .where('c.status', 'in', LIVE_STATUSES)
      .select(['m.queue_sid', sql<number>`count(*)`.as('n'), sql<number | null>`min(m.date_created)`.as('oldest')])
      .groupBy('m.queue_sid');
    if (accountSid !== null) q = q.where('m.account_sid', '=', accountSid);
    return q;
  }

  /** Calls waiting in each of the account's queues now, and when the longest-waiting one joined. */
  async queueDepths(accountSid: string): Promise<QueueDepth[]> {
    const rows = await this.db
      .selectFrom('queues as q')
      .leftJoin(this.liveMembers(accountSid).as('l'), 'l.queue_sid', 'q.sid')
      .select(['q.sid', 'q.account_sid', 'q.friendly_name', 'l.n', 'l.oldest'])
      .where('q.account_sid', '=', accountSid)
      .orderBy('q.friendly_name')
      .limit(QUEUES_SHOWN)
      .execute();
    return rows.map(depth);
  }

  /**
   * Every account's queues with their depth now, for the dashboard's sampler (one statement a minute per
   * node); at most `limit`, in (account, queue) order, so the bound cuts the same queues each time.
   */
  async allQueueDepths(limit: number): Promise<QueueDepth[]> {
    const rows = await this.db
      .selectFrom('queues as q')
      .leftJoin(this.liveMembers(null).as('l'), 'l.queue_sid', 'q.sid')
      .select(['q.sid', 'q.account_sid', 'q.friendly_name', 'l.n', 'l.oldest'])
      .orderBy('q.account_sid')
      .orderBy('q.sid')
      .limit(limit)
      .execute();
    return rows.map(depth);
  }
}

/** A queue's depth at one moment: `oldest` is when its longest-waiting live call joined (null: empty). */
export interface QueueDepth {
  sid: string;
  accountSid: string;
  name: string;
  size: number;
  oldest: number | null;
}

/** The dashboard shows at most this many of an account's queues. */
export const QUEUES_SHOWN = 100;

const depth = (r: { sid: string; account_sid: string; friendly_name: string; n: number | null; oldest: number | null }): QueueDepth => ({
  sid: r.sid,
  accountSid: r.account_sid,
  name: r.friendly_name,
  size: Number(r.n ?? 0),
  oldest: r.oldest === null ? null : Number(r.oldest),
});
