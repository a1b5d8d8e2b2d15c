import type { OptOutsRepository } from '../repositories/opt-outs.js';
import { afterCommit, type Executor } from '../transactor.js';
import { changed, keys } from './changes.js';
import type { LookupCache, RepositoryApi } from './lookup-cache.js';

/** A sender with more opt-outs than this is not held whole: its answers are cached one recipient at a time. */
const WHOLE_SET_LIMIT = 1000;

/**
 * Opt-outs through the lookup cache. Each create asks about a recipient who is usually new, so caching
 * answers per recipient would rarely hit; a sender's whole (small) set of opted-out recipients answers
 * every recipient, "not opted out" included. Senders with many opt-outs fall back to per-recipient answers.
 */
export class CachedOptOuts implements RepositoryApi<OptOutsRepository> {
  constructor(
    private readonly inner: RepositoryApi<OptOutsRepository>,
    private readonly cache: LookupCache,
    private readonly wholeSetLimit = WHOLE_SET_LIMIT,
  ) {}

  async add(accountSid: string, sender: string, recipient: string, now: number, ex?: Executor): Promise<void> {
    try {
      await this.inner.add(accountSid, sender, recipient, now, ex);
    } finally {
      this.changed(accountSid, sender, recipient, ex);
    }
  }

  async remove(accountSid: string, sender: string, recipient: string, ex?: Executor): Promise<void> {
    try {
      await this.inner.remove(accountSid, sender, recipient, ex);
    } finally {
      this.changed(accountSid, sender, recipient, ex);
    }
  }

  async isOptedOut(accountSid: string, senders: string[], recipient: string, ex?: Executor): Promise<boolean> {
    // In a transaction the answer may depend on its own uncommitted writes; suspended, one query beats a set.
    if (ex !== undefined || !this.cache.caching) return this.inner.isOptedOut(accountSid, senders, recipient, ex);
    for (const sender of senders) if (await this.optedOut(accountSid, sender, recipient)) return true;
    return false;
  }

  recipients(accountSid: string, sender: string, limit: number): Promise<string[]> {
    return this.inner.recipients(accountSid, sender, limit);
  }

  private async optedOut(accountSid: string, sender: string, recipient: string): Promise<boolean> {
    const whole = await this.cache.read(
      'optOutSets',
      keys.optOutSet(accountSid, sender),
      async () => {
        const rows = await this.inner.recipients(accountSid, sender, this.wholeSetLimit + 1);
        return rows.length > this.wholeSetLimit ? null : new Set(rows);
      },
      (set) => (set ? set.size + 1 : 1),
    );
    if (whole) return whole.has(recipient);
    return this.cache.read('optOuts', keys.optOut(accountSid, sender, recipient), () => this.inner.isOptedOut(accountSid, [sender], recipient));
  }

  private changed(accountSid: string, sender: string, recipient: string, ex: Executor | undefined): void {
    changed.optOut(this.cache, accountSid, sender, recipient);
    // Again once the transaction commits: a read between the write and the commit saw the old rows.
    if (ex !== undefined) afterCommit(ex, () => changed.optOut(this.cache, accountSid, sender, recipient));
  }
}
