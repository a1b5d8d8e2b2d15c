import { rfc2822 } from '../../../core/dates.js';
import type { AlertDetail } from '../../../store/repositories/monitor.js';
import type { AlertsTable } from '../../../store/schema.js';
import { exchangeOf } from '../monitor/presenter.js';

/** The 2010 `log` field: 0 is an error, 1 a warning (Twilio keeps no other levels here). */
export const LOG_OF: Readonly<Record<string, string>> = { error: '0', warning: '1' };
export const LEVEL_OF: Readonly<Record<string, string>> = { 0: 'error', 1: 'warning' };

const callSidOf = (row: AlertsTable) => (row.resource_sid?.startsWith('CA') ? row.resource_sid : null);

/**
 * A 2010 Notification: an alert in the older shape. `viaCall` gives the per-call URI
 * (`/Calls/{CallSid}/Notifications/{Sid}`); a fetched one carries the webhook exchange, a listed one does not.
 */
export const presentNotification = (viaCall: boolean) => (row: AlertsTable | AlertDetail) => {
  const callSid = callSidOf(row);
  const base = `/2010-04-01/Accounts/${row.account_sid}${viaCall && callSid ? `/Calls/${callSid}` : ''}/Notifications/${row.sid}`;
  const listed = {
    account_sid: row.account_sid,
    api_version: '2010-04-01',
    call_sid: callSid,
    date_created: rfc2822(row.date_created),
    date_updated: rfc2822(row.date_created),
    error_code: String(row.error_code),
    log: LOG_OF[row.log_level] ?? '1',
    message_date: rfc2822(row.date_created),
    message_text: row.alert_text,
    more_info: `https://www.twilio.com/docs/errors/${row.error_code}`,
    request_method: row.request_method,
    request_url: row.request_url,
    sid: row.sid,
    uri: `${base}.json`,
  };
  if (!('request' in row)) return listed;
  const { request_variables, response_body, response_headers } = exchangeOf(row.request);
  return { ...listed, request_variables, response_body, response_headers };
};
