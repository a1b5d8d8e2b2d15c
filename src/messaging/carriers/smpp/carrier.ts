/**
 * The SMPP carrier: the `Carrier` interface on top of an SmppSession. Each message is encoded here (GSM-7
 * or UCS-2 with an explicit data_coding, concatenation by 8- or 16-bit UDH, sar_* TLVs or one
 * message_payload), paced to the carrier's throughput limit, and submitted part by part. Receipts become
 * delivery reports keyed by the carrier id of each part; MO messages are reassembled by the session and
 * handed on with E.164 addresses. See docs/smpp.md.
 */
import { codes } from '../../../core/errors.js';
import { withPlus } from '../../../core/phone/e164.js';
import { ConcatRefAllocator } from '../../encoding/split.js';
import type { UdhReference } from '../../encoding/split.js';
import type { Carrier, CarrierCounters, CarrierEvents, OutboundSms, SubmitResult } from '../types.js';
import type { InboundMessage } from './inbound.js';
import { prepareMessage } from './send.js';
import type { PreparedMessage } from './send.js';
import { SmppSession } from './session.js';
import type { SessionEvent, SessionReceipt, SmppSessionOptions } from './session.js';
import { statusFromSubmitFailure } from './status.js';
import type { SubmitResult as PartResult } from './submit-window.js';

export type Concatenation = 'udh8' | 'udh16' | 'sar' | 'payload';

export interface SmppCarrierOptions {
  name: string;
  session: Omit<SmppSessionOptions, 'onReceipt' | 'onMessage' | 'onEvent'>;
  concatenation?: Concatenation;
  /** Ask for a receipt per part (registered_delivery 1). Default true. */
  registeredDelivery?: boolean;
  /** submit_sm per second at most, or null for no limit (the window still bounds what is in flight). */
  throughput?: number | null;
  /** A part that would wait longer than this for its pacing slot goes back to the pipeline. Default 5 s. */
  maxPaceWaitMs?: number;
  /** Delay before the pipeline retries after a timeout or a dropped link. Default 2 s. */
  retryDelayMs?: number;
  onWarning?: (message: string) => void;
}

/** Parts already accepted for a message whose other parts must be retried, so only those are resent. */
interface Partial {
  ids: Array<string | null>;
  at: number;
}

const PARTIAL_TTL_MS = 15 * 60_000;
const PARTIAL_MAX = 100_000;

export class SmppCarrier implements Carrier {
  readonly name: string;
  private session: SmppSession | null = null;
  private events: CarrierEvents | null = null;
  private readonly partial = new Map<string, Partial>();
  private nextSlot = 0;
  private linkDetail = 'not started';
  private readonly count = { submitted: 0, failed: 0, retried: 0, partsSubmitted: 0, throttled: 0, receipts: 0, inbound: 0 };
  /** Parts accepted per second over the last 10 s: [second, count] buckets. */
  private readonly rate: Array<[number, number]> = [];

  constructor(private readonly options: SmppCarrierOptions) {
    this.name = options.name;
  }

  async start(events: CarrierEvents): Promise<void> {
    this.events = events;
    this.session = new SmppSession({
      // Fail fast enough that a pipeline batch stays well inside its lease while the link is down.
      queueTimeoutMs: 10_000,
      ...this.options.session,
      onReceipt: (r) => this.onReceipt(r),
      onMessage: (m) => this.onMessage(m),
      onEvent: (e) => this.onEvent(e),
    }).start();
  }

  async stop(): Promise<void> {
    await this.session?.close();
    this.session = null;
  }

  health(): { up: boolean; detail: string } {
    const up = this.session?.isBound ?? false;
    return { up, detail: up ? 'bound' : this.linkDetail };
  }

  counters(): CarrierCounters {
    const now = Math.floor(Date.now() / 1000);
    const recent = this.rate.filter(([s]) => s > now - 10 && s < now).reduce((n, [, c]) => n + c, 0);
    return { ...this.count, partsPerSecond: Math.round((recent / 10) * 10) / 10, moReassembly: this.session?.reassemblyStats };
  }

  async submit(batch: readonly OutboundSms[]): Promise<SubmitResult[]> {
    this.forgetOldPartials();
    const results = await Promise.all(batch.map((m) => this.submitOne(m)));
    for (const r of results) {
      if (r.kind === 'submitted') this.count.submitted++;
      else if (r.kind === 'failed') this.count.failed++;
      else this.count.retried++;
    }
    return results;
  }

  private async submitOne(m: OutboundSms): Promise<SubmitResult> {
    const session = this.session;
    if (!session) return { kind: 'retry', delayMs: 2000, reason: 'carrier not started', free: true };
    let prepared: PreparedMessage;
    try {
      prepared = this.prepare(m);
    } catch (err) {
      return { kind: 'failed', errorCode: codes.unknownDeliveryError, errorMessage: `cannot encode for SMPP: ${String(err)}` };
    }
    const total = prepared.submits.length;
    const previous = this.partial.get(m.sid);
    const ids: Array<string | null> = previous && previous.ids.length === total ? [...previous.ids] : new Array<string | null>(total).fill(null);
    const outcomes = await Promise.all(
      prepared.submits.map(async (fields, i): Promise<PartResult | null> => {
        if (ids[i] !== null) return null;
        const wait = this.reserveSlot();
        if (wait === null) return { ok: false, reason: 'queue_full', retryable: true, message: 'throughput limit: no slot soon enough' };
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        return session.submit(fields);
      }),
    );
    let fatal: Extract<PartResult, { ok: false }> | null = null;
    let counted = false;
    let throttled = false;
    for (const [i, o] of outcomes.entries()) {
      if (o === null) continue;
      if (o.ok) {
        ids[i] = o.messageId;
        this.count.partsSubmitted++;
        this.tick();
        continue;
      }
      if (o.reason === 'throttled') {
        this.count.throttled++;
        throttled = true;
      }
      if (!o.retryable) fatal ??= o;
      // Only a submit the SMSC may have taken (no answer, link dropped, garbled answer) counts as an attempt.
      if (o.reason === 'timeout' || o.reason === 'disconnected' || o.reason === 'protocol_error' || o.reason === 'rejected') counted = true;
    }
    if (ids.every((id) => id !== null)) {
      this.partial.delete(m.sid);
      return { kind: 'submitted', carrierIds: ids as string[] };
    }
    if (fatal !== null) {
      this.partial.delete(m.sid);
      const code = statusFromSubmitFailure(fatal.commandStatus).errorCode ?? codes.unknownDeliveryError;
      return { kind: 'failed', errorCode: code, errorMessage: fatal.message };
    }
    this.partial.set(m.sid, { ids, at: Date.now() });
    const reasons = [...new Set(outcomes.flatMap((o) => (o && !o.ok ? [o.reason] : [])))].join(', ');
    const delayMs = throttled ? 1000 : (this.options.retryDelayMs ?? 2000);
    return counted ? { kind: 'retry', delayMs, reason: reasons } : { kind: 'retry', delayMs, reason: reasons, free: true };
  }

  private prepare(m: OutboundSms): PreparedMessage {
    const mode = this.options.concatenation ?? 'udh8';
    const udh: UdhReference = mode === 'udh16' ? '16bit' : '8bit';
    // SMPP has no media: links go in the text, as an MMS-to-SMS fallback would.
    const body = m.media.length ? [m.body, ...m.media.map((x) => x.url)].filter((s) => s !== '').join('\n') : m.body;
    return prepareMessage({
      from: m.from,
      to: m.to,
      body,
      registeredDelivery: this.options.registeredDelivery ?? true,
      concatenation: mode === 'sar' ? 'sar' : mode === 'payload' ? 'payload' : 'udh',
      udh,
      // The reference comes from the SID, so a resend (even after a restart) reuses it and handsets merge parts.
      refs: new SidRef(m.sid),
    });
  }

  /** Milliseconds until this part may go under the throughput limit; null when that is too far off. */
  private reserveSlot(): number | null {
    const perSecond = this.options.throughput;
    if (!perSecond || perSecond <= 0) return 0;
    const now = Date.now();
    const at = Math.max(now, this.nextSlot);
    if (at - now > (this.options.maxPaceWaitMs ?? 5000)) return null;
    this.nextSlot = at + 1000 / perSecond;
    return at - now;
  }

  private tick(): void {
    const s = Math.floor(Date.now() / 1000);
    const last = this.rate[this.rate.length - 1];
    if (last && last[0] === s) last[1]++;
    else {
      this.rate.push([s, 1]);
      if (this.rate.length > 11) this.rate.shift();
    }
  }

  private forgetOldPartials(): void {
    if (this.partial.size === 0) return;
    const cutoff = Date.now() - PARTIAL_TTL_MS;
    for (const [sid, p] of this.partial) {
      if (p.at < cutoff || this.partial.size > PARTIAL_MAX) this.partial.delete(sid);
    }
  }

  private async onReceipt(r: SessionReceipt): Promise<void> {
    this.count.receipts++;
    // ENROUTE/ACCEPTD leave a message sent; nothing to store.
    if (r.twilio.status === 'sent') return;
    const status = r.twilio.status === 'delivered' ? 'delivered' : r.twilio.status === 'failed' ? 'failed' : 'undelivered';
    await this.events?.report({ carrier: this.name, carrierId: r.messageId, status, errorCode: r.twilio.errorCode });
  }

  private async onMessage(m: InboundMessage): Promise<void> {
    this.count.inbound++;
    // SMPP addresses carry no '+' (TON 1 is how we send and how most SMSCs deliver): international ones get it
    // back so they match the numbers accounts own; short codes and alphanumeric senders stay as they are.
    await this.events?.inbound({ carrier: this.name, from: withPlus(m.from), to: withPlus(m.to), body: m.text, media: [] });
  }

  private onEvent(e: SessionEvent): void {
    if (e.type === 'state') this.linkDetail = `${e.link} ${e.state}${e.detail ? `: ${e.detail}` : ''}`;
    else if (e.type === 'warning') this.options.onWarning?.(`${this.name}: ${e.message}`);
  }
}

/** A reference allocator fixed by the message SID. */
class SidRef extends ConcatRefAllocator {
  private readonly hash: number;

  constructor(sid: string) {
    super(() => 0);
    let h = 2166136261;
    for (let i = 0; i < sid.length; i++) h = Math.imul(h ^ sid.charCodeAt(i), 16777619) >>> 0;
    this.hash = h;
  }

  override next(kind: UdhReference): number {
    return kind === '8bit' ? this.hash & 0xff : this.hash & 0xffff;
  }
}
