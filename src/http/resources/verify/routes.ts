import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Verify } from '../../../verify/module.js';
import type { VerifyServiceInput } from '../../../verify/services.js';
import { errors } from '../../../core/errors.js';
import { principalOf } from '../../context.js';
import { envelopeV1, readPageParams } from '../../paging.js';
import { ParamReader, type Params } from '../../params.js';
import { paramsOf } from '../../server.js';
import { presentAttempt, presentCheck, presentService, presentVerification } from './presenter.js';

/**
 * The request's parameters as strings: a JSON body can carry numbers and booleans (`{"CodeLength": 8}`), which
 * mean the same as their form-encoded text; anything else becomes text that fails validation with a 4xx.
 */
function params(req: FastifyRequest): ParamReader {
  const out: Params = {};
  for (const [key, value] of Object.entries(paramsOf(req) as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    out[key] = Array.isArray(value)
      ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  }
  return new ParamReader(out);
}

function readServiceInput(p: ParamReader): VerifyServiceInput {
  return {
    friendlyName: p.str('FriendlyName'),
    codeLength: p.int('CodeLength'),
    lookupEnabled: p.bool('LookupEnabled'),
    psd2Enabled: p.bool('Psd2Enabled'),
    skipSmsToLandlines: p.bool('SkipSmsToLandlines'),
    dtmfInputRequired: p.bool('DtmfInputRequired'),
    ttsName: p.str('TtsName'),
    doNotShareWarningEnabled: p.bool('DoNotShareWarningEnabled'),
    customCodeEnabled: p.bool('CustomCodeEnabled'),
    verifyEventSubscriptionEnabled: p.bool('VerifyEventSubscriptionEnabled'),
    // Switchboard's extensions, dotted like Twilio's own grouped parameters (Push.IncludeDate, Totp.Skew).
    codeLifetime: p.int('Switchboard.CodeLifetime'),
    messagingServiceSid: p.str('Switchboard.MessagingServiceSid'),
  };
}

/** Verify v2 (`/verify/v2/...`): services, verifications, checks and attempts of the authenticated account. */
export function verifyRoutes(app: FastifyInstance, verify: Verify, origin: () => string): void {
  const owner = (req: FastifyRequest) => principalOf(req).accountSid;
  const { services, verifications, attempts } = verify;
  const base = '/verify/v2/Services';

  app.post(base, async (req, reply) => {
    const row = await services.create(owner(req), readServiceInput(params(req)));
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
    presentService(origin())(await services.update(owner(req), (req.params as { Sid: string }).Sid, readServiceInput(params(req)))),
  );
  app.delete(`${base}/:Sid`, async (req, reply) => {
    await services.delete(owner(req), (req.params as { Sid: string }).Sid);
    return reply.code(204).send();
  });

  app.post(`${base}/:ServiceSid/Verifications`, async (req, reply) => {
    const { ServiceSid } = req.params as { ServiceSid: string };
    const p = params(req);
    const view = await verifications.start(owner(req), ServiceSid, {
      to: p.str('To'),
      channel: p.str('Channel'),
      locale: p.str('Locale'),
      customCode: p.str('CustomCode'),
      customFriendlyName: p.str('CustomFriendlyName'),
      appHash: p.str('AppHash'),
    });
    req.resourceSid = view.row.sid;
    return reply.code(201).send(presentVerification(origin())(view));
  });
  app.get(`${base}/:ServiceSid/Verifications/:Sid`, async (req) => {
    const { ServiceSid, Sid } = req.params as { ServiceSid: string; Sid: string };
    return presentVerification(origin())(await verifications.fetch(owner(req), ServiceSid, Sid));
  });
  app.post(`${base}/:ServiceSid/Verifications/:Sid`, async (req) => {
    const { ServiceSid, Sid } = req.params as { ServiceSid: string; Sid: string };
    const status = params(req).str('Status');
    return presentVerification(origin())(await verifications.update(owner(req), ServiceSid, Sid, status));
  });

  // Twilio answers a check with 200 whatever the outcome; a wrong code is a pending status, not an error.
  app.post(`${base}/:ServiceSid/VerificationCheck`, async (req) => {
    const { ServiceSid } = req.params as { ServiceSid: string };
    const p = params(req);
    const row = await verifications.check(owner(req), ServiceSid, { code: p.str('Code'), to: p.str('To'), verificationSid: p.str('VerificationSid') });
    req.resourceSid = row.sid;
    return presentCheck(row);
  });

  const attemptsBase = '/verify/v2/Attempts';
  app.get(attemptsBase, async (req) => {
    const raw = paramsOf(req);
    const page = readPageParams(raw);
    const p = params(req);
    const status = p.str('Status')?.toLowerCase();
    if (status !== undefined && status !== '' && status !== 'converted' && status !== 'unconverted') {
      throw errors.verifyInvalidParameter('Status', 'must be converted or unconverted');
    }
    const channel = p.str('Channel')?.toLowerCase();
    const filter = {
      createdAfter: p.date('DateCreatedAfter'),
      createdBefore: p.date('DateCreatedBefore'),
      to: p.str('ChannelData.To') || undefined,
      channel: channel || undefined,
      serviceSid: p.str('VerifyServiceSid') || undefined,
      verificationSid: p.str('VerificationSid') || undefined,
      converted: status === 'converted' ? true : status === 'unconverted' ? false : undefined,
    };
    return envelopeV1('attempts', origin(), attemptsBase, raw, page, await attempts.list(owner(req), filter, page), presentAttempt(origin()));
  });
  app.get(`${attemptsBase}/:Sid`, async (req) => presentAttempt(origin())(await attempts.find(owner(req), (req.params as { Sid: string }).Sid)));
}
