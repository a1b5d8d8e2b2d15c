import { sql, type Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { Database, VerificationAttemptsTable, VerificationsTable, VerifyServicesTable } from '../schema.js';

export type VerifyServiceRow = VerifyServicesTable;
export type VerifyServiceChanges = Partial<Omit<VerifyServiceRow, 'sid' | 'account_sid' | 'date_created'>>;
export type VerificationRow = VerificationsTable;
export type VerificationAttemptRow = VerificationAttemptsTable;

/** An attempt with what the Attempts API shows of its verification. */
export interface AttemptListRow extends VerificationAttemptRow {
  service_sid: string;
  to_number: string;
  verification_status: string;
  verification_date_updated: number;
}

/** GET /verify/v2/Attempts filters; every one is optional. Dates are epoch ms, both bounds exclusive. */
export interface AttemptFilter {
  createdAfter?: number | undefined;
  createdBefore?: number | undefined;
  to?: string | undefined;
  channel?: string | undefined;
  serviceSid?: string | undefined;
  verificationSid?: string | undefined;
  /** true: only attempts whose verification was approved; false: only the others. */
  converted?: boolean | undefined;
}

/** The statuses after which a verification is over: the row stays for the record, the API answers 20404. */
export type VerificationEnd = 'approved' | 'canceled' | 'expired' | 'max_attempts_reached';

/**
 * Verify's tables. The limits live here as conditional single-statement updates: the database decides
 * whether a send or a check still fits, so concurrent requests (and several nodes) cannot overshoot.
 */
export class VerifyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  // Services

  async insertService(row: VerifyServiceRow): Promise<void> {
    await this.db.insertInto('verify_services').values(row).execute();
  }

  async findService(accountSid: string, sid: string): Promise<VerifyServiceRow | undefined> {
    return this.db.selectFrom('verify_services').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  async listServices(accountSid: string, page: PageQuery): Promise<Page<VerifyServiceRow>> {
    return paginate(this.db.selectFrom('verify_services').selectAll().where('account_sid', '=', accountSid), 'asc', page);
  }

  async updateService(accountSid: string, sid: string, changes: VerifyServiceChanges): Promise<void> {
    await this.db.updateTable('verify_services').set(changes).where('sid', '=', sid).where('account_sid', '=', accountSid).execute();
  }

  /** Deletes the service with its verifications and their attempts. */
  async deleteService(accountSid: string, sid: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.deleteFrom('verify_services').where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) return false;
      await trx
        .deleteFrom('verification_attempts')
        .where('verification_sid', 'in', trx.selectFrom('verifications').select('sid').where('service_sid', '=', sid))
        .execute();
      await trx.deleteFrom('verifications').where('service_sid', '=', sid).execute();
      return true;
    });
  }

  // Verifications

  /** Inserts a new open verification unless one is already open for its open_key; false when one is. */
  async insertIfNoneOpen(row: VerificationRow): Promise<boolean> {
    const r = await this.db
      .insertInto('verifications')
      .values(row)
      .onConflict((oc) => oc.column('open_key').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async findOpen(openKey: string): Promise<VerificationRow | undefined> {
    return this.db.selectFrom('verifications').selectAll().where('open_key', '=', openKey).executeTakeFirst();
  }

  async find(serviceSid: string, sid: string): Promise<VerificationRow | undefined> {
    return this.db.selectFrom('verifications').selectAll().where('sid', '=', sid).where('service_sid', '=', serviceSid).executeTakeFirst();
  }

  /** The newest verification of a To that ran out of checks and has not expired yet (it still answers 60202). */
  async findExhausted(serviceSid: string, to: string, now: number): Promise<VerificationRow | undefined> {
    return this.db
      .selectFrom('verifications')
      .selectAll()
      .where('service_sid', '=', serviceSid)
      .where('to_number', '=', to)
      .where('status', '=', 'max_attempts_reached')
      .where('expires_at', '>', now)
      .orderBy('date_created', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * Counts one more send on an open, unexpired verification if it has sends left, recording the channel it goes
   * by and, for a new CustomCode, the new code. Returns the updated row, or undefined when the send does not fit.
   */
  async claimSend(sid: string, maxSends: number, now: number, channel: string, code?: { hash: string; sealed: string }): Promise<VerificationRow | undefined> {
    return this.db
      .updateTable('verifications')
      .set({ send_attempts: sql`send_attempts + 1`, channel, date_updated: now, ...(code ? { code_hash: code.hash, code_sealed: code.sealed } : {}) })
      .where('sid', '=', sid)
      .where('open_key', 'is not', null)
      .where('send_attempts', '<', maxSends)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
  }

  /** Gives back a send that was counted but never left (the channel refused it). */
  async releaseSend(sid: string): Promise<void> {
    await this.db.updateTable('verifications').set({ send_attempts: sql`send_attempts - 1` }).where('sid', '=', sid).where('send_attempts', '>', 0).execute();
  }

  /**
   * Spends one check on an open, unexpired verification that has checks left, and settles it in the same
   * statement: approved when the hash matches, max_attempts_reached when that was the last check. Returns the
   * row after the check, or undefined when no check was left to spend (the caller reads the row to say why).
   */
  async claimCheck(sid: string, codeHash: string, maxChecks: number, now: number): Promise<VerificationRow | undefined> {
    const ended = sql<boolean>`(code_hash = ${codeHash} or check_attempts + 1 >= ${maxChecks})`;
    return this.db
      .updateTable('verifications')
      .set({
        check_attempts: sql`check_attempts + 1`,
        status: sql`case when code_hash = ${codeHash} then 'approved' when check_attempts + 1 >= ${maxChecks} then 'max_attempts_reached' else status end`,
        open_key: sql`case when ${ended} then null else open_key end`,
        code_sealed: sql`case when ${ended} then null else code_sealed end`,
        date_updated: now,
      })
      .where('sid', '=', sid)
      .where('open_key', 'is not', null)
      .where('check_attempts', '<', maxChecks)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
  }

  /** Ends an open, unexpired verification (approved or canceled by the API); undefined when it was not open. */
  async end(sid: string, status: VerificationEnd, now: number): Promise<VerificationRow | undefined> {
    return this.db
      .updateTable('verifications')
      .set({ status, open_key: null, code_sealed: null, date_updated: now })
      .where('sid', '=', sid)
      .where('open_key', 'is not', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
  }

  /** Marks every open verification past its lifetime expired and drops its sealed code. */
  async expireDue(now: number): Promise<void> {
    await this.db
      .updateTable('verifications')
      .set({ status: 'expired', open_key: null, code_sealed: null, date_updated: now })
      .where('open_key', 'is not', null)
      .where('expires_at', '<=', now)
      .execute();
  }

  /** Removes a verification whose first send failed, so it neither blocks nor counts against the To. */
  async deleteVerification(sid: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('verification_attempts').where('verification_sid', '=', sid).execute();
      await trx.deleteFrom('verifications').where('sid', '=', sid).execute();
    });
  }

  async insertAttempt(row: VerificationAttemptRow): Promise<void> {
    await this.db.insertInto('verification_attempts').values(row).execute();
  }

  /** The account's attempts joined to their verifications, in a derived table so paging sees one date_created and sid. */
  private attemptsOf(accountSid: string) {
    return this.db
      .selectFrom((eb) =>
        eb
          .selectFrom('verification_attempts as a')
          .innerJoin('verifications as v', 'v.sid', 'a.verification_sid')
          .where('a.account_sid', '=', accountSid)
          .select([
            'a.sid',
            'a.account_sid',
            'a.verification_sid',
            'a.channel',
            'a.channel_sid',
            'a.date_created',
            'v.service_sid',
            'v.to_number',
            'v.status as verification_status',
            'v.date_updated as verification_date_updated',
          ])
          .as('t'),
      )
      .selectAll('t');
  }

  async findAttempt(accountSid: string, sid: string): Promise<AttemptListRow | undefined> {
    return this.attemptsOf(accountSid).where('t.sid', '=', sid).executeTakeFirst();
  }

  /** The account's attempts, newest first. */
  async listAttempts(accountSid: string, f: AttemptFilter, page: PageQuery): Promise<Page<AttemptListRow>> {
    let q = this.attemptsOf(accountSid);
    if (f.createdAfter !== undefined) q = q.where('t.date_created', '>', f.createdAfter);
    if (f.createdBefore !== undefined) q = q.where('t.date_created', '<', f.createdBefore);
    if (f.to !== undefined) q = q.where('t.to_number', '=', f.to);
    if (f.channel !== undefined) q = q.where('t.channel', '=', f.channel);
    if (f.serviceSid !== undefined) q = q.where('t.service_sid', '=', f.serviceSid);
    if (f.verificationSid !== undefined) q = q.where('t.verification_sid', '=', f.verificationSid);
    if (f.converted !== undefined) q = q.where('t.verification_status', f.converted ? '=' : '!=', 'approved');
    return paginate(q, 'desc', page);
  }

  async attempts(verificationSid: string): Promise<VerificationAttemptRow[]> {
    return this.db
      .selectFrom('verification_attempts')
      .selectAll()
      .where('verification_sid', '=', verificationSid)
      .orderBy('date_created')
      .orderBy('sid')
      .execute();
  }
}
