import type { AccountSid } from '../../core/sid.js';
import type { Page, PageQuery } from '../paging.js';
import type { AccountRow, AccountsRepository } from '../repositories/accounts.js';
import { changed } from './changes.js';
import type { LookupCache, RepositoryApi } from './lookup-cache.js';

/**
 * Account rows through the lookup cache: every authenticated request and every signed webhook reads one.
 * A missing account is not kept: only bad credentials ask for one, and they would push real rows out.
 */
export class CachedAccounts implements RepositoryApi<AccountsRepository> {
  constructor(
    private readonly inner: RepositoryApi<AccountsRepository>,
    private readonly cache: LookupCache,
  ) {}

  find(sid: string): Promise<AccountRow | undefined> {
    return this.cache.read(
      'accounts',
      sid,
      () => this.inner.find(sid),
      (row) => (row ? 1 : 0),
    );
  }

  async insert(row: AccountRow): Promise<void> {
    try {
      await this.inner.insert(row);
    } finally {
      changed.account(this.cache, row.sid);
    }
  }

  listVisible(owner: AccountSid, filter: { friendlyName?: string; status?: string }, page: PageQuery): Promise<Page<AccountRow>> {
    return this.inner.listVisible(owner, filter, page);
  }

  async update(sid: string, changes: Partial<Pick<AccountRow, 'friendly_name' | 'status' | 'auth_token'>>, now: number): Promise<void> {
    try {
      await this.inner.update(sid, changes, now);
    } finally {
      changed.account(this.cache, sid);
    }
  }
}
