import { ALERTS, type AlertKind } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import { newSid } from '../core/sid.js';
import type { Page, PageQuery } from '../store/paging.js';
import type { AlertRow, WebhookLogRepository, WebhookRequestRow } from '../store/repositories/webhookLog.js';

/**
 * Writes webhook records and alerts. Writes are awaited (a record is visible to the API the moment the
 * webhook call returns), and they are cheap single-row inserts.
 */
export class WebhookLog {
  private last = 0;

  constructor(private readonly repo: WebhookLogRepository, private readonly events: EventBus, private readonly clock: Clock) {}

  /**
   * Lists sort by (date_created, sid) and SIDs are random, so two records in one millisecond (a refused
   * primary and its fallback) could list in either order. Strictly increasing stamps keep "newest first" true.
   */
  private stamp(): number {
    this.last = Math.max(this.clock.now(), this.last + 1);
    return this.last;
  }

  async recordRequest(row: Omit<WebhookRequestRow, 'sid' | 'date_created'>): Promise<WebhookRequestRow> {
    const full: WebhookRequestRow = { ...row, sid: newSid('WR'), date_created: this.stamp() };
    await this.repo.insertRequest(full);
    this.events.emit('webhook.request', {
      accountSid: full.account_sid, sid: full.sid, resourceSid: full.resource_sid, purpose: full.purpose,
      url: full.url, status: full.response_status, errorCode: full.error_code,
    });
    return full;
  }

  async raise(input: { accountSid: string; kind: AlertKind; detail?: string; resourceSid?: string | null; requestUrl?: string | null; requestMethod?: string | null; webhookRequestSid?: string | null }): Promise<AlertRow> {
    const alert = ALERTS[input.kind];
    const row: AlertRow = {
      sid: newSid('NO'), account_sid: input.accountSid, resource_sid: input.resourceSid ?? null, error_code: alert.code,
      log_level: 'error', alert_text: input.detail ? `${alert.text}: ${input.detail}` : alert.text,
      request_url: input.requestUrl ?? null, request_method: input.requestMethod ?? null,
      webhook_request_sid: input.webhookRequestSid ?? null, date_created: this.stamp(),
    };
    await this.repo.insertAlert(row);
    this.events.emit('alert', { accountSid: row.account_sid, sid: row.sid, code: row.error_code, resourceSid: row.resource_sid });
    return row;
  }

  findRequest(accountSid: string, sid: string) { return this.repo.findRequest(accountSid, sid); }
  listRequests(accountSid: string, filter: { resourceSid?: string | undefined; failedOnly?: boolean }, page: PageQuery): Promise<Page<WebhookRequestRow>> {
    return this.repo.listRequests(accountSid, filter, page);
  }
  findAlert(accountSid: string, sid: string) { return this.repo.findAlert(accountSid, sid); }
  listAlerts(accountSid: string, filter: { resourceSid?: string | undefined }, page: PageQuery): Promise<Page<AlertRow>> {
    return this.repo.listAlerts(accountSid, filter, page);
  }
}
