import type { Clock } from '../core/clock.js';
import type { WebhookCookiesRepository } from '../store/repositories/webhook-cookies.js';
import { CookieJar, type StoredCookie } from './cookie-jar.js';

/** Twilio keys SMS cookies by the conversation: the number messaged (To) and the sender (From). */
export function smsCookieJar(to: string, from: string): string {
  return `sms:${to}|${from}`;
}

/** A call's TwiML requests share one jar for the life of the call. */
export function callCookieJar(callSid: string): string {
  return `call:${callSid}`;
}

const SWEEP_EVERY_MS = 10 * 60 * 1000;

/**
 * Loads and saves cookie jars in the store, so a conversation keeps its cookies across a restart and
 * whichever node takes its next message. Two webhooks of one jar at the same moment: the later save wins,
 * as Twilio warns can happen ("race conditions between setting cookies").
 */
export class WebhookCookies {
  private lastSweep = 0;

  constructor(
    private readonly repo: Pick<WebhookCookiesRepository, 'find' | 'save' | 'delete' | 'deleteExpired'>,
    private readonly clock: Clock,
  ) {}

  async open(accountSid: string, jar: string): Promise<CookieJar> {
    const row = await this.repo.find(accountSid, jar, this.clock.now());
    const cookies = row ? (JSON.parse(row.cookies) as StoredCookie[]) : [];
    return new CookieJar(cookies, () => this.clock.now());
  }

  /** Writes the jar back when a response changed it. */
  async save(accountSid: string, jar: string, cookies: CookieJar): Promise<void> {
    if (!cookies.changed) return;
    const now = this.clock.now();
    const list = cookies.list();
    if (list.length === 0) await this.repo.delete(accountSid, jar);
    else {
      const expiresAt = Math.max(...list.map((c) => c.expiresAt));
      await this.repo.save({ account_sid: accountSid, jar, cookies: JSON.stringify(list), expires_at: expiresAt, date_updated: now });
    }
    // Jars of conversations that never came back are swept now and then, not on every write.
    if (now - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = now;
      await this.repo.deleteExpired(now);
    }
  }
}
