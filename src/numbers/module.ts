import type { Kysely } from 'kysely';
import { ApplicationsService } from '../applications/service.js';
import type { Clock } from '../core/clock.js';
import { CachedPhoneNumbers } from '../store/cache/cached-numbers.js';
import type { LookupCache } from '../store/cache/lookup-cache.js';
import { ApplicationsRepository } from '../store/repositories/applications.js';
import { OutgoingCallerIdsRepository } from '../store/repositories/outgoing-caller-ids.js';
import { PhoneNumbersRepository } from '../store/repositories/phone-numbers.js';
import type { Database } from '../store/schema.js';
import type { WebhookCall } from '../webhooks/dispatcher.js';
import { CallerIdsService } from './caller-ids.js';
import { FilePool, GeneratedPool } from './pool.js';
import { NumbersService } from './service.js';

export interface NumbersOptions {
  db: Kysely<Database>;
  clock: Clock;
  /** Buying, updating and releasing a number invalidates the lookups of it (store/cache/). */
  lookups: LookupCache;
  /** SWITCHBOARD_NUMBER_POOL: a file of numbers that may be bought; any possible number when unset. */
  numberPool?: string | undefined;
  /** Calls to phone numbers leave through a SIP trunk: caller IDs can then not be verified here. */
  realPhones: boolean;
  enqueueWebhooks: (calls: WebhookCall[]) => Promise<void>;
}

/** An account's numbers: Applications, IncomingPhoneNumbers (and what can be bought) and verified caller IDs. */
export function createNumbers(o: NumbersOptions) {
  const applicationsRepo = new ApplicationsRepository(o.db);
  const pool = o.numberPool ? new FilePool(o.numberPool) : new GeneratedPool();
  return {
    applications: new ApplicationsService(applicationsRepo, o.clock),
    numbers: new NumbersService({
      numbers: new CachedPhoneNumbers(new PhoneNumbersRepository(o.db), o.lookups),
      applications: applicationsRepo,
      pool,
      clock: o.clock,
    }),
    callerIds: new CallerIdsService({
      repo: new OutgoingCallerIdsRepository(o.db),
      clock: o.clock,
      realPhones: o.realPhones,
      notify: (accountSid, url, method, params) => o.enqueueWebhooks([{ accountSid, purpose: 'caller-id-validation', primary: { url, method }, params }]),
    }),
  };
}

export type Numbers = ReturnType<typeof createNumbers>;
