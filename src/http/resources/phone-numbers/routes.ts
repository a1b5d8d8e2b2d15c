import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { errors } from '../../../core/errors.js';
import type { NumberType } from '../../../numbers/pool.js';
import type { NumberSettings, NumbersService } from '../../../numbers/service.js';
import { targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { countryName, presentAvailableNumber, presentIncomingNumber } from './presenter.js';

export function readNumberSettings(p: ParamReader): NumberSettings {
  return {
    friendlyName: p.str('FriendlyName'),
    voiceUrl: p.url('VoiceUrl'),
    voiceMethod: p.method('VoiceMethod'),
    voiceFallbackUrl: p.url('VoiceFallbackUrl'),
    voiceFallbackMethod: p.method('VoiceFallbackMethod'),
    voiceCallerIdLookup: p.bool('VoiceCallerIdLookup'),
    voiceApplicationSid: nullable(p.str('VoiceApplicationSid')),
    statusCallback: p.url('StatusCallback'),
    statusCallbackMethod: p.method('StatusCallbackMethod'),
    smsUrl: p.url('SmsUrl'),
    smsMethod: p.method('SmsMethod'),
    smsFallbackUrl: p.url('SmsFallbackUrl'),
    smsFallbackMethod: p.method('SmsFallbackMethod'),
    smsApplicationSid: nullable(p.str('SmsApplicationSid')),
  };
}

const nullable = (v: string | undefined) => (v === '' ? null : v);

const TYPES: Record<string, NumberType> = { Local: 'local', Mobile: 'mobile', TollFree: 'tollfree' };

export function phoneNumberRoutes(app: FastifyInstance, accounts: AccountsService, numbers: NumbersService): void {
  const base = '/2010-04-01/Accounts/:AccountSid/IncomingPhoneNumbers';

  // Buying under /Local, /Mobile or /TollFree is the same purchase: the number decides its type.
  const purchase = async (req: FastifyRequest, reply: FastifyReply) => {
    const account = await targetAccount(req, accounts);
    const p = new ParamReader(paramsOf(req));
    const row = await numbers.purchase(account.sid, { phoneNumber: p.str('PhoneNumber'), areaCode: p.str('AreaCode'), ...readNumberSettings(p) });
    req.resourceSid = row.sid;
    return reply.code(201).send(presentIncomingNumber(row));
  };
  app.post(base, purchase);
  for (const segment of Object.keys(TYPES)) app.post(`${base}/${segment}`, purchase);

  app.get(base, async (req) => {
    const account = await targetAccount(req, accounts);
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const phoneNumber = p.str('PhoneNumber');
    const exact = phoneNumber?.startsWith('+') && /^\+\d+$/.test(phoneNumber);
    const result = await numbers.list(
      account.sid,
      {
        friendlyName: p.str('FriendlyName'),
        phoneNumber: exact ? phoneNumber : undefined,
        phoneNumberContains: !exact && phoneNumber ? phoneNumber.replace(/\D/g, '') : undefined,
      },
      page,
    );
    return envelope2010('incoming_phone_numbers', `/2010-04-01/Accounts/${account.sid}/IncomingPhoneNumbers.json`, params, page, result, presentIncomingNumber);
  });

  app.get(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    return presentIncomingNumber(await numbers.find(account.sid, Sid));
  });

  app.post(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    const p = new ParamReader(paramsOf(req));
    return presentIncomingNumber(await numbers.update(account.sid, Sid, readNumberSettings(p)));
  });

  app.delete(`${base}/:Sid`, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    await numbers.release(account.sid, Sid);
    return reply.code(204).send();
  });

  // Available numbers: drawn from the pool, minus what any account owns.
  app.get('/2010-04-01/Accounts/:AccountSid/AvailablePhoneNumbers/:CountryCode/:Type', async (req) => {
    const account = await targetAccount(req, accounts);
    const { CountryCode, Type } = req.params as { CountryCode: string; Type: string };
    const type = TYPES[Type];
    if (!type || !/^[A-Za-z]{2}$/.test(CountryCode)) throw errors.notFound('AvailablePhoneNumbers', `${CountryCode}/${Type}`);
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const pageSize = p.int('PageSize', { min: 1, max: 1000 }) ?? 50;
    const found = await numbers.available(CountryCode, type, { areaCode: p.str('AreaCode'), contains: p.str('Contains'), limit: pageSize });
    const uri = `/2010-04-01/Accounts/${account.sid}/AvailablePhoneNumbers/${CountryCode.toUpperCase()}/${Type}.json`;
    const query = new URLSearchParams({ PageSize: String(pageSize) }).toString();
    return {
      available_phone_numbers: found.map(presentAvailableNumber),
      uri: `${uri}?${query}`,
      first_page_uri: `${uri}?${query}&Page=0`,
      next_page_uri: null,
      previous_page_uri: null,
      page: 0,
      page_size: pageSize,
      start: 0,
      end: Math.max(found.length - 1, 0),
    };
  });

  const presentCountry = (accountSid: string) => (cc: string) => {
    const uri = `/2010-04-01/Accounts/${accountSid}/AvailablePhoneNumbers/${cc}`;
    return {
      country_code: cc,
      country: countryName(cc),
      beta: false,
      uri: `${uri}.json`,
      subresource_uris: { local: `${uri}/Local.json`, mobile: `${uri}/Mobile.json`, toll_free: `${uri}/TollFree.json` },
    };
  };

  // The countries the pool serves; one page, as Twilio's list is (its envelope has no paging fields).
  app.get('/2010-04-01/Accounts/:AccountSid/AvailablePhoneNumbers', async (req) => {
    const account = await targetAccount(req, accounts);
    return {
      countries: numbers.countries().map(presentCountry(account.sid)),
      uri: `/2010-04-01/Accounts/${account.sid}/AvailablePhoneNumbers.json`,
    };
  });

  app.get('/2010-04-01/Accounts/:AccountSid/AvailablePhoneNumbers/:CountryCode', async (req) => {
    const account = await targetAccount(req, accounts);
    const { CountryCode } = req.params as { CountryCode: string };
    const cc = CountryCode.toUpperCase();
    // A country the pool has no numbers in is missing, as at Twilio.
    if (!numbers.countries().includes(cc)) throw errors.notFound('AvailablePhoneNumberCountry', cc);
    return presentCountry(account.sid)(cc);
  });
}
