import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import type { ApplicationInput, ApplicationsService } from '../../../applications/service.js';
import { rfc2822 } from '../../../core/dates.js';
import type { ApplicationRow } from '../../../store/repositories/applications.js';
import { targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';

export function presentApplication(row: ApplicationRow) {
  return {
    account_sid: row.account_sid,
    api_version: row.api_version,
    date_created: rfc2822(row.date_created),
    date_updated: rfc2822(row.date_updated),
    friendly_name: row.friendly_name,
    message_status_callback: row.message_status_callback,
    sid: row.sid,
    sms_fallback_method: row.sms_fallback_method,
    sms_fallback_url: row.sms_fallback_url,
    sms_method: row.sms_method,
    sms_status_callback: row.sms_status_callback,
    sms_url: row.sms_url,
    status_callback: row.status_callback,
    status_callback_method: row.status_callback_method,
    uri: `/2010-04-01/Accounts/${row.account_sid}/Applications/${row.sid}.json`,
    voice_caller_id_lookup: row.voice_caller_id_lookup === 1,
    voice_fallback_method: row.voice_fallback_method,
    voice_fallback_url: row.voice_fallback_url,
    voice_method: row.voice_method,
    voice_url: row.voice_url,
    public_application_connect_enabled: row.public_application_connect_enabled === 1,
  };
}

function readInput(p: ParamReader): ApplicationInput {
  const bool = (name: string) => {
    const b = p.bool(name);
    return b === undefined ? undefined : b ? 1 : 0;
  };
  return {
    friendly_name: p.str('FriendlyName'),
    api_version: p.str('ApiVersion'),
    voice_url: p.url('VoiceUrl'),
    voice_method: p.method('VoiceMethod'),
    voice_fallback_url: p.url('VoiceFallbackUrl'),
    voice_fallback_method: p.method('VoiceFallbackMethod'),
    voice_caller_id_lookup: bool('VoiceCallerIdLookup'),
    status_callback: p.url('StatusCallback'),
    status_callback_method: p.method('StatusCallbackMethod'),
    sms_url: p.url('SmsUrl'),
    sms_method: p.method('SmsMethod'),
    sms_fallback_url: p.url('SmsFallbackUrl'),
    sms_fallback_method: p.method('SmsFallbackMethod'),
    sms_status_callback: p.url('SmsStatusCallback'),
    message_status_callback: p.url('MessageStatusCallback'),
    public_application_connect_enabled: bool('PublicApplicationConnectEnabled'),
  };
}

export function applicationRoutes(app: FastifyInstance, accounts: AccountsService, applications: ApplicationsService): void {
  const base = '/2010-04-01/Accounts/:AccountSid/Applications';

  app.post(base, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const row = await applications.create(account.sid, readInput(new ParamReader(paramsOf(req))));
    req.resourceSid = row.sid;
    return reply.code(201).send(presentApplication(row));
  });

  app.get(base, async (req) => {
    const account = await targetAccount(req, accounts);
    const params = paramsOf(req);
    const page = readPageParams(params);
    const result = await applications.list(account.sid, { friendlyName: new ParamReader(params).str('FriendlyName') }, page);
    return envelope2010('applications', `/2010-04-01/Accounts/${account.sid}/Applications.json`, params, page, result, presentApplication);
  });

  app.get(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    return presentApplication(await applications.find(account.sid, Sid));
  });

  app.post(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    return presentApplication(await applications.update(account.sid, Sid, readInput(new ParamReader(paramsOf(req)))));
  });

  app.delete(`${base}/:Sid`, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    await applications.delete(account.sid, Sid);
    return reply.code(204).send();
  });
}
