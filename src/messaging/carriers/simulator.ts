import type { Carrier, CarrierEvents, OutboundSms, SubmitResult } from './types.js';

/** Where the simulator's network ends: the inboxes of virtual phones. Writes are idempotent per message. */
export interface VirtualPhoneInbox {
  receive(batch: readonly OutboundSms[]): Promise<void>;
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

  constructor(private readonly inbox: VirtualPhoneInbox, private readonly opts: SimulatorOptions) {}

  async start(events: CarrierEvents): Promise<void> {
    this.events = events;
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
        this.events?.report(r.ok
          ? { carrier: this.name, messageSid: r.sid, status: 'delivered' }
          : { carrier: this.name, messageSid: r.sid, status: 'undelivered', errorCode: 30003 });
      }
    };
    if (this.opts.latencyMs <= 0) setImmediate(deliver);
    else {
      const t = setTimeout(() => { this.pending.delete(t); deliver(); }, this.opts.latencyMs);
      this.pending.set(t, deliver);
    }
    return batch.map((m) => ({ kind: 'submitted', carrierIds: [m.sid] }));
  }

  health() {
    return { up: true, detail: 'virtual phones' };
  }

  /** Reports still waiting for their latency are delivered now, so a drained shutdown leaves none behind. */
  async stop(): Promise<void> {
    for (const [t, deliver] of this.pending) {
      clearTimeout(t);
      deliver();
    }
    this.pending.clear();
  }
}
