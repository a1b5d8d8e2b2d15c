import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { iso8601 } from '../../../core/dates.js';
import type { MessagingServicesService, ServiceInput } from '../../../messaging/services.js';
import type { MessagingServiceRow } from '../../../store/repositories/messaging-services.js';
import type { PhoneNumberRow } from '../../../store/repositories/phone-numbers.js';
import { principalOf } from '../../context.js';
import { envelopeV1, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';

function presentService(origin: string) {
  return (s: MessagingServiceRow) => {
    const url = `${origin}/messaging/v1/Services/${s.sid}`;
    return {
      sid: s.sid,
      account_sid: s.account_sid,
      friendly_name: s.friendly_name,
      date_created: iso8601(s.date_created),
      date_updated: iso8601(s.date_updated),
      inbound_request_url: s.inbound_request_url,
      inbound_method: s.inbound_method,
      fallback_url: s.fallback_url,
      fallback_method: s.fallback_method,
      status_callback: s.status_callback,
      sticky_sender: s.sticky_sender === 1,
      mms_converter: s.mms_converter === 1,
      smart_encoding: s.smart_encoding === 1,
      scan_message_content: 'inherit',
      fallback_to_long_code: s.fallback_to_long_code === 1,
      area_code_geomatch: s.area_code_geomatch === 1,
      synchronous_validation: false,
      validity_period: s.validity_period,
      url,
      links: {
        phone_numbers: `${url}/PhoneNumbers`,
        short_codes: `${url}/ShortCodes`,
        alpha_senders: `${url}/AlphaSenders`,
        messages: `${url}/Messages`,
        us_app_to_person: `${url}/Compliance/Usa2p`,
        us_app_to_person_usecases: `${url}/Compliance/Usa2p/Usecases`,
        channel_senders: `${url}/ChannelSenders`,
      },
      usecase: 'undeclared',
      us_app_to_person_registered: false,
      use_inbound_webhook_on_number: s.use_inbound_webhook_on_number === 1,
    };
  };
}

function presentSender(origin: string) {
  return (n: PhoneNumberRow) => ({
    sid: n.sid,
    account_sid: n.account_sid,
    service_sid: n.messaging_service_sid,
    date_created: iso8601(n.date_created),
    date_updated: iso8601(n.date_updated),
    phone_number: n.phone_number,
    country_code: n.iso_country,
    capabilities: ['SMS', 'Voice', ...(n.iso_country === 'US' || n.iso_country === 'CA' ? ['MMS'] : [])],
    url: `${origin}/messaging/v1/Services/${n.messaging_service_sid}/PhoneNumbers/${n.sid}`,
  });
}

function readInput(p: ParamReader): ServiceInput {
  const flag = (name: string) => {
    const b = p.bool(name);
    return b === undefined ? undefined : b ? 1 : 0;
  };
  return {
    friendly_name: p.str('FriendlyName'),
    inbound_request_url: p.url('InboundRequestUrl'),
    inbound_method: p.method('InboundMethod'),
    fallback_url: p.url('FallbackUrl'),
    fallback_method: p.method('FallbackMethod'),
    status_callback: p.url('StatusCallback'),
    sticky_sender: flag('StickySender'),
    mms_converter: flag('MmsConverter'),
    smart_encoding: flag('SmartEncoding'),
    fallback_to_long_code: flag('FallbackToLongCode'),
    area_code_geomatch: flag('AreaCodeGeomatch'),
    validity_period: p.int('ValidityPeriod', { min: 1, max: 36000 }),
    use_inbound_webhook_on_number: flag('UseInboundWebhookOnNumber'),
  };
}

/** Messaging v1 (`/messaging/v1/...`): ISO-8601 dates, absolute URLs, the `meta` list envelope. */
export function messagingServiceRoutes(app: FastifyInstance, accounts: AccountsService, services: MessagingServicesService, origin: () => string): void {
  // v1 resources belong to the authenticated account (a parent acts on a subaccount with its credentials).
  const owner = (req: FastifyRequest) => principalOf(req).accountSid;
  void accounts;
  const base = '/messaging/v1/Services';

  app.post(base, async (req, reply) => {
    const row = await services.create(owner(req), readInput(new ParamReader(paramsOf(req))));
    req.resourceSid = row.sid;
    return reply.code(201).send(presentService(origin())(row));
  });
  app.get(base, async (req) => {
    const params = paramsOf(req);
    const page = readPageParams(params);
    return envelopeV1('services', origin(), base, params, page, await services.list(owner(req), page), presentService(origin()));
  });
  app.get(`${base}/:Sid`, async (req) => presentService(origin())(await services.find(owner(req), (req.params as { Sid: string }).Sid)));
  app.post(`${base}/:Sid`, async (req) =>
    presentService(origin())(await services.update(owner(req), (req.params as { Sid: string }).Sid, readInput(new ParamReader(paramsOf(req))))),
  );
  app.delete(`${base}/:Sid`, async (req, reply) => {
    await services.delete(owner(req), (req.params as { Sid: string }).Sid);
    return reply.code(204).send();
  });

  app.post(`${base}/:ServiceSid/PhoneNumbers`, async (req, reply) => {
    const { ServiceSid } = req.params as { ServiceSid: string };
    const p = new ParamReader(paramsOf(req));
    const n = await services.addSender(owner(req), ServiceSid, p.required('PhoneNumberSid'));
    return reply.code(201).send(presentSender(origin())(n));
  });
  app.get(`${base}/:ServiceSid/PhoneNumbers`, async (req) => {
    const { ServiceSid } = req.params as { ServiceSid: string };
    const params = paramsOf(req);
    const page = readPageParams(params);
    const result = await services.listSenders(owner(req), ServiceSid, page);
    return envelopeV1('phone_numbers', origin(), `${base}/${ServiceSid}/PhoneNumbers`, params, page, result, presentSender(origin()));
  });
  app.get(`${base}/:ServiceSid/PhoneNumbers/:Sid`, async (req) => {
    const { ServiceSid, Sid } = req.params as { ServiceSid: string; Sid: string };
    return presentSender(origin())(await services.findSender(owner(req), ServiceSid, Sid));
  });
  app.delete(`${base}/:ServiceSid/PhoneNumbers/:Sid`, async (req, reply) => {
    const { ServiceSid, Sid } = req.params as { ServiceSid: string; Sid: string };
    await services.removeSender(owner(req), ServiceSid, Sid);
    return reply.code(204).send();
  });
}
