import type { Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { AlertsTable, Database, WebhookRequestsTable } from '../schema.js';

/** Alert and webhook-log filters of Monitor v1 and the 2010 Notifications; dates are epoch ms, [from, to). */
export interface MonitorFilter {
  resourceSid?: string | undefined;
  logLevel?: string | undefined;
  /** Webhook requests only: the purpose (voice, sms-status...). */
  purpose?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

/** An alert with the webhook exchange that raised it, when there was one (for Twilio's request/response fields). */
export interface AlertDetail extends AlertsTable {
  request: WebhookRequestsTable | undefined;
}

/**
 * Read-only views of the alert log and the webhook request log for Twilio's Monitor and Notifications
 * resources (the writes stay in WebhookLogRepository).
 */
export class MonitorRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async listAlerts(accountSid: string, filter: MonitorFilter, page: PageQuery): Promise<Page<AlertsTable>> {
    let q = this.db.selectFrom('alerts').selectAll().where('account_sid', '=', accountSid);
    if (filter.resourceSid !== undefined) q = q.where('resource_sid', '=', filter.resourceSid);
    if (filter.logLevel !== undefined) q = q.where('log_level', '=', filter.logLevel);
    if (filter.from !== undefined) q = q.where('date_created', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('date_created', '<', filter.to);
    return paginate(q, 'desc', page);
  }

  async findAlert(accountSid: string, sid: string): Promise<AlertDetail | undefined> {
    const row = await this.db.selectFrom('alerts').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
    if (!row) return undefined;
    const request = row.webhook_request_sid === null ? undefined : await this.findRequest(accountSid, row.webhook_request_sid);
    return { ...row, request };
  }

  async listRequests(accountSid: string, filter: MonitorFilter, page: PageQuery): Promise<Page<WebhookRequestsTable>> {
    let q = this.db.selectFrom('webhook_requests').selectAll().where('account_sid', '=', accountSid);
    if (filter.resourceSid !== undefined) q = q.where('resource_sid', '=', filter.resourceSid);
    if (filter.purpose !== undefined) q = q.where('purpose', '=', filter.purpose);
    if (filter.from !== undefined) q = q.where('date_created', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('date_created', '<', filter.to);
    return paginate(q, 'desc', page);
  }

  async findRequest(accountSid: string, sid: string): Promise<WebhookRequestsTable | undefined> {
    return this.db.selectFrom('webhook_requests').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }
}
