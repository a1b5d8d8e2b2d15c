import type { Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { Database, MessageMediaTable } from '../schema.js';
import type { Executor } from '../transactor.js';

export type MediaRow = MessageMediaTable;
export type MediaMeta = Omit<MediaRow, 'data'>;

const META = ['sid', 'account_sid', 'message_sid', 'content_type', 'size', 'date_created', 'date_updated'] as const;

export class MediaRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(rows: MediaRow[], ex: Executor = this.db): Promise<void> {
    if (rows.length) await ex.insertInto('message_media').values(rows).execute();
  }

  async list(accountSid: string, messageSid: string, page: PageQuery): Promise<Page<MediaMeta>> {
    return paginate(this.db.selectFrom('message_media').select(META).where('account_sid', '=', accountSid).where('message_sid', '=', messageSid), 'asc', page);
  }

  async listForMessage(messageSid: string): Promise<MediaMeta[]> {
    return this.db.selectFrom('message_media').select(META).where('message_sid', '=', messageSid).orderBy('date_created').orderBy('sid').execute();
  }

  async findMeta(accountSid: string, messageSid: string, sid: string): Promise<MediaMeta | undefined> {
    return this.db
      .selectFrom('message_media')
      .select(META)
      .where('sid', '=', sid)
      .where('account_sid', '=', accountSid)
      .where('message_sid', '=', messageSid)
      .executeTakeFirst();
  }

  /** Media content by SID alone: media URLs are capability URLs (unguessable SIDs), as Twilio's are. */
  async findContent(sid: string): Promise<Pick<MediaRow, 'account_sid' | 'content_type' | 'data'> | undefined> {
    return this.db.selectFrom('message_media').select(['account_sid', 'content_type', 'data']).where('sid', '=', sid).executeTakeFirst();
  }

  async delete(accountSid: string, messageSid: string, sid: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('message_media')
      .where('sid', '=', sid)
      .where('account_sid', '=', accountSid)
      .where('message_sid', '=', messageSid)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
