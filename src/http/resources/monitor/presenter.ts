import { iso8601 } from '../../../core/dates.js';
import type { AlertDetail } from '../../../store/repositories/monitor.js';
import type { AlertsTable, WebhookRequestsTable } from '../../../store/schema.js';

/** Stored headers are a JSON object; Twilio's debugger shows them form-encoded, as it does request variables. */
export function formHeaders(json: string | null): string | null {
  if (json === null) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(parsed)) q.append(k, Array.isArray(v) ? v.join(', ') : String(v));
    return q.toString();
  } catch {
    return null;
  }
}

/** Request, response and headers come from the webhook exchange that raised the alert, when there was one. */
export function exchangeOf(request: WebhookRequestsTable | undefined) {
  return {
    request_variables: request ? request.request_body : null,
    request_headers: request ? formHeaders(request.request_headers) : null,
    response_body: request ? request.response_body : null,
    response_headers: request ? formHeaders(request.response_headers) : null,
  };
}

/** Monitor v1 Alert. A listed alert has no request/response fields (null), a fetched one has them, as at Twilio. */
export const presentMonitorAlert = (origin: string) => (row: AlertsTable | AlertDetail) => ({
  account_sid: row.account_sid,
  alert_text: row.alert_text,
  api_version: '2010-04-01',
  date_created: iso8601(row.date_created),
  date_generated: iso8601(row.date_created),
  date_updated: iso8601(row.date_created),
  error_code: String(row.error_code),
  log_level: row.log_level,
  more_info: `https://www.twilio.com/docs/errors/${row.error_code}`,
  request_method: row.request_method,
  request_url: row.request_url,
  resource_sid: row.resource_sid,
  service_sid: null,
  sid: row.sid,
  url: `${origin}/monitor/v1/Alerts/${row.sid}`,
  ...exchangeOf('request' in row ? row.request : undefined),
});

/** Monitor Event SIDs are AE...; each event is one webhook request (WR...) with the same 32 hex digits. */
export const eventSidOf = (requestSid: string) => `AE${requestSid.slice(2)}`;
export const requestSidOf = (eventSid: string) => (/^AE[0-9a-f]{32}$/.test(eventSid) ? `WR${eventSid.slice(2)}` : undefined);

const RESOURCE_TYPES: Readonly<Record<string, string>> = { CA: 'calls', SM: 'messages', MM: 'messages', VE: 'verifications', RM: 'rooms' };

/**
 * Monitor v1 Event, one per webhook request Switchboard made: `event_type` is `webhook.<purpose>`, the actor
 * is Switchboard itself (no actor SID or source IP: nobody called the API to cause it).
 */
export const presentEvent = (origin: string) => (row: WebhookRequestsTable) => {
  const sid = eventSidOf(row.sid);
  return {
    account_sid: row.account_sid,
    actor_sid: null,
    actor_type: 'switchboard',
    description: `${row.method} ${row.url} answered ${row.response_status ?? 'nothing'}${row.error_code ? ` (error ${row.error_code})` : ''}`,
    event_data: {
      purpose: row.purpose,
      method: row.method,
      url: row.url,
      attempt: row.attempt,
      response_status: row.response_status,
      latency_ms: row.latency_ms,
      error_code: row.error_code,
      error_message: row.error_message,
      webhook_request_sid: row.sid,
    },
    event_date: iso8601(row.date_created),
    event_type: `webhook.${row.purpose}`,
    resource_sid: row.resource_sid,
    resource_type: row.resource_sid ? (RESOURCE_TYPES[row.resource_sid.slice(0, 2)] ?? null) : null,
    sid,
    source: 'switchboard',
    source_ip_address: null,
    url: `${origin}/monitor/v1/Events/${sid}`,
    links: { webhook_request: `${origin}/switchboard/v1/WebhookRequests/${row.sid}` },
  };
};
