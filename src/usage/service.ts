import type { Clock } from '../core/clock.js';
import type { CallUsageRow, MessageUsageRow, UsageRepository, UsageScope } from '../store/repositories/usage.js';
import type { PricedCategory } from './price-table.js';
import { buckets, DAY_MS, dayOf, monthBefore, monthOf, yearOf, type Period } from './periods.js';
import { BILLED_MESSAGE_STATUSES, type Pricing } from './pricing.js';

/** The categories Switchboard computes, in the order lists show them. */
export const USAGE_CATEGORIES = [
  'calls',
  'calls-inbound',
  'calls-outbound',
  'mms',
  'mms-inbound',
  'mms-outbound',
  'sms',
  'sms-inbound',
  'sms-outbound',
  'totalprice',
] as const;
export type UsageCategory = (typeof USAGE_CATEGORIES)[number];

/** Which priced categories make up each reported one. */
const PARTS: Readonly<Record<Exclude<UsageCategory, 'totalprice'>, readonly PricedCategory[]>> = {
  calls: ['calls-inbound', 'calls-outbound'],
  'calls-inbound': ['calls-inbound'],
  'calls-outbound': ['calls-outbound'],
  mms: ['mms-inbound', 'mms-outbound'],
  'mms-inbound': ['mms-inbound'],
  'mms-outbound': ['mms-outbound'],
  sms: ['sms-inbound', 'sms-outbound'],
  'sms-inbound': ['sms-inbound'],
  'sms-outbound': ['sms-outbound'],
};

/** count: calls or messages; usage: minutes or segments (what the unit price applies to). */
interface Tally {
  count: number;
  usage: number;
}
type DayTotals = Map<PricedCategory, Tally>;

export interface UsageRecord {
  category: UsageCategory;
  period: Period;
  count: number;
  usage: number;
  price: number;
}

/** The named subresources and how they cut time. */
export type UsageView = 'Records' | 'Daily' | 'Monthly' | 'Yearly' | 'Today' | 'Yesterday' | 'ThisMonth' | 'LastMonth' | 'AllTime';

/**
 * Usage Records and Balance, computed from the account's own messages and calls (no usage table to drift):
 * billed messages (sent, delivered, undelivered, received, read) by segment, MMS by message, completed calls by
 * started minute, priced by the operator's table.
 */
export class UsageService {
  constructor(
    private readonly repo: UsageRepository,
    private readonly pricing: Pricing,
    private readonly clock: Clock,
  ) {}

  /** The periods a view reports, given the optional StartDate/EndDate days and the account's first day. */
  periods(view: UsageView, opts: { start?: number | undefined; end?: number | undefined; accountFirstDay: number }): Period[] {
    const today = dayOf(this.clock.now());
    switch (view) {
      case 'Today':
        return [{ first: today, last: today }];
      case 'Yesterday':
        return [{ first: today - 1, last: today - 1 }];
      case 'ThisMonth':
        return [{ first: monthOf(today).first, last: today }];
      case 'LastMonth':
        return [monthOf(monthOf(today).first - 1)];
      case 'AllTime':
        return [{ first: Math.min(opts.accountFirstDay, today), last: today }];
      default:
        break;
    }
    const last = opts.end ?? today;
    const defaultFirst =
      view === 'Daily'
        ? monthBefore(last)
        : view === 'Monthly'
          ? monthOf(monthBefore(last)).first
          : view === 'Yearly'
            ? yearOf(opts.accountFirstDay).first
            : Math.min(opts.accountFirstDay, last);
    const range = { first: opts.start ?? defaultFirst, last };
    if (range.first > range.last) return [];
    if (view === 'Records') return [range];
    return buckets(range, view === 'Daily' ? 'day' : view === 'Monthly' ? 'month' : 'year');
  }

  /** One record per period and category, periods in order and categories in USAGE_CATEGORIES order. */
  async records(scope: UsageScope, periods: readonly Period[], categories: readonly UsageCategory[]): Promise<UsageRecord[]> {
    if (periods.length === 0 || categories.length === 0) return [];
    const first = Math.min(...periods.map((p) => p.first));
    const last = Math.max(...periods.map((p) => p.last));
    const days = await this.totalsByDay(scope, first * DAY_MS, (last + 1) * DAY_MS);
    const out: UsageRecord[] = [];
    for (const period of periods) {
      const sum = new Map<PricedCategory, Tally>();
      for (const [day, totals] of days) {
        if (day < period.first || day > period.last) continue;
        for (const [cat, t] of totals) {
          const s = sum.get(cat) ?? { count: 0, usage: 0 };
          sum.set(cat, { count: s.count + t.count, usage: s.usage + t.usage });
        }
      }
      for (const category of categories) out.push(this.record(category, period, sum));
    }
    return out;
  }

  /** The starting credit minus everything the account and its subaccounts have used (they share it, as at Twilio). */
  async balance(accountSid: string): Promise<{ balance: number; currency: string }> {
    const days = await this.totalsByDay({ accountSid, includeSubaccounts: true }, 0, this.clock.now() + DAY_MS);
    let spent = 0;
    for (const totals of days.values()) for (const [cat, t] of totals) spent += t.usage * this.pricing.table.prices[cat];
    return { balance: round(this.pricing.table.startingBalance - spent), currency: this.pricing.table.currency };
  }

  private record(category: UsageCategory, period: Period, sum: Map<PricedCategory, Tally>): UsageRecord {
    const prices = this.pricing.table.prices;
    const parts = category === 'totalprice' ? [...sum.keys()] : PARTS[category];
    let count = 0;
    let usage = 0;
    let price = 0;
    for (const part of parts) {
      const t = sum.get(part);
      if (!t) continue;
      count += t.count;
      usage += t.usage;
      price += t.usage * prices[part];
    }
    // Total price counts money, not events: Twilio reports its usage in the currency.
    return category === 'totalprice'
      ? { category, period, count: 0, usage: round(price), price: round(price) }
      : { category, period, count, usage, price: round(price) };
  }

  private async totalsByDay(scope: UsageScope, from: number, to: number): Promise<Map<number, DayTotals>> {
    const [messages, calls] = await Promise.all([this.repo.messagesByDay(scope, BILLED_MESSAGE_STATUSES, from, to), this.repo.callsByDay(scope, from, to)]);
    const days = new Map<number, DayTotals>();
    const add = (day: number, cat: PricedCategory, count: number, usage: number) => {
      const totals = days.get(day) ?? new Map<PricedCategory, Tally>();
      const t = totals.get(cat) ?? { count: 0, usage: 0 };
      totals.set(cat, { count: t.count + count, usage: t.usage + usage });
      days.set(day, totals);
    };
    for (const m of messages as MessageUsageRow[]) {
      const dir = m.inbound ? 'inbound' : 'outbound';
      // An SMS is billed (and counted, as Twilio counts) per segment; an MMS per message.
      if (m.mms) add(m.day, `mms-${dir}`, m.messages, m.messages);
      else add(m.day, `sms-${dir}`, m.segments, m.segments);
    }
    for (const c of calls as CallUsageRow[]) add(c.day, c.inbound ? 'calls-inbound' : 'calls-outbound', c.calls, c.minutes);
    return days;
  }
}

const round = (n: number) => Math.round(n * 1e5) / 1e5;
