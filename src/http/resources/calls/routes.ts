import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { errors } from '../../../core/errors.js';
import type { CallFilter } from '../../../store/repositories/calls.js';
import type { CallsService } from '../../../voice/calls/service.js';
import type { RecordingsService } from '../../../voice/recordings/service.js';
import { targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { presentRecording } from '../recordings/presenter.js';
import { machineDetectionOf } from './machine-detection.js';
import { pricedCall } from './presenter.js';
import { NO_PRICING, type Pricing } from '../../../usage/pricing.js';

const DAY = 86_400_000;
const STATUSES = ['queued', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled'] as const;

/** `pricing` fills `price` on completed calls. */
export function callRoutes(
  app: FastifyInstance,
  accounts: AccountsService,
  calls: CallsService,
  recordings: RecordingsService,
  origin: () => string,
  pricing: Pricing = NO_PRICING,
): void {
  const presentCall = pricedCall(pricing);
  const base = '/2010-04-01/Accounts/:AccountSid/Calls';

  app.post(base, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    if (account.status !== 'active') throw errors.accountNotActive();
    const p = new ParamReader(paramsOf(req));
    const row = await calls.create(account.sid, {
      to: p.str('To'),
      from: p.str('From'),
      url: p.url('Url'),
      method: p.method('Method'),
      twiml: p.str('Twiml'),
      applicationSid: p.str('ApplicationSid') || undefined,
      fallbackUrl: p.url('FallbackUrl'),
      fallbackMethod: p.method('FallbackMethod'),
      statusCallback: p.url('StatusCallback'),
      statusCallbackMethod: p.method('StatusCallbackMethod'),
      // twilio-node sends the events as repeated keys; some clients join them with spaces.
      statusCallbackEvents: p
        .all('StatusCallbackEvent')
        .flatMap((v) => v.split(/[\s,]+/))
        .filter(Boolean),
      timeout: p.int('Timeout', { min: 1, max: 600 }),
      sendDigits: p.str('SendDigits'),
      timeLimit: p.int('TimeLimit', { min: 1, max: 86_400 }),
      record: p.bool('Record'),
      machineDetection: machineDetectionOf(p),
    });
    req.resourceSid = row.sid;
    return reply.code(201).send(presentCall(row));
  });

  app.get(base, async (req) => {
    const account = await targetAccount(req, accounts);
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const filter: CallFilter = {
      to: p.str('To'),
      from: p.str('From'),
      status: p.oneOf('Status', STATUSES),
      parentCallSid: p.str('ParentCallSid'),
      startTimeBefore: p.date('StartTime<'),
      startTimeAfter: p.date('StartTime>'),
      endTimeBefore: p.date('EndTime<'),
      endTimeAfter: p.date('EndTime>'),
    };
    const on = p.date('StartTime');
    if (on !== undefined) filter.startTimeOn = [on, on + DAY];
    const result = await calls.list(account.sid, filter, page);
    return envelope2010('calls', `/2010-04-01/Accounts/${account.sid}/Calls.json`, params, page, result, presentCall);
  });

  app.get(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    return presentCall(await calls.find(account.sid, Sid));
  });

  app.post(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    const p = new ParamReader(paramsOf(req));
    return presentCall(
      await calls.update(account.sid, Sid, {
        url: p.url('Url'),
        method: p.method('Method'),
        twiml: p.str('Twiml'),
        status: p.oneOf('Status', ['canceled', 'completed'] as const),
        fallbackUrl: p.url('FallbackUrl'),
        fallbackMethod: p.method('FallbackMethod'),
        statusCallback: p.url('StatusCallback'),
        statusCallbackMethod: p.method('StatusCallbackMethod'),
      }),
    );
  });

  app.delete(`${base}/:Sid`, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    await calls.delete(account.sid, Sid);
    return reply.code(204).send();
  });

  app.get(`${base}/:CallSid/Recordings`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { CallSid } = req.params as { CallSid: string };
    await calls.find(account.sid, CallSid);
    const params = paramsOf(req);
    const page = readPageParams(params);
    const result = await recordings.list(account.sid, { callSid: CallSid }, page);
    return envelope2010('recordings', `/2010-04-01/Accounts/${account.sid}/Calls/${CallSid}/Recordings.json`, params, page, result, presentRecording(origin()));
  });
}
