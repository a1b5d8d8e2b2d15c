import type { Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { AlertsTable, Database, WebhookRequestsTable } from '../schema.js';

export type WebhookRequestRow = WebhookRequestsTable;
export type AlertRow = AlertsTable;

/** The record of every webhook request and every alert: what the inspector and the debugger show. */
export class WebhookLogRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Many rows in one statement (and so one commit): the webhook log is written in group commits. */
  async insertRequests(rows: WebhookRequestRow[]): Promise<void> {
    // SQLite allows at most 32766 bound parameters per statement: 16 columns x 1000 rows stays well below.
    for (let i = 0; i < rows.length; i += 1000) await this.db.insertInto('webhook_requests').values(rows.slice(i, i + 1000)).execute();
  }

  async insertAlert(row: AlertRow): Promise<void> {
    await this.db.insertInto('alerts').values(row).execute();
  }

  async findRequest(accountSid: string, sid: string): Promise<WebhookRequestRow | undefined> {
    return this.db.selectFrom('webhook_requests').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  async listRequests(accountSid: string, filter: { resourceSid?: string | undefined; failedOnly?: boolean }, page: PageQuery): Promise<Page<WebhookRequestRow>> {
    let q = this.db.selectFrom('webhook_requests').selectAll().where('account_sid', '=', accountSid);
    if (filter.resourceSid !== undefined) q = q.where('resource_sid', '=', filter.resourceSid);
    if (filter.failedOnly) q = q.where('error_code', 'is not', null);
    return paginate(q, 'desc', page);
  }

  async findAlert(accountSid: string, sid: string): Promise<AlertRow | undefined> {
    return this.db.selectFrom('alerts').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  async listAlerts(accountSid: string, filter: { resourceSid?: string | undefined }, page: PageQuery): Promise<Page<AlertRow>> {
    let q = this.db.selectFrom('alerts').selectAll().where('account_sid', '=', accountSid);
    if (filter.resourceSid !== undefined) q = q.where('resource_sid', '=', filter.resourceSid);
    return paginate(q, 'desc', page);
  }
}
