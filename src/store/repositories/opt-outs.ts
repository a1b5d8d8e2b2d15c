import type { Kysely } from 'kysely';
import { arg, compiled } from '../compiled.js';
import type { Database } from '../schema.js';
import type { Executor } from '../transactor.js';

/** Recipients who texted STOP to a sender (a number, or a Messaging Service standing for its pool). */
export class OptOutsRepository {
  // Every create checks opt-outs for one or two senders (a number, and its Messaging Service): compiled per count.
  private readonly checks = new Map<number, ReturnType<typeof compiled<{ sender: string }, string[]>>>();

  constructor(private readonly db: Kysely<Database>) {}

  async add(accountSid: string, sender: string, recipient: string, now: number, ex: Executor = this.db): Promise<void> {
    await ex
      .insertInto('opt_outs')
      .values({ account_sid: accountSid, sender, recipient, date_created: now })
      .onConflict((oc) => oc.columns(['account_sid', 'sender', 'recipient']).doNothing())
      .execute();
  }

  async remove(accountSid: string, sender: string, recipient: string, ex: Executor = this.db): Promise<void> {
    await ex.deleteFrom('opt_outs').where('account_sid', '=', accountSid).where('sender', '=', sender).where('recipient', '=', recipient).execute();
  }

  async isOptedOut(accountSid: string, senders: string[], recipient: string, ex: Executor = this.db): Promise<boolean> {
    if (senders.length === 0) return false;
    let check = this.checks.get(senders.length);
    if (!check) {
      check = compiled<{ sender: string }, string[]>(this.db, (q) =>
        q
          .selectFrom('opt_outs')
          .select('sender')
          .where('account_sid', '=', arg(0))
          .where(
            'sender',
            'in',
            senders.map((_, i) => arg(i + 2)),
          )
          .where('recipient', '=', arg(1))
          .limit(1),
      );
      if (this.checks.size < 16) this.checks.set(senders.length, check);
    }
    return (await check(ex, accountSid, recipient, ...senders)).length > 0;
  }

  /** Up to `limit` recipients opted out of one sender (a range of the primary key): what a cache holds per sender. */
  async recipients(accountSid: string, sender: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('opt_outs')
      .select('recipient')
      .where('account_sid', '=', accountSid)
      .where('sender', '=', sender)
      .limit(limit)
      .execute();
    return rows.map((r) => r.recipient);
  }
}
