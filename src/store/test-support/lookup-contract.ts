/**
 * The contract of the repositories the lookup cache sits in front of (accounts, phone numbers, Messaging
 * Services, opt-outs): every write is seen by the next read. Run against the plain repositories and the
 * caching ones, on SQLite (src/store/cache/cached-repositories.test.ts) and PostgreSQL, where the reader
 * may be another node with a cache of its own (test/cluster.lookup-cache.postgres.test.ts). Each check
 * reads first, so a caching reader holds the old answer when the write comes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CachedAccounts } from '../cache/cached-accounts.js';
import { CachedMessagingServices, CachedPhoneNumbers } from '../cache/cached-numbers.js';
import { CachedOptOuts } from '../cache/cached-opt-outs.js';
import type { LookupCache, RepositoryApi } from '../cache/lookup-cache.js';
import type { Store } from '../db.js';
import { AccountsRepository } from '../repositories/accounts.js';
import { MessagingServicesRepository } from '../repositories/messaging-services.js';
import { OptOutsRepository } from '../repositories/opt-outs.js';
import { PhoneNumbersRepository } from '../repositories/phone-numbers.js';
import { transactor, type Transactor } from '../transactor.js';
import { T0, accountRow, messagingServiceRow, phoneNumberRow, sid } from './rows.js';

export interface LookupStack {
  accounts: RepositoryApi<AccountsRepository>;
  numbers: RepositoryApi<PhoneNumbersRepository>;
  services: RepositoryApi<MessagingServicesRepository>;
  optOuts: RepositoryApi<OptOutsRepository>;
  tx: Transactor;
}

export interface LookupContractSetup {
  writer: LookupStack;
  /** The writer itself, or another node on the same database. */
  reader: LookupStack;
  /** How long a read may lag a committed write: 0 on one node (at once), a moment across nodes. */
  promptMs: number;
  close(): Promise<void>;
}

/** Recipients a caching stack under test keeps per sender before it caches recipient by recipient. */
export const CONTRACT_WHOLE_SET_LIMIT = 3;

export function plainStack(store: Store): LookupStack {
  return {
    accounts: new AccountsRepository(store.db),
    numbers: new PhoneNumbersRepository(store.db),
    services: new MessagingServicesRepository(store.db),
    optOuts: new OptOutsRepository(store.db),
    tx: transactor(store.db),
  };
}

export function cachingStack(store: Store, cache: LookupCache): LookupStack {
  return {
    accounts: new CachedAccounts(new AccountsRepository(store.db), cache),
    numbers: new CachedPhoneNumbers(new PhoneNumbersRepository(store.db), cache),
    services: new CachedMessagingServices(new MessagingServicesRepository(store.db), cache),
    optOuts: new CachedOptOuts(new OptOutsRepository(store.db), cache, CONTRACT_WHOLE_SET_LIMIT),
    tx: transactor(store.db),
  };
}

class Rollback extends Error {}

export function lookupContract(name: string, setup: () => Promise<LookupContractSetup>): void {
  describe(`lookup repositories contract: ${name}`, () => {
    let s: LookupContractSetup;
    let w: LookupStack;
    let r: LookupStack;
    // Keys of their own, so several runs can share one database.
    const base = Math.floor(Math.random() * 0xffffff) * 0x1000;
    let next = 0;
    const id = (prefix: string) => sid(prefix, base + ++next);
    const phone = () => `+1415${String(base + ++next).slice(-7)}`;

    before(async () => {
      s = await setup();
      w = s.writer;
      r = s.reader;
    });
    after(() => s.close());

    /** Reads until `ok` holds, for at most promptMs (one read when 0). */
    async function sees<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean): Promise<void> {
      const until = Date.now() + s.promptMs;
      for (;;) {
        const value = await read();
        if (ok(value)) return;
        if (Date.now() >= until) assert.fail(`${what}: still read ${JSON.stringify(value)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    test('an account read before it existed is found once inserted; a new status and auth token are read back', async () => {
      const acct = id('AC');
      assert.equal(await r.accounts.find(acct), undefined);
      await w.accounts.insert(accountRow({ sid: acct }));
      await sees(
        'inserted',
        () => r.accounts.find(acct),
        (row) => row?.status === 'active',
      );
      await w.accounts.update(acct, { status: 'suspended', auth_token: 'b'.repeat(32) }, T0 + 1);
      await sees(
        'updated',
        () => r.accounts.find(acct),
        (row) => row?.status === 'suspended' && row.auth_token === 'b'.repeat(32),
      );
    });

    test('a number: bought after a miss, updated, released, bought again by another account', async () => {
      const number = phone();
      const first = phoneNumberRow({ sid: id('PN'), account_sid: id('AC'), phone_number: number });
      assert.equal(await r.numbers.findByNumber(number), undefined);
      assert.equal(await w.numbers.insertIfFree(first), true);
      await sees(
        'bought',
        () => r.numbers.findByNumber(number),
        (row) => row?.account_sid === first.account_sid,
      );
      await w.numbers.update(first.account_sid, first.sid, { sms_url: 'https://example.com/new', date_updated: T0 + 1 });
      await sees(
        'updated',
        () => r.numbers.findByNumber(number),
        (row) => row?.sms_url === 'https://example.com/new',
      );
      assert.equal(await w.numbers.delete(first.account_sid, first.sid), true);
      await sees(
        'released',
        () => r.numbers.findByNumber(number),
        (row) => row === undefined,
      );
      const second = phoneNumberRow({ sid: id('PN'), account_sid: id('AC'), phone_number: number });
      assert.equal(await w.numbers.insertIfFree(second), true);
      await sees(
        'bought again',
        () => r.numbers.findByNumber(number),
        (row) => row?.account_sid === second.account_sid,
      );
    });

    test('a Messaging Service: read after a miss, updated; its pool and its numbers follow attach and detach', async () => {
      const acct = id('AC');
      const svc = messagingServiceRow({ sid: id('MG'), account_sid: acct });
      const num = phoneNumberRow({ sid: id('PN'), account_sid: acct, phone_number: phone() });
      assert.equal(await r.services.findOwned(acct, svc.sid), undefined);
      await w.services.insert(svc);
      await w.numbers.insertIfFree(num);
      await sees(
        'created',
        () => r.services.findOwned(acct, svc.sid),
        (row) => row?.friendly_name === 'Service',
      );
      assert.equal(await r.services.findOwned(id('AC'), svc.sid), undefined, "another account's view");
      await w.services.update(acct, svc.sid, { friendly_name: 'Renamed' });
      await sees(
        'renamed',
        () => r.services.findOwned(acct, svc.sid),
        (row) => row?.friendly_name === 'Renamed',
      );

      assert.deepEqual(await r.services.senders(svc.sid), []);
      assert.equal((await r.numbers.findByNumber(num.phone_number))?.messaging_service_sid, null);
      assert.equal(await w.services.attach(acct, svc.sid, num.sid, T0 + 1), true);
      await sees(
        'attached: pool',
        () => r.services.senders(svc.sid),
        (pool) => pool.length === 1 && pool[0]!.sid === num.sid,
      );
      await sees(
        'attached: number',
        () => r.numbers.findByNumber(num.phone_number),
        (row) => row?.messaging_service_sid === svc.sid,
      );
      await w.numbers.update(acct, num.sid, { sms_url: 'https://example.com/pool', date_updated: T0 + 2 });
      await sees(
        'a pooled number updated',
        () => r.services.senders(svc.sid),
        (pool) => pool[0]?.sms_url === 'https://example.com/pool',
      );
      assert.equal(await w.services.detach(svc.sid, num.sid), true);
      await sees(
        'detached: pool',
        () => r.services.senders(svc.sid),
        (pool) => pool.length === 0,
      );
      await sees(
        'detached: number',
        () => r.numbers.findByNumber(num.phone_number),
        (row) => row?.messaging_service_sid === null,
      );
    });

    test('deleting a Messaging Service takes it off its numbers', async () => {
      const acct = id('AC');
      const svc = messagingServiceRow({ sid: id('MG'), account_sid: acct });
      const num = phoneNumberRow({ sid: id('PN'), account_sid: acct, phone_number: phone() });
      await w.services.insert(svc);
      await w.numbers.insertIfFree(num);
      await w.services.attach(acct, svc.sid, num.sid, T0 + 1);
      await sees(
        'attached',
        () => r.numbers.findByNumber(num.phone_number),
        (row) => row?.messaging_service_sid === svc.sid,
      );
      await sees(
        'pool',
        () => r.services.senders(svc.sid),
        (pool) => pool.length === 1,
      );
      await sees(
        'service',
        () => r.services.findOwned(acct, svc.sid),
        (row) => row !== undefined,
      );
      assert.equal(await w.services.delete(acct, svc.sid), true);
      await sees(
        'service gone',
        () => r.services.findOwned(acct, svc.sid),
        (row) => row === undefined,
      );
      await sees(
        'pool gone',
        () => r.services.senders(svc.sid),
        (pool) => pool.length === 0,
      );
      await sees(
        'number free',
        () => r.numbers.findByNumber(num.phone_number),
        (row) => row?.messaging_service_sid === null,
      );
    });

    test('STOP then START: opted out of that sender only, then not', async () => {
      const [acct, sender, other, recipient] = [id('AC'), phone(), phone(), phone()];
      assert.equal(await r.optOuts.isOptedOut(acct, [sender], recipient), false);
      assert.equal(await r.optOuts.isOptedOut(acct, [other], recipient), false);
      await w.optOuts.add(acct, sender, recipient, T0);
      await sees(
        'stopped',
        () => r.optOuts.isOptedOut(acct, [sender], recipient),
        (v) => v,
      );
      assert.equal(await r.optOuts.isOptedOut(acct, [other], recipient), false, 'another sender');
      assert.equal(await r.optOuts.isOptedOut(acct, [sender], phone()), false, 'another recipient');
      assert.equal(await r.optOuts.isOptedOut(id('AC'), [sender], recipient), false, 'another account');
      assert.equal(await r.optOuts.isOptedOut(acct, [other, sender], recipient), true, 'either of two senders');
      await w.optOuts.remove(acct, sender, recipient);
      await sees(
        'started',
        () => r.optOuts.isOptedOut(acct, [sender], recipient),
        (v) => !v,
      );
    });

    test('an opt-out written in a transaction: seen inside it, by others once committed, never if rolled back', async () => {
      const [acct, sender, recipient, dropped] = [id('AC'), phone(), phone(), phone()];
      assert.equal(await r.optOuts.isOptedOut(acct, [sender], recipient), false);
      assert.equal(await r.optOuts.isOptedOut(acct, [sender], dropped), false);
      await w.tx.transaction(async (trx) => {
        await w.optOuts.add(acct, sender, recipient, T0, trx);
        assert.equal(await w.optOuts.isOptedOut(acct, [sender], recipient, trx), true);
      });
      await sees(
        'committed',
        () => r.optOuts.isOptedOut(acct, [sender], recipient),
        (v) => v,
      );
      await assert.rejects(
        w.tx.transaction(async (trx) => {
          await w.optOuts.add(acct, sender, dropped, T0, trx);
          throw new Rollback();
        }),
        Rollback,
      );
      assert.equal(await r.optOuts.isOptedOut(acct, [sender], dropped), false);
      assert.equal(await w.optOuts.isOptedOut(acct, [sender], dropped), false);
    });

    test('a sender with more opt-outs than a cache keeps whole', async () => {
      const [acct, sender] = [id('AC'), phone()];
      const recipients = Array.from({ length: CONTRACT_WHOLE_SET_LIMIT + 2 }, phone);
      const last = recipients.pop()!;
      for (const rc of recipients) await w.optOuts.add(acct, sender, rc, T0);
      assert.equal(await r.optOuts.isOptedOut(acct, [sender], last), false);
      for (const rc of recipients)
        await sees(
          'each',
          () => r.optOuts.isOptedOut(acct, [sender], rc),
          (v) => v,
        );
      await w.optOuts.add(acct, sender, last, T0);
      await sees(
        'the last',
        () => r.optOuts.isOptedOut(acct, [sender], last),
        (v) => v,
      );
      await w.optOuts.remove(acct, sender, recipients[0]!);
      await sees(
        'one removed',
        () => r.optOuts.isOptedOut(acct, [sender], recipients[0]!),
        (v) => !v,
      );
      assert.equal(await r.optOuts.isOptedOut(acct, [sender], recipients[1]!), true);
    });
  });
}
