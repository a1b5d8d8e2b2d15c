import { errors } from '../core/errors.js';
import type { Page, PageQuery } from '../store/paging.js';
import type { AlertDetail, MonitorFilter, MonitorRepository } from '../store/repositories/monitor.js';
import type { AlertsTable, WebhookRequestsTable } from '../store/schema.js';

/**
 * The alert log and the webhook log as Twilio's debugger resources read them: Monitor v1 Alerts and Events,
 * and the 2010 API's Notifications. Read-only; another account's record is a 404 like a missing one.
 */
export class MonitorService {
  constructor(private readonly repo: MonitorRepository) {}

  listAlerts(accountSid: string, filter: MonitorFilter, page: PageQuery): Promise<Page<AlertsTable>> {
    return this.repo.listAlerts(accountSid, filter, page);
  }

  async findAlert(accountSid: string, sid: string, resourceSid?: string): Promise<AlertDetail> {
    const row = await this.repo.findAlert(accountSid, sid);
    if (!row || (resourceSid !== undefined && row.resource_sid !== resourceSid)) throw errors.notFound('Alert', sid);
    return row;
  }

  listRequests(accountSid: string, filter: MonitorFilter, page: PageQuery): Promise<Page<WebhookRequestsTable>> {
    return this.repo.listRequests(accountSid, filter, page);
  }

  async findRequest(accountSid: string, sid: string): Promise<WebhookRequestsTable> {
    const row = await this.repo.findRequest(accountSid, sid);
    if (!row) throw errors.notFound('Webhook request', sid);
    return row;
  }
}
