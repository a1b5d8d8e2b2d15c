import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountsService } from '../accounts/service.js';
import { ApiError } from '../core/errors.js';
import { basicAuthenticate } from './server.js';

/**
 * Twilio's "Enforce HTTP Auth on Media URLs" (`--media-auth`): media and recording audio need HTTP Basic
 * with the owning account's auth token or one of its API keys (a parent account's credentials also reach
 * its subaccounts' media, as with the API). Other accounts get 404, so SIDs cannot be probed. Media paths
 * skip the server's auth hook (they are public when the setting is off), so the route handlers call this.
 */
export async function requireMediaCredentials(req: FastifyRequest, reply: FastifyReply, accounts: AccountsService, ownerSid: string): Promise<void> {
  try {
    // Through the failed-login throttle, so a media URL is no way around it for guessing tokens.
    const principal = await basicAuthenticate(req, reply, accounts);
    req.principal = principal;
    await accounts.resolveTarget(principal, ownerSid);
  } catch (err) {
    // Media is often opened in a browser or a player: the challenge lets them ask for the credentials.
    if (err instanceof ApiError && err.status === 401) void reply.header('www-authenticate', 'Basic realm="Switchboard media"');
    throw err;
  }
}
