import type { Kysely } from 'kysely';
import { arg, compiled } from '../compiled.js';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { Database, PhoneNumbersTable } from '../schema.js';

export type PhoneNumberRow = PhoneNumbersTable;
export type PhoneNumberChanges = Partial<Omit<PhoneNumberRow, 'sid' | 'account_sid' | 'phone_number' | 'date_created'>>;

export interface PhoneNumberFilter {
  phoneNumber?: string | undefined;
  friendlyName?: string | undefined;
  /** Substring match: Twilio lets `PhoneNumber=555` find every number containing 555. */
  phoneNumberContains?: string | undefined;
}

export class PhoneNumbersRepository {
  // Every send and every inbound message looks its numbers up: compiled once.
  private readonly byNumber: ReturnType<typeof compiled<PhoneNumberRow, [string]>>;

  constructor(private readonly db: Kysely<Database>) {
    this.byNumber = compiled<PhoneNumberRow, [string]>(db, (q) => q.selectFrom('phone_numbers').selectAll().where('phone_number', '=', arg(0)));
  }

  /** Inserts unless the number is already owned; returns false when someone else holds it. */
  async insertIfFree(row: PhoneNumberRow): Promise<boolean> {
    const r = await this.db
      .insertInto('phone_numbers')
      .values(row)
      .onConflict((oc) => oc.column('phone_number').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async findOwned(accountSid: string, sid: string): Promise<PhoneNumberRow | undefined> {
    return this.db.selectFrom('phone_numbers').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  /** Who owns a number, across all accounts: used to route inbound traffic. */
  async findByNumber(phoneNumber: string): Promise<PhoneNumberRow | undefined> {
    return (await this.byNumber(null, phoneNumber))[0];
  }

  async ownedNumbersAmong(candidates: string[]): Promise<Set<string>> {
    if (candidates.length === 0) return new Set();
    const rows = await this.db.selectFrom('phone_numbers').select('phone_number').where('phone_number', 'in', candidates).execute();
    return new Set(rows.map((r) => r.phone_number));
  }

  async list(accountSid: string, filter: PhoneNumberFilter, page: PageQuery): Promise<Page<PhoneNumberRow>> {
    let q = this.db.selectFrom('phone_numbers').selectAll().where('account_sid', '=', accountSid);
    if (filter.phoneNumber !== undefined) q = q.where('phone_number', '=', filter.phoneNumber);
    if (filter.phoneNumberContains !== undefined) q = q.where('phone_number', 'like', `%${escapeLike(filter.phoneNumberContains)}%`);
    if (filter.friendlyName !== undefined) q = q.where('friendly_name', '=', filter.friendlyName);
    return paginate(q, 'asc', page);
  }

  async update(accountSid: string, sid: string, changes: PhoneNumberChanges): Promise<void> {
    await this.db.updateTable('phone_numbers').set(changes).where('sid', '=', sid).where('account_sid', '=', accountSid).execute();
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('phone_numbers').where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

function escapeLike(s: string): string {
  return s.replace(/[%_]/g, '');
}
