import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Executor } from '../transactor.js';

/** Recipients who texted STOP to a sender (a number, or a Messaging Service standing for its pool). */
export class OptOutsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async add(accountSid: string, sender: string, recipient: string, now: number, ex: Executor = this.db): Promise<void> {
    await ex.insertInto('opt_outs').values({ account_sid: accountSid, sender, recipient, date_created: now })
      .onConflict((oc) => oc.columns(['account_sid', 'sender', 'recipient']).doNothing()).execute();
  }

  async remove(accountSid: string, sender: string, recipient: string, ex: Executor = this.db): Promise<void> {
    await ex.deleteFrom('opt_outs').where('account_sid', '=', accountSid).where('sender', '=', sender).where('recipient', '=', recipient).execute();
  }

  async isOptedOut(accountSid: string, senders: string[], recipient: string, ex: Executor = this.db): Promise<boolean> {
    const row = await ex.selectFrom('opt_outs').select('sender').where('account_sid', '=', accountSid)
      .where('sender', 'in', senders).where('recipient', '=', recipient).executeTakeFirst();
    return row !== undefined;
  }
}
