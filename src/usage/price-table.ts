import { readFileSync } from 'node:fs';

/** The priced categories: one unit price each (a segment, a message, a started minute). */
export const PRICED_CATEGORIES = ['sms-outbound', 'sms-inbound', 'mms-outbound', 'mms-inbound', 'calls-outbound', 'calls-inbound'] as const;
export type PricedCategory = (typeof PRICED_CATEGORIES)[number];

/**
 * What the operator charges: unit prices per category, the currency, and the credit an account starts with
 * (Balance is that credit minus the account's total price). Without a table nothing is priced: message and
 * call `price` stay null, usage prices are 0, and the balance is 0.
 */
export interface PriceTable {
  readonly currency: string;
  readonly startingBalance: number;
  readonly prices: Readonly<Record<PricedCategory, number>>;
  /** False for the built-in empty table: `price` fields stay null rather than claim a charge of 0. */
  readonly priced: boolean;
}

export const UNPRICED: PriceTable = {
  currency: 'USD',
  startingBalance: 0,
  priced: false,
  prices: { 'sms-outbound': 0, 'sms-inbound': 0, 'mms-outbound': 0, 'mms-inbound': 0, 'calls-outbound': 0, 'calls-inbound': 0 },
};

export class PriceTableError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a parsed price table (`{ "currency", "balance", "prices": { category: unit price } }`). */
export function parsePriceTable(value: unknown, where = 'price table'): PriceTable {
  if (!isRecord(value)) throw new PriceTableError(`${where}: expected a JSON object`);
  const currency = value['currency'] ?? 'USD';
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) throw new PriceTableError(`${where}: currency must be a three-letter ISO 4217 code`);
  const balance = value['balance'] ?? 0;
  if (typeof balance !== 'number' || !Number.isFinite(balance)) throw new PriceTableError(`${where}: balance must be a number`);
  const given = value['prices'] ?? {};
  if (!isRecord(given)) throw new PriceTableError(`${where}: prices must be an object of category: unit price`);
  const prices = { ...UNPRICED.prices };
  for (const [category, price] of Object.entries(given)) {
    if (!(PRICED_CATEGORIES as readonly string[]).includes(category)) {
      throw new PriceTableError(`${where}: unknown category ${category} (known: ${PRICED_CATEGORIES.join(', ')})`);
    }
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) throw new PriceTableError(`${where}: ${category} must be a price of 0 or more`);
    prices[category as PricedCategory] = price;
  }
  return { currency, startingBalance: balance, prices, priced: true };
}

export function loadPriceTable(path: string): PriceTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new PriceTableError(`price table ${path}: ${(err as Error).message}`);
  }
  return parsePriceTable(parsed, `price table ${path}`);
}
