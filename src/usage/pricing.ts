import { UNPRICED, type PriceTable } from './price-table.js';

/** Messages that were handed on or received: Twilio charges for these, not for failed or unsent ones. */
export const BILLED_MESSAGE_STATUSES = ['sent', 'delivered', 'undelivered', 'received', 'read'] as const;

/** A call is billed per started minute once it completed (an unanswered call costs nothing). */
export const billedMinutes = (durationSeconds: number) => Math.ceil(durationSeconds / 60);

const money = (n: number) => (n === 0 ? '0.00000' : (-n).toFixed(5));

/**
 * Prices of single messages and calls, as Twilio shows them: a negative string with five decimals, null
 * until the resource is final (or when no price table is configured).
 */
export class Pricing {
  constructor(readonly table: PriceTable) {}

  get unit(): string {
    return this.table.currency;
  }

  messagePrice(m: { direction: string; status: string; num_segments: number; num_media: number }): string | null {
    if (!this.table.priced || !(BILLED_MESSAGE_STATUSES as readonly string[]).includes(m.status)) return null;
    const inbound = m.direction === 'inbound';
    const p = this.table.prices;
    return money(m.num_media > 0 ? (inbound ? p['mms-inbound'] : p['mms-outbound']) : m.num_segments * (inbound ? p['sms-inbound'] : p['sms-outbound']));
  }

  callPrice(c: { direction: string; status: string; duration: number | null }): string | null {
    if (!this.table.priced || c.status !== 'completed' || c.duration === null) return null;
    const p = this.table.prices;
    return money(billedMinutes(c.duration) * (c.direction === 'inbound' ? p['calls-inbound'] : p['calls-outbound']));
  }
}

/** No price table: prices stay null, amounts in USD. */
export const NO_PRICING = new Pricing(UNPRICED);
