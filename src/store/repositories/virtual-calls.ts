import type { Kysely } from 'kysely';
import type { Database, VirtualCallEventsTable } from '../schema.js';

export type VirtualCallEventRow = VirtualCallEventsTable;

/** What simulated phones heard on calls, and how each phone is set to answer. */
export class VirtualCallsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async addEvent(row: VirtualCallEventRow): Promise<void> {
    await this.db.insertInto('virtual_call_events').values(row).execute();
  }

  async events(callSids: readonly string[]): Promise<VirtualCallEventRow[]> {
    if (callSids.length === 0) return [];
    return this.db.selectFrom('virtual_call_events').selectAll().where('call_sid', 'in', callSids).orderBy('call_sid').orderBy('seq').execute();
  }

  async behavior(accountSid: string, phone: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('virtual_phone_behaviors')
      .select('behavior')
      .where('account_sid', '=', accountSid)
      .where('phone', '=', phone)
      .executeTakeFirst();
    return row?.behavior;
  }

  async setBehavior(accountSid: string, phone: string, behavior: string, now: number): Promise<void> {
    await this.db
      .insertInto('virtual_phone_behaviors')
      .values({ account_sid: accountSid, phone, behavior, date_updated: now })
      .onConflict((oc) => oc.columns(['account_sid', 'phone']).doUpdateSet({ behavior, date_updated: now }))
      .execute();
  }

  async clearBehavior(accountSid: string, phone: string): Promise<void> {
    await this.db.deleteFrom('virtual_phone_behaviors').where('account_sid', '=', accountSid).where('phone', '=', phone).execute();
  }
}
