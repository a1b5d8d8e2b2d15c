import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** One UTC day's billable traffic of one kind: `day` counts days since the epoch. */
export interface MessageUsageRow {
  day: number;
  inbound: boolean;
  mms: boolean;
  messages: number;
  segments: number;
}
export interface CallUsageRow {
  day: number;
  inbound: boolean;
  calls: number;
  minutes: number;
}

const DAY_MS = 86_400_000;
/** Whose traffic: one account, or an account with its subaccounts (Twilio's IncludeSubaccounts). */
export interface UsageScope {
  accountSid: string;
  includeSubaccounts: boolean;
}

/** PostgreSQL returns count() and sum() as bigint/numeric strings; SQLite as numbers. */
const num = (v: number | string | bigint | null) => (v === null ? 0 : Number(v));

/**
 * Usage aggregates for the Usage Records and Balance resources, grouped by UTC day in SQL (integer division of
 * the epoch-ms timestamps, the same in SQLite and PostgreSQL) over the (account_sid, date_created) indexes.
 * `from`/`to` are epoch ms, [from, to).
 */
export class UsageRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async messagesByDay(scope: UsageScope, billedStatuses: readonly string[], from: number, to: number): Promise<MessageUsageRow[]> {
    const rows = await this.db
      .selectFrom('messages')
      .select([
        sql<number>`date_created / ${sql.lit(DAY_MS)}`.as('day'),
        sql<number>`case when direction = 'inbound' then 1 else 0 end`.as('inbound'),
        sql<number>`case when num_media > 0 then 1 else 0 end`.as('mms'),
        sql<number | string>`count(*)`.as('messages'),
        sql<number | string>`sum(num_segments)`.as('segments'),
      ])
      .where('account_sid', 'in', this.accounts(scope))
      .where('date_created', '>=', from)
      .where('date_created', '<', to)
      .where('status', 'in', [...billedStatuses])
      .groupBy([sql`1`, sql`2`, sql`3`])
      .execute();
    return rows.map((r) => ({ day: num(r.day), inbound: num(r.inbound) === 1, mms: num(r.mms) === 1, messages: num(r.messages), segments: num(r.segments) }));
  }

  /** Completed calls and their minutes, each call rounded up to a whole minute as it is billed. */
  async callsByDay(scope: UsageScope, from: number, to: number): Promise<CallUsageRow[]> {
    const rows = await this.db
      .selectFrom('calls')
      .select([
        sql<number>`date_created / ${sql.lit(DAY_MS)}`.as('day'),
        sql<number>`case when direction = 'inbound' then 1 else 0 end`.as('inbound'),
        sql<number | string>`count(*)`.as('calls'),
        sql<number | string>`sum((coalesce(duration, 0) + 59) / 60)`.as('minutes'),
      ])
      .where('account_sid', 'in', this.accounts(scope))
      .where('date_created', '>=', from)
      .where('date_created', '<', to)
      .where('status', '=', 'completed')
      .groupBy([sql`1`, sql`2`])
      .execute();
    return rows.map((r) => ({ day: num(r.day), inbound: num(r.inbound) === 1, calls: num(r.calls), minutes: num(r.minutes) }));
  }

  private accounts(scope: UsageScope) {
    let q = this.db.selectFrom('accounts').select('sid').where('sid', '=', scope.accountSid);
    if (scope.includeSubaccounts)
      q = this.db
        .selectFrom('accounts')
        .select('sid')
        .where((eb) => eb.or([eb('sid', '=', scope.accountSid), eb('parent_sid', '=', scope.accountSid)]));
    return q;
  }
}
