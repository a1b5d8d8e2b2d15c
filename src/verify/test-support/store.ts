/**
 * Verify's verification rows in memory, with the repository's conditional updates (a send or a check is
 * spent only while the verification is open, unexpired and under its limit), for unit tests.
 */
import type { VerificationAttemptRow, VerificationEnd, VerificationRow } from '../../store/repositories/verify.js';
import type { VerificationStore } from '../verifications.js';

export class MemoryVerifications implements VerificationStore {
  readonly rows = new Map<string, VerificationRow>();
  readonly attemptRows: VerificationAttemptRow[] = [];

  private open(sid: string, now: number): VerificationRow | undefined {
    const row = this.rows.get(sid);
    return row && row.open_key !== null && row.expires_at > now ? row : undefined;
  }

  async expireDue(now: number): Promise<void> {
    for (const row of this.rows.values()) {
      if (row.open_key !== null && row.expires_at <= now) Object.assign(row, { status: 'expired', open_key: null, code_sealed: null, date_updated: now });
    }
  }

  async findOpen(openKey: string): Promise<VerificationRow | undefined> {
    const row = [...this.rows.values()].find((r) => r.open_key === openKey);
    return row && { ...row };
  }

  async find(serviceSid: string, sid: string): Promise<VerificationRow | undefined> {
    const row = this.rows.get(sid);
    return row?.service_sid === serviceSid ? { ...row } : undefined;
  }

  async findExhausted(serviceSid: string, to: string, now: number): Promise<VerificationRow | undefined> {
    const row = [...this.rows.values()]
      .filter((r) => r.service_sid === serviceSid && r.to_number === to && r.status === 'max_attempts_reached' && r.expires_at > now)
      .sort((a, b) => b.date_created - a.date_created)[0];
    return row && { ...row };
  }

  async insertIfNoneOpen(row: VerificationRow): Promise<boolean> {
    if ([...this.rows.values()].some((r) => r.open_key === row.open_key)) return false;
    this.rows.set(row.sid, { ...row });
    return true;
  }

  async claimSend(sid: string, maxSends: number, now: number, channel: string, code?: { hash: string; sealed: string }): Promise<VerificationRow | undefined> {
    const row = this.open(sid, now);
    if (!row || row.send_attempts >= maxSends) return undefined;
    Object.assign(row, { send_attempts: row.send_attempts + 1, channel, date_updated: now }, code ? { code_hash: code.hash, code_sealed: code.sealed } : {});
    return { ...row };
  }

  async releaseSend(sid: string): Promise<void> {
    const row = this.rows.get(sid);
    if (row && row.send_attempts > 0) row.send_attempts--;
  }

  async claimCheck(sid: string, codeHash: string, maxChecks: number, now: number): Promise<VerificationRow | undefined> {
    const row = this.open(sid, now);
    if (!row || row.check_attempts >= maxChecks) return undefined;
    const matched = row.code_hash === codeHash;
    const last = row.check_attempts + 1 >= maxChecks;
    Object.assign(row, {
      check_attempts: row.check_attempts + 1,
      date_updated: now,
      status: matched ? 'approved' : last ? 'max_attempts_reached' : row.status,
      ...(matched || last ? { open_key: null, code_sealed: null } : {}),
    });
    return { ...row };
  }

  async end(sid: string, status: VerificationEnd, now: number): Promise<VerificationRow | undefined> {
    const row = this.open(sid, now);
    if (!row) return undefined;
    Object.assign(row, { status, open_key: null, code_sealed: null, date_updated: now });
    return { ...row };
  }

  async deleteVerification(sid: string): Promise<void> {
    this.rows.delete(sid);
    for (let i = this.attemptRows.length - 1; i >= 0; i--) if (this.attemptRows[i]!.verification_sid === sid) this.attemptRows.splice(i, 1);
  }

  async insertAttempt(row: VerificationAttemptRow): Promise<void> {
    this.attemptRows.push({ ...row });
  }

  async attempts(verificationSid: string): Promise<VerificationAttemptRow[]> {
    return this.attemptRows.filter((a) => a.verification_sid === verificationSid);
  }
}
