import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buckets, isoDay, monthBefore, parseDay } from './periods.js';
import { parsePriceTable, PriceTableError, UNPRICED } from './price-table.js';
import { NO_PRICING, Pricing } from './pricing.js';

const day = (iso: string) => parseDay(iso)!;

test('buckets split a range into clipped days, months and years', () => {
  const range = { first: day('2024-01-30'), last: day('2024-03-02') };
  assert.equal(buckets(range, 'day').length, 33); // 2024 is a leap year
  assert.deepEqual(
    buckets(range, 'month').map((p) => [isoDay(p.first), isoDay(p.last)]),
    [
      ['2024-01-30', '2024-01-31'],
      ['2024-02-01', '2024-02-29'],
      ['2024-03-01', '2024-03-02'],
    ],
  );
  assert.deepEqual(
    buckets({ first: day('2023-12-31'), last: day('2024-01-01') }, 'year').map((p) => isoDay(p.first)),
    ['2023-12-31', '2024-01-01'],
  );
});

test('a month before clamps to the shorter month', () => {
  assert.equal(isoDay(monthBefore(day('2024-03-31'))), '2024-02-29');
  assert.equal(isoDay(monthBefore(day('2024-01-15'))), '2023-12-15');
});

test('the price table: defaults, validation, and prices Twilio-style', () => {
  const t = parsePriceTable({ prices: { 'sms-outbound': 0.0083, 'calls-inbound': 0.0085 } });
  assert.equal(t.currency, 'USD');
  assert.equal(t.startingBalance, 0);
  assert.equal(t.prices['mms-outbound'], 0);
  assert.throws(() => parsePriceTable({ prices: { 'fax-outbound': 1 } }), PriceTableError);
  assert.throws(() => parsePriceTable({ prices: { 'sms-outbound': -1 } }), PriceTableError);
  assert.throws(() => parsePriceTable({ currency: 'dollars' }), PriceTableError);
  assert.throws(() => parsePriceTable([]), PriceTableError);

  const pricing = new Pricing(t);
  assert.equal(pricing.messagePrice({ direction: 'outbound-api', status: 'delivered', num_segments: 2, num_media: 0 }), '-0.01660');
  assert.equal(pricing.messagePrice({ direction: 'outbound-api', status: 'queued', num_segments: 2, num_media: 0 }), null);
  assert.equal(pricing.messagePrice({ direction: 'outbound-api', status: 'failed', num_segments: 1, num_media: 0 }), null);
  assert.equal(pricing.messagePrice({ direction: 'inbound', status: 'received', num_segments: 1, num_media: 0 }), '0.00000');
  assert.equal(pricing.callPrice({ direction: 'inbound', status: 'completed', duration: 61 }), '-0.01700');
  assert.equal(pricing.callPrice({ direction: 'inbound', status: 'busy', duration: 0 }), null);
  assert.equal(NO_PRICING.table, UNPRICED);
  assert.equal(NO_PRICING.messagePrice({ direction: 'outbound-api', status: 'delivered', num_segments: 1, num_media: 0 }), null);
});
