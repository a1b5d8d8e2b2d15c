import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { UsageRepository } from '../store/repositories/usage.js';
import type { Database } from '../store/schema.js';
import type { Pricing } from './pricing.js';
import { UsageService } from './service.js';

/** Usage Records and Balance, priced by the operator's price table (unpriced when there is none). */
export function createUsage(o: { db: Kysely<Database>; clock: Clock; pricing: Pricing }) {
  return { pricing: o.pricing, usage: new UsageService(new UsageRepository(o.db), o.pricing, o.clock) };
}

export type Usage = ReturnType<typeof createUsage>;
