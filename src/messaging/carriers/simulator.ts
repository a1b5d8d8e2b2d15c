import { codes } from '../../core/errors.js';
import type { Carrier, CarrierEvents, OutboundSms, SubmitResult } from './types.js';

/** Where the simulator's network ends: the inboxes of virtual phones. Writes are idempotent per message. */
export interface VirtualPhoneInbox {
  receive(batch: readonly OutboundSms[]): Promise<void>;
  /** Messages this carrier took (status sent) whose delivery report is overdue: a node died before sending it. */
  overdueReports(carrier: string, sentBefore: number): Promise<string[]>;
}

export interface SimulatorOptions {
  /** Delay before the delivery report, in ms. */
  latencyMs: number;
  /** Percent of messages reported undelivered (30003: unreachable handset). 0 in deterministic mode. */
  failureRate: number;
  random?: () => number;
}

/**
 * The default carrier: every number no account owns is a virtual phone. A submit lands in the phone's
 * inbox (idempotently, so a resubmission after a crash is not a second message), then a delivery report
 * follows after the configured latency.
 */
export class SimulatorCarrier implements Carrier {
  readonly name = 'simulator';
  private events: CarrierEvents | undefined;
  private readonly pending = new Map<NodeJS.Timeout, () => void>();

  constructor(
    private readonly inbox: VirtualPhoneInbox,
    private readonly opts: SimulatorOptions,
  ) {}

  private sweeper: NodeJS.Timeout | undefined;

  /**
   * Reports live in memory until their latency passes. A node killed in between loses them, so a sweep
   * re-reports what is overdue; the phone already has the message (its inbox is in the database).
   */
  async start(events: CarrierEvents): Promise<void> {
    this.events = events;
    const sweep = async () => {
      const overdue = await this.inbox.overdueReports(this.name, Date.now() - this.opts.latencyMs - 5000);
      for (const sid of overdue) events.report({ carrier: this.name, messageSid: sid, status: 'delivered' });
    };
    this.sweeper = setInterval(() => {
      void sweep().catch(() => undefined);
    }, 2000);
    this.sweeper.unref?.();
  }

  async submit(batch: readonly OutboundSms[]): Promise<SubmitResult[]> {
    await this.inbox.receive(batch);
    const random = this.opts.random ?? Math.random;
    const reports = batch.map((m) => ({
      sid: m.sid,
      ok: this.opts.failureRate <= 0 || random() * 100 >= this.opts.failureRate,
    }));
    const deliver = () => {
      for (const r of reports) {
        this.events?.report(
          r.ok
            ? { carrier: this.name, messageSid: r.sid, status: 'delivered' }
            : { carrier: this.name, messageSid: r.sid, status: 'undelivered', errorCode: codes.unreachableHandset },
        );
      }
    };
    if (this.opts.latencyMs <= 0) setImmediate(deliver);
    else {
      const t = setTimeout(() => {
        this.pending.delete(t);
        deliver();
      }, this.opts.latencyMs);
      this.pending.set(t, deliver);
    }
    return batch.map((m) => ({ kind: 'submitted', carrierIds: [m.sid] }));
  }

  health() {
    return { up: true, detail: 'virtual phones' };
  }

  /** Reports still waiting for their latency are delivered now, so a drained shutdown leaves none behind. */
  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const [t, deliver] of this.pending) {
      clearTimeout(t);
      deliver();
    }
    this.pending.clear();
  }
}
