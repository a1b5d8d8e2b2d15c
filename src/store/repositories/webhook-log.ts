import type { Kysely } from 'kysely';
import type { DialectName } from '../db.js';
import { compiledInsert } from '../compiled.js';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { AlertsTable, Database, WebhookRequestsTable } from '../schema.js';

export type WebhookRequestRow = WebhookRequestsTable;
export type AlertRow = AlertsTable;

/** The record of every webhook request and every alert: what the inspector and the debugger show. */
const REQUEST_COLUMNS = [
  'sid',
  'account_sid',
  'resource_sid',
  'purpose',
  'method',
  'url',
  'request_headers',
  'request_body',
  'response_status',
  'response_headers',
  'response_body',
  'latency_ms',
  'error_code',
  'error_message',
  'attempt',
  'date_created',
] as const satisfies readonly (keyof WebhookRequestRow)[];

export class WebhookLogRepository {
  private readonly insertMany: ReturnType<typeof compiledInsert<'webhook_requests', (typeof REQUEST_COLUMNS)[number]>>;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: DialectName,
  ) {
    this.insertMany = compiledInsert(db, dialect, 'webhook_requests', REQUEST_COLUMNS);
  }

  /** Many rows in one transaction (one commit): the webhook log is written in group commits. */
  async insertRequests(rows: WebhookRequestRow[]): Promise<void> {
    await this.insertMany(null, rows);
  }

  async insertAlert(row: AlertRow): Promise<void> {
    await this.db.insertInto('alerts').values(row).execute();
  }

  async findRequest(accountSid: string, sid: string): Promise<WebhookRequestRow | undefined> {
    return this.db.selectFrom('webhook_requests').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  async listRequests(
    accountSid: string,
    filter: { resourceSid?: string | undefined; failedOnly?: boolean },
    page: PageQuery,
  ): Promise<Page<WebhookRequestRow>> {
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
