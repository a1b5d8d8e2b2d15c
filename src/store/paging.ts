import { type RawBuilder, sql, type SelectQueryBuilder } from 'kysely';
import type { DialectName } from './db.js';

/**
 * Keyset pagination over (date_created, sid). A cursor names the row a page starts after, so pages stay
 * stable while rows are inserted concurrently (no row is skipped or shown twice), unlike OFFSET paging.
 */
export interface Cursor {
  readonly dateCreated: number;
  readonly sid: string;
  /** 'next' pages move in list order from the cursor; 'prev' pages move back toward the head. */
  readonly direction: 'next' | 'prev';
}

export interface PageQuery {
  readonly pageSize: number;
  readonly cursor?: Cursor | undefined;
}

export interface Page<T> {
  readonly items: T[];
  readonly hasNext: boolean;
  readonly hasPrev: boolean;
}

export type ListOrder = 'asc' | 'desc';

interface Keyed {
  date_created: number;
  sid: string;
}

/**
 * `account_sid = ?` for a list paged by (date_created, sid) over an index led by account_sid; likely(...) on
 * SQLite. There, after ANALYZE, the ordered scan of the account's range was priced by interpolating STAT4
 * samples and a skip-scan of the same index by counting them; when the count came out lower the skip-scan
 * replaced the ordered scan before its sort was priced, and a page deep in a DateSent range sorted every older
 * message (135-307 ms at 1 M). likely() keeps the account's value out of the estimate, so both are priced from
 * the counts and the ordered scan, cheaper by the skip-scan's overhead, stays. PostgreSQL keeps the plain
 * comparison: a form both take, `= (select ?)`, would change its estimates for a planner it does not share.
 */
export function ofAccount(dialect: DialectName, accountSid: string): RawBuilder<boolean> {
  const column = sql.ref('account_sid');
  return dialect === 'sqlite' ? sql<boolean>`likely(${column} = ${accountSid})` : sql<boolean>`${column} = ${accountSid}`;
}

export async function paginate<DB, TB extends keyof DB, O extends Keyed>(
  query: SelectQueryBuilder<DB, TB, O>,
  order: ListOrder,
  page: PageQuery,
): Promise<Page<O>> {
  const { cursor, pageSize } = page;
  const backwards = cursor?.direction === 'prev';
  // Walking backwards flips the scan direction; the rows are put back in list order afterwards.
  const scanAsc = (order === 'asc') !== backwards;
  let q = query;
  if (cursor) {
    const op = scanAsc ? sql.raw('>') : sql.raw('<');
    const opOrEqual = scanAsc ? sql.raw('>=') : sql.raw('<=');
    // "After the cursor" written out, not as the row value (date_created, sid) < (c, s): with a second bound
    // on date_created in the query (a DateSent range), SQLite planned the row value as a skip-scan of the
    // whole index plus a sort (156 ms a page at 1 M messages against 0.7 ms); this form keeps the index range.
    q = q.where(sql<boolean>`date_created ${opOrEqual} ${cursor.dateCreated} and (date_created ${op} ${cursor.dateCreated} or sid ${op} ${cursor.sid})`);
  }
  const dir = scanAsc ? 'asc' : 'desc';
  const rows = (await q
    .orderBy(sql.ref('date_created'), dir)
    .orderBy(sql.ref('sid'), dir)
    .limit(pageSize + 1)
    .execute()) as O[];
  const more = rows.length > pageSize;
  if (more) rows.pop();
  if (backwards) rows.reverse();
  return {
    items: rows,
    hasNext: backwards ? true : more,
    hasPrev: backwards ? more : cursor !== undefined,
  };
}
