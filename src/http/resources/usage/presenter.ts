import { iso8601 } from '../../../core/dates.js';
import { isoDay } from '../../../usage/periods.js';
import type { UsageCategory, UsageRecord } from '../../../usage/service.js';

const UNITS: Readonly<Record<UsageCategory, { description: string; count: string; usage: string }>> = {
  calls: { description: 'Voice Minutes', count: 'calls', usage: 'minutes' },
  'calls-inbound': { description: 'Inbound Voice Minutes', count: 'calls', usage: 'minutes' },
  'calls-outbound': { description: 'Outbound Voice Minutes', count: 'calls', usage: 'minutes' },
  mms: { description: 'MMS Messages', count: 'messages', usage: 'messages' },
  'mms-inbound': { description: 'Inbound MMS Messages', count: 'messages', usage: 'messages' },
  'mms-outbound': { description: 'Outbound MMS Messages', count: 'messages', usage: 'messages' },
  sms: { description: 'SMS Messages', count: 'messages', usage: 'messages' },
  'sms-inbound': { description: 'Inbound SMS Messages', count: 'messages', usage: 'messages' },
  'sms-outbound': { description: 'Outbound SMS Messages', count: 'messages', usage: 'messages' },
  totalprice: { description: 'Total Price', count: '', usage: '' },
};

export const SUBRESOURCES = {
  all_time: 'AllTime',
  daily: 'Daily',
  last_month: 'LastMonth',
  monthly: 'Monthly',
  this_month: 'ThisMonth',
  today: 'Today',
  yearly: 'Yearly',
  yesterday: 'Yesterday',
} as const;

/** A usage record as the 2010 API shapes it: counts as strings, dates as YYYY-MM-DD, price in the table's currency. */
export const presentUsageRecord =
  (accountSid: string, view: string, currency: string, asOf: number) => (r: UsageRecord & { sid: string; date_created: number }) => {
    const units = UNITS[r.category];
    const base = `/2010-04-01/Accounts/${accountSid}/Usage/Records`;
    const query = new URLSearchParams({ Category: r.category, StartDate: isoDay(r.period.first), EndDate: isoDay(r.period.last) }).toString();
    const unit = currency.toLowerCase();
    return {
      account_sid: accountSid,
      api_version: '2010-04-01',
      as_of: iso8601(asOf),
      category: r.category,
      count: String(r.count),
      count_unit: units.count,
      description: units.description,
      end_date: isoDay(r.period.last),
      price: r.price,
      price_unit: unit,
      start_date: isoDay(r.period.first),
      subresource_uris: Object.fromEntries(Object.entries(SUBRESOURCES).map(([k, v]) => [k, `${base}/${v}.json?Category=${r.category}`])),
      uri: `${base}${view === 'Records' ? '' : `/${view}`}.json?${query}`,
      usage: String(r.usage),
      usage_unit: r.category === 'totalprice' ? unit : units.usage,
    };
  };
