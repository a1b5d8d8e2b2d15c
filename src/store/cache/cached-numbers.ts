import type { Page, PageQuery } from '../paging.js';
import type { MessagingServiceChanges, MessagingServiceRow, MessagingServicesRepository } from '../repositories/messaging-services.js';
import type { PhoneNumberChanges, PhoneNumberFilter, PhoneNumberRow, PhoneNumbersRepository } from '../repositories/phone-numbers.js';
import type { Executor } from '../transactor.js';
import { changed, keys } from './changes.js';
import type { LookupCache, RepositoryApi } from './lookup-cache.js';

type CachedNumber = PhoneNumberRow | undefined;
type Pool = PhoneNumberRow[];

/**
 * A write that names a number by its SID (update, release, attach): its cached row and every cached sender
 * pool that holds it. A scan of the region, which writes this rare can afford; no read of the row first.
 */
function numberChanged(cache: LookupCache, numberSid: string): void {
  cache.invalidateWhere<CachedNumber>('numbers', (row) => row?.sid === numberSid);
  cache.invalidateWhere<Pool>('senders', (pool) => pool.some((n) => n.sid === numberSid));
}

/** Phone numbers through the lookup cache: who owns a number (or nobody), read for every message sent or received. */
export class CachedPhoneNumbers implements RepositoryApi<PhoneNumbersRepository> {
  constructor(
    private readonly inner: RepositoryApi<PhoneNumbersRepository>,
    private readonly cache: LookupCache,
  ) {}

  findByNumber(phoneNumber: string): Promise<PhoneNumberRow | undefined> {
    return this.cache.read('numbers', phoneNumber, () => this.inner.findByNumber(phoneNumber));
  }

  async insertIfFree(row: PhoneNumberRow): Promise<boolean> {
    try {
      return await this.inner.insertIfFree(row);
    } finally {
      changed.number(this.cache, row.phone_number, row.messaging_service_sid);
    }
  }

  findOwned(accountSid: string, sid: string): Promise<PhoneNumberRow | undefined> {
    return this.inner.findOwned(accountSid, sid);
  }

  ownedNumbersAmong(candidates: string[]): Promise<Set<string>> {
    return this.inner.ownedNumbersAmong(candidates);
  }

  list(accountSid: string, filter: PhoneNumberFilter, page: PageQuery): Promise<Page<PhoneNumberRow>> {
    return this.inner.list(accountSid, filter, page);
  }

  async update(accountSid: string, sid: string, changes: PhoneNumberChanges): Promise<void> {
    try {
      await this.inner.update(accountSid, sid, changes);
    } finally {
      numberChanged(this.cache, sid);
      if (changes.messaging_service_sid) this.cache.invalidate('senders', changes.messaging_service_sid);
    }
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    try {
      return await this.inner.delete(accountSid, sid);
    } finally {
      numberChanged(this.cache, sid);
    }
  }
}

/**
 * Messaging Services through the lookup cache: the service row and its sender pool, read for each message
 * sent through a service. Attaching and detaching change numbers' rows too.
 */
export class CachedMessagingServices implements RepositoryApi<MessagingServicesRepository> {
  constructor(
    private readonly inner: RepositoryApi<MessagingServicesRepository>,
    private readonly cache: LookupCache,
  ) {}

  async insert(row: MessagingServiceRow): Promise<void> {
    try {
      await this.inner.insert(row);
    } finally {
      changed.service(this.cache, row.account_sid, row.sid);
    }
  }

  findOwned(accountSid: string, sid: string, ex?: Executor): Promise<MessagingServiceRow | undefined> {
    // An explicit executor reads inside a transaction, which may see its own uncommitted writes.
    if (ex !== undefined) return this.inner.findOwned(accountSid, sid, ex);
    return this.cache.read('services', keys.service(accountSid, sid), () => this.inner.findOwned(accountSid, sid));
  }

  list(accountSid: string, page: PageQuery): Promise<Page<MessagingServiceRow>> {
    return this.inner.list(accountSid, page);
  }

  async update(accountSid: string, sid: string, changes: MessagingServiceChanges): Promise<void> {
    try {
      await this.inner.update(accountSid, sid, changes);
    } finally {
      changed.service(this.cache, accountSid, sid);
    }
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    try {
      return await this.inner.delete(accountSid, sid);
    } finally {
      // Its numbers lost their service with it.
      changed.service(this.cache, accountSid, sid);
      this.cache.invalidate('senders', sid);
      this.cache.invalidateWhere<CachedNumber>('numbers', (row) => row?.messaging_service_sid === sid);
    }
  }

  senders(serviceSid: string, ex?: Executor): Promise<PhoneNumberRow[]> {
    if (ex !== undefined) return this.inner.senders(serviceSid, ex);
    return this.cache.read(
      'senders',
      serviceSid,
      () => this.inner.senders(serviceSid),
      (pool) => pool.length + 1,
    );
  }

  listSenders(serviceSid: string, page: PageQuery): Promise<Page<PhoneNumberRow>> {
    return this.inner.listSenders(serviceSid, page);
  }

  async attach(accountSid: string, serviceSid: string, phoneNumberSid: string, now: number): Promise<boolean> {
    try {
      return await this.inner.attach(accountSid, serviceSid, phoneNumberSid, now);
    } finally {
      numberChanged(this.cache, phoneNumberSid);
      this.cache.invalidate('senders', serviceSid);
    }
  }

  async detach(serviceSid: string, phoneNumberSid: string): Promise<boolean> {
    try {
      return await this.inner.detach(serviceSid, phoneNumberSid);
    } finally {
      numberChanged(this.cache, phoneNumberSid);
      this.cache.invalidate('senders', serviceSid);
    }
  }

  stickySender(serviceSid: string, recipient: string, ex?: Executor): Promise<string | undefined> {
    return this.inner.stickySender(serviceSid, recipient, ex);
  }

  setStickySender(serviceSid: string, recipient: string, sender: string, ex?: Executor): Promise<void> {
    return this.inner.setStickySender(serviceSid, recipient, sender, ex);
  }
}
