import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { principalOf, targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { presentAccount } from './presenter.js';

export function accountRoutes(app: FastifyInstance, accounts: AccountsService): void {
  // Every route, reads included: a Standard key is refused before anything is looked up.
  const guard = (req: FastifyRequest) => accounts.assertAccountsAccess(principalOf(req));
  app.post('/2010-04-01/Accounts', async (req, reply) => {
    guard(req);
    const p = new ParamReader(paramsOf(req));
    const row = await accounts.createSubaccount(principalOf(req), p.str('FriendlyName'));
    req.resourceSid = row.sid;
    return reply.code(201).send(presentAccount(row));
  });

  app.get('/2010-04-01/Accounts', async (req) => {
    guard(req);
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const filter: { friendlyName?: string; status?: string } = {};
    const friendlyName = p.str('FriendlyName');
    const status = p.oneOf('Status', ['active', 'suspended', 'closed']);
    if (friendlyName !== undefined) filter.friendlyName = friendlyName;
    if (status !== undefined) filter.status = status;
    const result = await accounts.list(principalOf(req), filter, page);
    return envelope2010('accounts', '/2010-04-01/Accounts.json', params, page, result, presentAccount);
  });

  app.get('/2010-04-01/Accounts/:AccountSid', async (req) => {
    guard(req);
    const row = await targetAccount(req, accounts);
    req.resourceSid = row.sid;
    return presentAccount(row);
  });

  app.post('/2010-04-01/Accounts/:AccountSid', async (req) => {
    guard(req);
    const row = await targetAccount(req, accounts);
    req.resourceSid = row.sid;
    const p = new ParamReader(paramsOf(req));
    return presentAccount(await accounts.update(principalOf(req), row, { friendlyName: p.str('FriendlyName'), status: p.str('Status') }));
  });
}
