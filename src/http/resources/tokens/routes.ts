import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { rfc2822 } from '../../../core/dates.js';
import { iceServersFor, type IceServerSpec } from '../../../traversal/ice-servers.js';
import { targetAccount } from '../../context.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';

const DEFAULT_TTL = 86_400;

/**
 * Network Traversal Service tokens (`POST /Accounts/{sid}/Tokens`): the operator's STUN/TURN servers with
 * credentials. Nothing is stored: a token is its credentials. `username`/`password` are those of the first TURN
 * server (Twilio's are the same for all of its servers), null without one.
 */
export function tokenRoutes(app: FastifyInstance, accounts: AccountsService, servers: readonly IceServerSpec[], now: () => number): void {
  app.post('/2010-04-01/Accounts/:AccountSid/Tokens', async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const ttl = new ParamReader(paramsOf(req)).int('Ttl', { min: 1, max: 7 * DEFAULT_TTL }) ?? DEFAULT_TTL;
    const at = now();
    const ice = iceServersFor(servers, account.sid, at, ttl);
    const turn = ice.find((s) => s.username !== undefined);
    return reply.code(201).send({
      account_sid: account.sid,
      date_created: rfc2822(at),
      date_updated: rfc2822(at),
      ice_servers: ice,
      password: turn?.credential ?? null,
      ttl: String(ttl),
      username: turn?.username ?? null,
    });
  });
}
