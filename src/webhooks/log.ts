import { ALERTS, type AlertKind, alertLevel } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import { newOrderedSid } from '../core/sid.js';
import type { Page, PageQuery } from '../store/paging.js';
import type { AlertRow, WebhookLogRepository, WebhookRequestRow } from '../store/repositories/webhook-log.js';

/** Writes webhook records and alerts, and reads them back for the inspector. */
export class WebhookLog {
  private pending: { row: WebhookRequestRow; done: () => void; fail: (e: unknown) => void }[] = [];
  private flushScheduled = false;

  constructor(
    private readonly repo: WebhookLogRepository,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  /**
   * Records are written in group commits: every record made in the same turn of the event loop goes in one
   * multi-row insert, and each caller resumes once its row is committed (so it is visible when this returns).
   * SIDs sort in creation order, so "newest first" holds within a millisecond too.
   */
  async recordRequest(row: Omit<WebhookRequestRow, 'sid' | 'date_created'>): Promise<WebhookRequestRow> {
    const now = this.clock.now();
    const full: WebhookRequestRow = { ...row, sid: newOrderedSid('WR', now), date_created: now };
    await new Promise<void>((done, fail) => {
      this.pending.push({ row: full, done, fail });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
    this.events.emit('webhook.request', {
      accountSid: full.account_sid,
      sid: full.sid,
      resourceSid: full.resource_sid,
      purpose: full.purpose,
      url: full.url,
      status: full.response_status,
      errorCode: full.error_code,
    });
    return full;
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    try {
      await this.repo.insertRequests(batch.map((b) => b.row));
      for (const b of batch) b.done();
    } catch (err) {
      for (const b of batch) b.fail(err);
    }
  }

  async raise(input: {
    accountSid: string;
    kind: AlertKind;
    detail?: string;
    resourceSid?: string | null;
    requestUrl?: string | null;
    requestMethod?: string | null;
    webhookRequestSid?: string | null;
  }): Promise<AlertRow> {
    const alert = ALERTS[input.kind];
    const now = this.clock.now();
    const row: AlertRow = {
      sid: newOrderedSid('NO', now),
      account_sid: input.accountSid,
      resource_sid: input.resourceSid ?? null,
      error_code: alert.code,
      log_level: alertLevel(input.kind),
      alert_text: input.detail ? `${alert.text}: ${input.detail}` : alert.text,
      request_url: input.requestUrl ?? null,
      request_method: input.requestMethod ?? null,
      webhook_request_sid: input.webhookRequestSid ?? null,
      date_created: now,
    };
    await this.repo.insertAlert(row);
    this.events.emit('alert', { accountSid: row.account_sid, sid: row.sid, code: row.error_code, resourceSid: row.resource_sid });
    return row;
  }

  findRequest(accountSid: string, sid: string) {
    return this.repo.findRequest(accountSid, sid);
  }
  listRequests(accountSid: string, filter: { resourceSid?: string | undefined; failedOnly?: boolean }, page: PageQuery): Promise<Page<WebhookRequestRow>> {
    return this.repo.listRequests(accountSid, filter, page);
  }
  findAlert(accountSid: string, sid: string) {
    return this.repo.findAlert(accountSid, sid);
  }
  listAlerts(accountSid: string, filter: { resourceSid?: string | undefined }, page: PageQuery): Promise<Page<AlertRow>> {
    return this.repo.listAlerts(accountSid, filter, page);
  }
}
