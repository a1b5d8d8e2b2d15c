import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { iso8601 } from '../../../core/dates.js';
import { errors } from '../../../core/errors.js';
import type { AlertRow, WebhookRequestRow } from '../../../store/repositories/webhook-log.js';
import type { WebhookLog } from '../../../webhooks/log.js';
import { principalOf } from '../../context.js';
import { envelopeV1, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';

const parseJson = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

export function presentWebhookRequest(origin: string) {
  return (row: WebhookRequestRow) => ({
    sid: row.sid,
    account_sid: row.account_sid,
    resource_sid: row.resource_sid,
    purpose: row.purpose,
    method: row.method,
    url: row.url,
    attempt: row.attempt,
    request: { headers: parseJson(row.request_headers), body: row.request_body },
    response:
      row.response_status === null && row.response_body === null
        ? null
        : { status: row.response_status, headers: parseJson(row.response_headers), body: row.response_body },
    latency_ms: row.latency_ms,
    error_code: row.error_code,
    error_message: row.error_message,
    date_created: iso8601(row.date_created),
    url_self: `${origin}/switchboard/v1/WebhookRequests/${row.sid}`,
  });
}

export function presentAlert(origin: string) {
  return (row: AlertRow) => ({
    sid: row.sid,
    account_sid: row.account_sid,
    resource_sid: row.resource_sid,
    error_code: String(row.error_code),
    log_level: row.log_level,
    alert_text: row.alert_text,
    request_url: row.request_url,
    request_method: row.request_method,
    webhook_request_sid: row.webhook_request_sid,
    more_info: `https://www.twilio.com/docs/errors/${row.error_code}`,
    date_created: iso8601(row.date_created),
    url: `${origin}/switchboard/v1/Alerts/${row.sid}`,
  });
}

/**
 * The webhook inspector and the alert log, Switchboard's own API. Account scope is the caller's, or a
 * subaccount named by `AccountSid`.
 */
export function inspectorRoutes(app: FastifyInstance, accounts: AccountsService, log: WebhookLog, origin: () => string): void {
  const scope = async (req: FastifyRequest) => {
    const wanted = new ParamReader(paramsOf(req)).str('AccountSid') ?? principalOf(req).accountSid;
    return (await accounts.resolveTarget(principalOf(req), wanted)).sid;
  };

  app.get('/switchboard/v1/WebhookRequests', async (req) => {
    const accountSid = await scope(req);
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const result = await log.listRequests(accountSid, { resourceSid: p.str('ResourceSid'), failedOnly: p.bool('Failed') ?? false }, page);
    return envelopeV1('webhook_requests', origin(), '/switchboard/v1/WebhookRequests', params, page, result, presentWebhookRequest(origin()));
  });

  app.get('/switchboard/v1/WebhookRequests/:Sid', async (req) => {
    const accountSid = await scope(req);
    const { Sid } = req.params as { Sid: string };
    const row = await log.findRequest(accountSid, Sid);
    if (!row) throw errors.notFound('Webhook request', Sid);
    return presentWebhookRequest(origin())(row);
  });

  app.get('/switchboard/v1/Alerts', async (req) => {
    const accountSid = await scope(req);
    const params = paramsOf(req);
    const page = readPageParams(params);
    const result = await log.listAlerts(accountSid, { resourceSid: new ParamReader(params).str('ResourceSid') }, page);
    return envelopeV1('alerts', origin(), '/switchboard/v1/Alerts', params, page, result, presentAlert(origin()));
  });

  app.get('/switchboard/v1/Alerts/:Sid', async (req) => {
    const accountSid = await scope(req);
    const { Sid } = req.params as { Sid: string };
    const row = await log.findAlert(accountSid, Sid);
    if (!row) throw errors.notFound('Alert', Sid);
    return presentAlert(origin())(row);
  });
}
