import type { Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { CallEventsTable, Database } from '../schema.js';

export type CallEventRow = CallEventsTable;

/** The verbs calls ran, one row each, listed oldest first per call. */
export class CallEventsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: CallEventRow): Promise<void> {
    await this.db.insertInto('call_events').values(row).execute();
  }

  /** A call's events, oldest first; undefined when the call is not the account's. */
  async listForCall(accountSid: string, callSid: string, page: PageQuery): Promise<Page<CallEventRow> | undefined> {
    const call = await this.db.selectFrom('calls').select('sid').where('sid', '=', callSid).where('account_sid', '=', accountSid).executeTakeFirst();
    if (!call) return undefined;
    return paginate(this.db.selectFrom('call_events').selectAll().where('call_sid', '=', callSid).where('account_sid', '=', accountSid), 'asc', page);
  }
}
