import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../db.js';
import type { Database } from '../schema.js';

/** Tables whose old rows are deleted outright, each with the column its `*_created` index covers. */
type PrunedTable = 'webhook_requests' | 'alerts' | 'message_media' | 'recordings' | 'virtual_phone_messages';

/**
 * The retention pruner's statements. Each touches at most `limit` rows, oldest first, through an index on
 * date_created (migration 0015), so a batch is short whatever the table's size and never holds the write
 * lock long. On PostgreSQL the rows are picked with SKIP LOCKED: nodes pruning at the same time take
 * different rows instead of waiting on each other.
 */
export class RetentionRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  /** Deletes up to `limit` rows created before `before`; returns how many. */
  async deleteOlder(table: PrunedTable, before: number, limit: number): Promise<number> {
    // Recordings still being written are never removed, whatever their age.
    const extra = table === 'recordings' ? sql` and status <> 'in-progress'` : sql``;
    const lock = this.dialect === 'postgres' ? sql` for update skip locked` : sql``;
    const r =
      await sql`delete from ${sql.table(table)} where sid in (select sid from ${sql.table(table)} where date_created < ${before}${extra} order by date_created limit ${limit}${lock})`.execute(
        this.db,
      );
    return Number(r.numAffectedRows ?? 0n);
  }

  /**
   * Empties the bodies of up to `limit` messages created before `before`, as `Body=""` on the API does.
   * Only messages that left the send pipeline (run_at null): a scheduled message keeps its body until sent.
   */
  async redactMessageBodies(before: number, limit: number, now: number): Promise<number> {
    const lock = this.dialect === 'postgres' ? sql` for update skip locked` : sql``;
    // `body <> ''` is written as a literal so the planner matches the partial index messages_unredacted.
    const r =
      await sql`update messages set body = '', date_updated = ${now} where sid in (select sid from messages where body <> '' and date_created < ${before} and run_at is null order by date_created limit ${limit}${lock})`.execute(
        this.db,
      );
    return Number(r.numAffectedRows ?? 0n);
  }
}
