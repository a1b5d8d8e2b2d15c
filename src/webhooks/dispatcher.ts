import { randomUUID } from 'node:crypto';
import { ALERTS, type AlertKind } from '../core/errors.js';
import type { JobOutcome, JobQueue, NewJob } from '../jobs/queue.js';
import type { Executor } from '../store/repositories/jobs.js';
import { HttpFailure, httpRequest, type HttpResponse } from './http.js';
import type { WebhookLog } from './log.js';
import { computeSignature, type SignedParams } from './signature.js';

export interface WebhookTarget {
  url: string;
  method: 'GET' | 'POST';
}

export interface WebhookCall {
  accountSid: string;
  resourceSid?: string | null;
  /** What the request is for, shown in the inspector: `sms-inbound`, `sms-status`, `voice`, ... */
  purpose: string;
  primary: WebhookTarget;
  fallback?: WebhookTarget | null;
  params: Record<string, string | string[]>;
  /**
   * Sent as I-Twilio-Idempotency-Token. One value per webhook, kept across its retries and its fallback, so
   * an app can drop a delivery it already handled (jobs run at least once). Set by `job()`, else per request.
   */
  idempotencyToken?: string;
}

export interface WebhookResult {
  ok: boolean;
  status: number | null;
  contentType: string | null;
  body: string;
  /** The target that answered (primary or fallback). */
  target: WebhookTarget;
  alertCode: number | null;
  webhookRequestSid: string;
}

export interface DispatcherOptions {
  /** Deadline of one request: connect, redirects and the whole response body. */
  timeoutMs: number;
  /** Largest response body kept (TwiML documents are at most 64 KiB at Twilio). */
  maxResponseBytes: number;
  userAgent: string;
  /** First retry delay of a durable callback; doubled per attempt up to a minute. */
  retryBaseMs: number;
}

const EXCERPT = 16 * 1024;
export const WEBHOOK_QUEUE = 'webhook';

interface AttemptResult extends Omit<WebhookResult, 'target' | 'webhookRequestSid'> {
  alert: AlertKind | null;
  detail: string;
}

/**
 * Every outgoing webhook goes through here: signed as Twilio signs, GET or POST, with a timeout, a fallback
 * URL where one is set, a record of each request and response, and an alert when it fails.
 * `request` is for webhooks whose answer is needed now (TwiML); `enqueue` is for status callbacks, which
 * are durable and retried with backoff.
 */
export class WebhookDispatcher {
  private readonly tokens = new Map<string, { token: string; at: number }>();

  constructor(
    private readonly log: WebhookLog,
    private readonly authTokenOf: (accountSid: string) => Promise<string | undefined>,
    private readonly opts: DispatcherOptions,
    private readonly onDelivery?: (purpose: string, outcome: 'ok' | 'failed') => void,
  ) {}

  async request(input: WebhookCall): Promise<WebhookResult> {
    const call = input.idempotencyToken ? input : { ...input, idempotencyToken: randomUUID() };
    const first = await this.attempt(call, call.primary, 1);
    if (first.result.ok || !call.fallback?.url) return first.result;
    const second = await this.attempt(call, call.fallback, 1);
    return second.result;
  }

  /** A durable callback job, written with the caller's transaction when one is given. */
  job(call: WebhookCall, maxAttempts = 4): NewJob {
    return { queue: WEBHOOK_QUEUE, payload: { ...call, idempotencyToken: call.idempotencyToken ?? randomUUID() }, maxAttempts };
  }

  async enqueue(queue: JobQueue, calls: WebhookCall[], executor?: Executor): Promise<void> {
    await queue.enqueue(
      calls.map((c) => this.job(c)),
      executor,
    );
  }

  /** The job handler for the webhook queue: 5xx and connection failures are retried, 4xx are not. */
  async runJob(call: WebhookCall, attempt: number): Promise<JobOutcome> {
    const { result } = await this.attempt(call, call.primary, attempt);
    if (result.ok) return { kind: 'done' };
    if (result.status !== null && result.status >= 400 && result.status < 500) return { kind: 'dead', error: `HTTP ${result.status}` };
    return {
      kind: 'retry',
      delayMs: Math.min(this.opts.retryBaseMs * 2 ** (attempt - 1), 60_000),
      error: result.status === null ? 'connection failure' : `HTTP ${result.status}`,
    };
  }

  private async token(accountSid: string): Promise<string> {
    const cached = this.tokens.get(accountSid);
    if (cached && Date.now() - cached.at < 5000) return cached.token;
    const token = (await this.authTokenOf(accountSid)) ?? '';
    this.tokens.set(accountSid, { token, at: Date.now() });
    return token;
  }

  private async attempt(call: WebhookCall, target: WebhookTarget, attempt: number): Promise<{ result: WebhookResult }> {
    const token = await this.token(call.accountSid);
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(call.params)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    let url = target.url;
    let signed: SignedParams = call.params;
    if (target.method === 'GET') {
      url += (url.includes('?') ? '&' : '?') + body.toString();
      signed = {};
    }
    const headers: Record<string, string> = {
      'User-Agent': this.opts.userAgent,
      'X-Twilio-Signature': computeSignature(token, url, signed),
      'I-Twilio-Idempotency-Token': call.idempotencyToken ?? randomUUID(),
      Accept: '*/*',
    };
    if (target.method === 'POST') headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    const requestBody = target.method === 'POST' ? body.toString() : '';
    const started = performance.now();
    const outcome = await this.send(url, target.method, headers, requestBody);
    const latency = Math.round(performance.now() - started);
    const row = await this.log.recordRequest({
      account_sid: call.accountSid,
      resource_sid: call.resourceSid ?? null,
      purpose: call.purpose,
      method: target.method,
      url,
      request_headers: JSON.stringify(redact(headers)),
      request_body: requestBody,
      response_status: outcome.status,
      response_headers: outcome.headers ? JSON.stringify(outcome.headers) : null,
      // No response at all (refused, timed out) is recorded as null, not an empty body, so the inspector says so.
      response_body: outcome.status === null ? null : outcome.body.slice(0, EXCERPT),
      latency_ms: latency,
      error_code: outcome.alert ? alertCode(outcome.alert) : null,
      error_message: outcome.alert ? outcome.detail : null,
      attempt,
    });
    this.onDelivery?.(call.purpose, outcome.ok ? 'ok' : 'failed');
    if (outcome.alert) {
      await this.log.raise({
        accountSid: call.accountSid,
        kind: outcome.alert,
        detail: outcome.detail,
        resourceSid: call.resourceSid ?? null,
        requestUrl: url,
        requestMethod: target.method,
        webhookRequestSid: row.sid,
      });
    }
    return {
      result: {
        ok: outcome.ok,
        status: outcome.status,
        contentType: outcome.contentType,
        body: outcome.body,
        target,
        alertCode: outcome.alert ? alertCode(outcome.alert) : null,
        webhookRequestSid: row.sid,
      },
    };
  }

  private async send(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<AttemptResult & { headers: Record<string, string> | null }> {
    let res: HttpResponse;
    try {
      // The timeout is a deadline for the whole request (as Twilio's 15 s is), not only idle time on the socket.
      res = await httpRequest(url, {
        method,
        headers,
        body,
        timeoutMs: this.opts.timeoutMs,
        deadlineMs: this.opts.timeoutMs,
        maxBytes: this.opts.maxResponseBytes,
      });
    } catch (err) {
      const kind = err instanceof HttpFailure ? err.kind : 'connection';
      const alert: AlertKind =
        kind === 'bad-host' ? 'httpBadHost' : kind === 'timeout' ? 'httpTimeout' : kind === 'too-many-redirects' ? 'tooManyRedirects' : 'httpConnectionFailure';
      return { ok: false, status: null, contentType: null, body: '', alertCode: null, alert, detail: (err as Error).message, headers: null };
    }
    const contentType = res.headers['content-type'] ?? null;
    if (res.body === undefined) {
      return {
        ok: false,
        status: res.status,
        contentType,
        body: '',
        alertCode: null,
        alert: 'responseTooLarge',
        detail: `over ${this.opts.maxResponseBytes} bytes`,
        headers: res.headers,
      };
    }
    if (res.status < 200 || res.status >= 300) {
      return {
        ok: false,
        status: res.status,
        contentType,
        body: res.body,
        alertCode: null,
        alert: 'httpRetrievalFailure',
        detail: `HTTP ${res.status}`,
        headers: res.headers,
      };
    }
    return { ok: true, status: res.status, contentType, body: res.body, alertCode: null, alert: null, detail: '', headers: res.headers };
  }
}

function redact(headers: Record<string, string>): Record<string, string> {
  // The signature is derived from the auth token; it is shown truncated so it cannot be replayed from logs.
  return { ...headers, 'X-Twilio-Signature': headers['X-Twilio-Signature']!.slice(0, 6) + '…' };
}

function alertCode(kind: AlertKind): number {
  return ALERTS[kind].code;
}
