import { randomUUID } from 'node:crypto';
import { ALERTS, type AlertKind } from '../core/errors.js';
import type { JobOutcome, JobQueue, NewJob } from '../jobs/queue.js';
import type { Executor } from '../store/repositories/jobs.js';
import type { CookieJar } from './cookie-jar.js';
import type { WebhookCookies } from './cookies.js';
import { type CookieHooks, type FailureStage, HttpFailure, httpRequest, type HttpResponse } from './http.js';
import type { WebhookLog } from './log.js';
import { type ConnectionSettings, parseTarget, type RetryOn } from './overrides.js';
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
  /**
   * The cookie jar this webhook sends from and stores into (`smsCookieJar`, `callCookieJar`): set on the TwiML
   * requests of an SMS conversation or a call, never on status callbacks (Twilio keeps cookies for those only).
   */
  cookieJar?: string | null;
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
  /** For a failure without an answer: whether the app may have received the request. */
  stage: FailureStage;
}

/** One HTTP attempt as recorded, before anyone decides whether it is retried or alerted on. */
interface Attempt {
  result: WebhookResult;
  outcome: AttemptResult;
  url: string;
}

/**
 * Every outgoing webhook goes through here: signed as Twilio signs, GET or POST, with a timeout, a fallback
 * URL where one is set, a record of each request and response, and an alert when it fails.
 * `request` is for webhooks whose answer is needed now (TwiML); `enqueue` is for status callbacks, which
 * are durable and retried with backoff.
 */
export class WebhookDispatcher {
  constructor(
    private readonly log: WebhookLog,
    private readonly authTokenOf: (accountSid: string) => Promise<string | undefined>,
    private readonly opts: DispatcherOptions,
    private readonly onDelivery?: (purpose: string, outcome: 'ok' | 'failed') => void,
    private readonly cookies?: WebhookCookies,
  ) {}

  /**
   * A webhook whose answer is needed now (TwiML). Each target (the primary, then the fallback once) is tried
   * under its URL's connection overrides: by default a connection that could not be made is retried once
   * at once, as Twilio does; one alert is raised when the target finally fails.
   */
  async request(input: WebhookCall): Promise<WebhookResult> {
    const call = input.idempotencyToken ? input : { ...input, idempotencyToken: randomUUID() };
    const jar = call.cookieJar && this.cookies ? await this.cookies.open(call.accountSid, call.cookieJar) : undefined;
    let result = await this.deliver(call, call.primary, jar);
    if (!result.ok && call.fallback?.url) result = await this.deliver(call, call.fallback, jar);
    if (jar && call.cookieJar) await this.cookies?.save(call.accountSid, call.cookieJar, jar);
    return result;
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

  /**
   * The job handler for the webhook queue: 5xx and connection failures are retried, 4xx are not. The URL's
   * connection overrides set the timeouts of each attempt; retries are the queue's, with backoff.
   */
  async runJob(call: WebhookCall, attempt: number): Promise<JobOutcome> {
    const parsed = parseTarget(call.primary.url, this.opts.timeoutMs);
    if (attempt === 1) await this.reportOverrides(call, call.primary, parsed.problems);
    const done = await this.attempt(call, call.primary, parsed.url, attempt, parsed.settings, parsed.settings.totalTimeoutMs, undefined);
    await this.raise(call, done, done.outcome.alert);
    const { result } = done;
    if (result.ok) return { kind: 'done' };
    if (result.status !== null && result.status >= 400 && result.status < 500) return { kind: 'dead', error: `HTTP ${result.status}` };
    return {
      kind: 'retry',
      delayMs: Math.min(this.opts.retryBaseMs * 2 ** (attempt - 1), 60_000),
      error: result.status === null ? 'connection failure' : `HTTP ${result.status}`,
    };
  }

  /** One target: attempts under its connection settings until one succeeds or no retry is due. */
  private async deliver(call: WebhookCall, target: WebhookTarget, jar: CookieJar | undefined): Promise<WebhookResult> {
    const { url, settings, problems } = parseTarget(target.url, this.opts.timeoutMs);
    await this.reportOverrides(call, target, problems);
    const started = performance.now();
    const left = () => settings.totalTimeoutMs - (performance.now() - started);
    for (let attempt = 1; ; attempt++) {
      const done = await this.attempt(call, target, url, attempt, settings, left(), jar);
      if (done.result.ok) return done.result;
      const again = attempt <= settings.retryCount && retries(done.outcome, settings.retryOn) && left() > 0;
      if (again) continue;
      // Out of the URL's own total time (tt): Twilio's 11203 rather than a plain timeout.
      const kind = settings.totalTimeoutSet && done.outcome.alert === 'httpTimeout' && left() <= 0 ? 'httpTotalTimeout' : done.outcome.alert;
      await this.raise(call, done, kind);
      return { ...done.result, alertCode: kind ? alertCode(kind) : null };
    }
  }

  private async reportOverrides(call: WebhookCall, target: WebhookTarget, problems: { alert: AlertKind; detail: string }[]): Promise<void> {
    for (const p of problems) {
      await this.log.raise({
        accountSid: call.accountSid,
        kind: p.alert,
        detail: p.detail,
        resourceSid: call.resourceSid ?? null,
        requestUrl: target.url,
        requestMethod: target.method,
      });
    }
  }

  private async raise(call: WebhookCall, done: Attempt, kind: AlertKind | null): Promise<void> {
    if (!kind) return;
    await this.log.raise({
      accountSid: call.accountSid,
      kind,
      detail: done.outcome.detail,
      resourceSid: call.resourceSid ?? null,
      requestUrl: done.url,
      requestMethod: done.result.target.method,
      webhookRequestSid: done.result.webhookRequestSid,
    });
  }

  /** Read per request: the account lookup is cached and invalidated on change, so a new token signs at once. */
  private async token(accountSid: string): Promise<string> {
    return (await this.authTokenOf(accountSid)) ?? '';
  }

  /** One signed HTTP request to `requestUrl` (the target's URL without its fragment), recorded with its answer. */
  private async attempt(
    call: WebhookCall,
    target: WebhookTarget,
    requestUrl: string,
    attempt: number,
    settings: ConnectionSettings,
    budgetMs: number,
    jar: CookieJar | undefined,
  ): Promise<Attempt> {
    const token = await this.token(call.accountSid);
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(call.params)) for (const item of Array.isArray(v) ? v : [v]) form.append(k, item);
    const encoded = form.toString();
    let url = requestUrl;
    let signed: SignedParams = call.params;
    if (target.method === 'GET') {
      url += (url.includes('?') ? '&' : '?') + encoded;
      signed = {};
    }
    const headers: Record<string, string> = {
      'User-Agent': this.opts.userAgent,
      'X-Twilio-Signature': computeSignature(token, url, signed),
      'I-Twilio-Idempotency-Token': call.idempotencyToken ?? randomUUID(),
      Accept: '*/*',
    };
    if (target.method === 'POST') headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    const requestBody = target.method === 'POST' ? encoded : '';
    // Cookies are not signed (as at Twilio); the first hop's Cookie header is recorded with the request.
    const cookieProblems: string[] = [];
    const hooks: CookieHooks | undefined = jar && {
      header: (u) => jar.header(u),
      receive: (u, lines) => {
        for (const p of jar.receive(u, lines)) if (p.invalid) cookieProblems.push(p.detail);
      },
    };
    const sentCookie = jar?.header(new URL(url));
    const started = performance.now();
    const outcome = await this.send(url, target.method, headers, requestBody, settings, budgetMs, hooks);
    const latency = Math.round(performance.now() - started);
    const recordedHeaders = sentCookie ? { ...redact(headers), Cookie: sentCookie } : redact(headers);
    const row = await this.log.recordRequest({
      account_sid: call.accountSid,
      resource_sid: call.resourceSid ?? null,
      purpose: call.purpose,
      method: target.method,
      url,
      request_headers: JSON.stringify(recordedHeaders),
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
    for (const detail of cookieProblems) {
      await this.log.raise({
        accountSid: call.accountSid,
        kind: 'cookieInvalid',
        detail,
        resourceSid: call.resourceSid ?? null,
        requestUrl: url,
        requestMethod: target.method,
        webhookRequestSid: row.sid,
      });
    }
    return {
      url,
      outcome,
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
    settings: ConnectionSettings,
    budgetMs: number,
    cookies: CookieHooks | undefined,
  ): Promise<AttemptResult & { headers: Record<string, string> | null }> {
    let res: HttpResponse;
    try {
      // The deadline bounds the whole request (as Twilio's 15 s does), not only idle time on the socket; under
      // it, the connect and read timeouts of the URL's overrides.
      const deadline = Math.max(1, Math.ceil(budgetMs));
      res = await httpRequest(url, {
        method,
        headers,
        body,
        timeoutMs: deadline,
        deadlineMs: deadline,
        connectTimeoutMs: settings.connectTimeoutMs,
        readTimeoutMs: settings.readTimeoutMs,
        maxBytes: this.opts.maxResponseBytes,
        cookies,
      });
    } catch (err) {
      const kind = err instanceof HttpFailure ? err.kind : 'connection';
      const stage = err instanceof HttpFailure ? err.stage : 'none';
      const alert: AlertKind =
        kind === 'bad-host' ? 'httpBadHost' : kind === 'timeout' ? 'httpTimeout' : kind === 'too-many-redirects' ? 'tooManyRedirects' : 'httpConnectionFailure';
      return { ok: false, status: null, contentType: null, body: '', alertCode: null, alert, detail: (err as Error).message, headers: null, stage };
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
        stage: 'none',
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
        stage: 'none',
      };
    }
    return { ok: true, status: res.status, contentType, body: res.body, alertCode: null, alert: null, detail: '', headers: res.headers, stage: 'none' };
  }
}

/**
 * Whether a failed attempt is one the retry policy names. `ct`: no connection was made, so the app never saw
 * the request and a retry cannot deliver it twice (the default). `rt`, `4xx`, `5xx`: the app may have
 * handled it; the retry carries the same I-Twilio-Idempotency-Token so the app can tell.
 */
function retries(outcome: AttemptResult, on: ReadonlySet<RetryOn>): boolean {
  if (outcome.status !== null) {
    if (outcome.alert !== 'httpRetrievalFailure') return false;
    return (outcome.status >= 500 && on.has('5xx')) || (outcome.status >= 400 && outcome.status < 500 && on.has('4xx'));
  }
  if (outcome.stage === 'connect') return on.has('ct');
  if (outcome.stage === 'sent') return on.has('rt');
  return false;
}

function redact(headers: Record<string, string>): Record<string, string> {
  // The signature is derived from the auth token; it is shown truncated so it cannot be replayed from logs.
  return { ...headers, 'X-Twilio-Signature': headers['X-Twilio-Signature']!.slice(0, 6) + '…' };
}

function alertCode(kind: AlertKind): number {
  return ALERTS[kind].code;
}
