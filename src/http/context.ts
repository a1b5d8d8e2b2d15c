import type { FastifyRequest } from 'fastify';
import type { AccountsService, Principal } from '../accounts/service.js';
import { errors } from '../core/errors.js';
import type { AccountSid } from '../core/sid.js';
import type { AccountRow } from '../store/repositories/accounts.js';

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw errors.authenticate();
  return req.principal;
}

/** The account named by `:AccountSid`, if the caller may act on it; otherwise a 404 like any missing thing. */
export async function targetAccount(req: FastifyRequest, accounts: AccountsService): Promise<AccountRow & { sid: AccountSid }> {
  const { AccountSid } = req.params as { AccountSid: string };
  const row = await accounts.resolveTarget(principalOf(req), AccountSid);
  return row as AccountRow & { sid: AccountSid };
}
