import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { LookupDataSource } from '../lookup/index.js';
import type { MessagesService } from '../messaging/service.js';
import type { MessagingServicesService } from '../messaging/services.js';
import { PhoneNumbersRepository } from '../store/repositories/phone-numbers.js';
import { SettingsRepository } from '../store/repositories/settings.js';
import { VerifyRepository } from '../store/repositories/verify.js';
import type { Database } from '../store/schema.js';
import { noVoiceCallSender, type VerifyCallSender } from './call.js';
import { VerificationAttemptsService } from './attempts.js';
import { CodeVault, newVerifySecret, VERIFY_SECRET_SETTING } from './codes.js';
import { VerifyServicesService, type MessagingServiceCheck } from './services.js';
import { VerificationsService } from './verifications.js';

export interface VerifyOptions {
  db: Kysely<Database>;
  clock: Clock;
  /** Messaging's public create, which sends Verify's SMS. */
  sms: Pick<MessagesService, 'create'>;
  /** Messaging's public service lookup, to check Switchboard.MessagingServiceSid. */
  messagingServices: Pick<MessagingServicesService, 'get'>;
  /** The call channel; until voice provides one, a call verification is a clear 60200. */
  calls?: VerifyCallSender | undefined;
  lookupSource?: LookupDataSource | undefined;
}

/** Verify's parts wired together; main.ts sees only what this returns. */
export function createVerify(o: VerifyOptions) {
  const repo = new VerifyRepository(o.db);
  const settings = new SettingsRepository(o.db);
  const numbers = new PhoneNumbersRepository(o.db);
  // The secret is made once (the first node to store it wins) and read back, so every node hashes alike.
  let vault: Promise<CodeVault> | undefined;
  const loadVault = () =>
    (vault ??= settings
      .setIfAbsent(VERIFY_SECRET_SETTING, newVerifySecret())
      .then((secret) => new CodeVault(secret))
      .catch((err: unknown) => {
        vault = undefined;
        throw err;
      }));
  const messagingServiceExists: MessagingServiceCheck = async (accountSid, sid) => (await o.messagingServices.get(accountSid, sid)) !== undefined;
  const services = new VerifyServicesService(repo, messagingServiceExists, o.clock);
  const verifications = new VerificationsService({
    repo,
    sms: o.sms,
    calls: o.calls ?? noVoiceCallSender,
    vault: loadVault,
    clock: o.clock,
    lookupSource: o.lookupSource,
    findService: (accountSid, sid) => services.find(accountSid, sid),
    firstNumber: async (accountSid) => (await numbers.list(accountSid, {}, { pageSize: 1 })).items[0]?.phone_number,
  });
  return { services, verifications, attempts: new VerificationAttemptsService(repo) };
}

export type Verify = ReturnType<typeof createVerify>;
