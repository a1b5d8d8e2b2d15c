import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import type { CallerIdsService } from '../../../numbers/caller-ids.js';
import { targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { presentCallerId, presentValidationRequest } from './presenter.js';

/**
 * OutgoingCallerIds (list, fetch, update, delete) and ValidationRequests, which Twilio creates with a POST to
 * the same list (its answer is a ValidationRequest, status 200).
 */
export function outgoingCallerIdRoutes(app: FastifyInstance, accounts: AccountsService, callerIds: CallerIdsService): void {
  const base = '/2010-04-01/Accounts/:AccountSid/OutgoingCallerIds';

  app.post(base, async (req) => {
    const account = await targetAccount(req, accounts);
    const p = new ParamReader(paramsOf(req));
    const result = await callerIds.validate(account.sid, {
      phoneNumber: p.str('PhoneNumber'),
      friendlyName: p.str('FriendlyName'),
      callDelay: p.int('CallDelay'),
      extension: p.str('Extension'),
      statusCallback: p.url('StatusCallback'),
      statusCallbackMethod: p.method('StatusCallbackMethod'),
    });
    req.resourceSid = result.callerId.sid;
    return presentValidationRequest(result);
  });

  app.get(base, async (req) => {
    const account = await targetAccount(req, accounts);
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const result = await callerIds.list(account.sid, { phoneNumber: p.str('PhoneNumber'), friendlyName: p.str('FriendlyName') }, page);
    return envelope2010('outgoing_caller_ids', `/2010-04-01/Accounts/${account.sid}/OutgoingCallerIds.json`, params, page, result, presentCallerId);
  });

  app.get(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    return presentCallerId(await callerIds.find(account.sid, Sid));
  });

  app.post(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    return presentCallerId(await callerIds.rename(account.sid, Sid, new ParamReader(paramsOf(req)).str('FriendlyName')));
  });

  app.delete(`${base}/:Sid`, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    await callerIds.delete(account.sid, Sid);
    return reply.code(204).send();
  });
}
