import { errors } from '../core/errors.js';
import type { Page, PageQuery } from '../store/paging.js';
import type { AttemptFilter, AttemptListRow, VerifyRepository } from '../store/repositories/verify.js';

/**
 * Verification Attempts (`/verify/v2/Attempts`): one per code sent, read-only, scoped to the caller's account.
 * An attempt is converted once its verification was approved.
 */
export class VerificationAttemptsService {
  constructor(private readonly repo: VerifyRepository) {}

  list(accountSid: string, filter: AttemptFilter, page: PageQuery): Promise<Page<AttemptListRow>> {
    return this.repo.listAttempts(accountSid, filter, page);
  }

  async find(accountSid: string, sid: string): Promise<AttemptListRow> {
    const row = await this.repo.findAttempt(accountSid, sid);
    if (!row) throw errors.notFound('Verification Attempt', sid);
    return row;
  }
}
