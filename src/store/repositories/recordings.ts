import type { Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { Database, RecordingsTable } from '../schema.js';
import type { Executor } from '../transactor.js';

export type RecordingRow = RecordingsTable;
export type RecordingMeta = Omit<RecordingRow, 'audio'>;

const META = [
  'sid',
  'account_sid',
  'call_sid',
  'source',
  'status',
  'channels',
  'duration',
  'start_time',
  'error_code',
  'date_created',
  'date_updated',
  'conference_sid',
] as const satisfies readonly (keyof RecordingMeta)[];

export interface RecordingFilter {
  callSid?: string | undefined;
  conferenceSid?: string | undefined;
  createdOn?: [number, number] | undefined;
  createdBefore?: number | undefined;
  createdAfter?: number | undefined;
}

export class RecordingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: RecordingRow, ex: Executor = this.db): Promise<void> {
    await ex.insertInto('recordings').values(row).execute();
  }

  async findOwned(accountSid: string, sid: string): Promise<RecordingMeta | undefined> {
    return this.db.selectFrom('recordings').select(META).where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  async audio(accountSid: string, sid: string): Promise<Buffer | undefined> {
    const row = await this.db.selectFrom('recordings').select('audio').where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
    return row ? Buffer.from(row.audio) : undefined;
  }

  async list(accountSid: string, f: RecordingFilter, page: PageQuery): Promise<Page<RecordingMeta>> {
    let q = this.db.selectFrom('recordings').select(META).where('account_sid', '=', accountSid);
    if (f.callSid !== undefined) q = q.where('call_sid', '=', f.callSid);
    if (f.conferenceSid !== undefined) q = q.where('conference_sid', '=', f.conferenceSid);
    if (f.createdOn) q = q.where('date_created', '>=', f.createdOn[0]).where('date_created', '<', f.createdOn[1]);
    if (f.createdBefore !== undefined) q = q.where('date_created', '<', f.createdBefore);
    if (f.createdAfter !== undefined) q = q.where('date_created', '>=', f.createdAfter);
    return paginate(q, 'desc', page);
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('recordings').where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
