import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { iso8601 } from '../../../core/dates.js';
import { errors } from '../../../core/errors.js';
import type { CallEventRow } from '../../../store/repositories/call-events.js';
import type { CallEvents } from '../../../voice/events.js';
import { principalOf } from '../../context.js';
import { envelopeV1, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';

export function presentCallEvent(row: CallEventRow) {
  return {
    sid: row.sid,
    call_sid: row.call_sid,
    account_sid: row.account_sid,
    sequence: row.seq,
    verb: row.verb,
    detail: row.detail,
    date_created: iso8601(row.date_created),
  };
}

/**
 * The verbs a call ran, oldest first: Switchboard's own API, scoped like the inspector's (the caller's
 * account, or a subaccount named by `AccountSid`). Another account's call is a 404.
 */
export function callEventRoutes(app: FastifyInstance, accounts: AccountsService, events: CallEvents, origin: () => string): void {
  const scope = async (req: FastifyRequest) => {
    const wanted = new ParamReader(paramsOf(req)).str('AccountSid') ?? principalOf(req).accountSid;
    return (await accounts.resolveTarget(principalOf(req), wanted)).sid;
  };

  app.get('/switchboard/v1/Calls/:CallSid/Events', async (req) => {
    const accountSid = await scope(req);
    const { CallSid } = req.params as { CallSid: string };
    const params = paramsOf(req);
    const page = readPageParams(params);
    const result = await events.list(accountSid, CallSid, page);
    if (!result) throw errors.notFound('Call', CallSid);
    return envelopeV1('events', origin(), `/switchboard/v1/Calls/${CallSid}/Events`, params, page, result, presentCallEvent);
  });
}
