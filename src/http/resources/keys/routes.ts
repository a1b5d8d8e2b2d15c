import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { rfc2822 } from '../../../core/dates.js';
import type { ApiKeyRow } from '../../../store/repositories/api-keys.js';
import { principalOf, targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';

export function presentKey(row: ApiKeyRow) {
  return { sid: row.sid, friendly_name: row.friendly_name, date_created: rfc2822(row.date_created), date_updated: rfc2822(row.date_updated) };
}

export function keyRoutes(app: FastifyInstance, accounts: AccountsService): void {
  const base = '/2010-04-01/Accounts/:AccountSid/Keys';
  // Standard keys see no key at all, not even its name (Twilio's rule); checked before the account lookup.
  const target = (req: FastifyRequest) => {
    accounts.assertAccountsAccess(principalOf(req));
    return targetAccount(req, accounts);
  };

  app.post(base, async (req, reply) => {
    const account = await target(req);
    const p = new ParamReader(paramsOf(req));
    const flavor = p.oneOf('KeyType', ['standard', 'main']) ?? 'standard';
    const row = await accounts.createKey(principalOf(req), account.sid, p.str('FriendlyName'), flavor);
    req.resourceSid = row.sid;
    // The secret is shown once, at creation, as Twilio does.
    return reply.code(201).send({ ...presentKey(row), secret: row.secret });
  });

  app.get(base, async (req) => {
    const account = await target(req);
    const params = paramsOf(req);
    const page = readPageParams(params);
    const result = await accounts.listKeys(account.sid, page);
    return envelope2010('keys', `/2010-04-01/Accounts/${account.sid}/Keys.json`, params, page, result, presentKey);
  });

  app.get(`${base}/:Sid`, async (req) => {
    const account = await target(req);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    return presentKey(await accounts.findKey(account.sid, Sid));
  });

  app.post(`${base}/:Sid`, async (req) => {
    const account = await target(req);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    const p = new ParamReader(paramsOf(req));
    return presentKey(await accounts.updateKey(principalOf(req), account.sid, Sid, p.str('FriendlyName')));
  });

  app.delete(`${base}/:Sid`, async (req, reply) => {
    const account = await target(req);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    await accounts.deleteKey(principalOf(req), account.sid, Sid);
    return reply.code(204).send();
  });
}
