import type { Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { Database, TranscriptionsTable } from '../schema.js';

export type TranscriptionRow = TranscriptionsTable;

export class TranscriptionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: TranscriptionRow): Promise<void> {
    await this.db.insertInto('transcriptions').values(row).execute();
  }

  /** The outcome of a transcription still in progress; false when it was deleted meanwhile. */
  async finish(sid: string, status: 'completed' | 'failed', text: string | null, errorCode: number | null, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('transcriptions')
      .set({ status, transcription_text: text, error_code: errorCode, date_updated: now })
      .where('sid', '=', sid)
      .where('status', '=', 'in-progress')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async findOwned(accountSid: string, sid: string, recordingSid?: string): Promise<TranscriptionRow | undefined> {
    let q = this.db.selectFrom('transcriptions').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid);
    if (recordingSid !== undefined) q = q.where('recording_sid', '=', recordingSid);
    return q.executeTakeFirst();
  }

  async list(accountSid: string, recordingSid: string | undefined, page: PageQuery): Promise<Page<TranscriptionRow>> {
    let q = this.db.selectFrom('transcriptions').selectAll().where('account_sid', '=', accountSid);
    if (recordingSid !== undefined) q = q.where('recording_sid', '=', recordingSid);
    return paginate(q, 'desc', page);
  }

  async delete(accountSid: string, sid: string, recordingSid?: string): Promise<boolean> {
    let q = this.db.deleteFrom('transcriptions').where('sid', '=', sid).where('account_sid', '=', accountSid);
    if (recordingSid !== undefined) q = q.where('recording_sid', '=', recordingSid);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
