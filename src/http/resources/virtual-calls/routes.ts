import type { FastifyInstance } from 'fastify';
import { iso8601 } from '../../../core/dates.js';
import { errors } from '../../../core/errors.js';
import type { CallRow } from '../../../store/repositories/calls.js';
import type { VirtualCallEventRow } from '../../../store/repositories/virtual-calls.js';
import { toE164 } from '../../../core/phone/e164.js';
import {
  DEFAULT_BEHAVIOR,
  formatAudioStep,
  isVirtualAnswer,
  parseAudioStep,
  parseTimedDigits,
  type AudioStep,
  type TimedDigits,
  type VirtualBehavior,
} from '../../../voice/virtual/behavior.js';
import type { VirtualCalls } from '../../../voice/virtual/calls.js';
import type { VirtualPhones } from '../../../voice/virtual/phones.js';
import { principalOf } from '../../context.js';
import { envelopeV1, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';

function presentBehavior(phone: string, b: VirtualBehavior) {
  return {
    phone_number: phone,
    answer: b.answer,
    ring_seconds: b.ringSeconds,
    digits: b.digits,
    hangup_after_seconds: b.hangupAfterSeconds,
    audio: b.audio.map(formatAudioStep),
    digits_at: b.digitsAt.map((d) => `${d.atSeconds}:${d.digits}`),
  };
}

/** `Audio` (repeatable, in order) and `DigitsAt` values, or the current ones when the form has none. */
function readAudio(p: ParamReader, current: { audio: AudioStep[]; digitsAt: TimedDigits[] }): { audio: AudioStep[]; digitsAt: TimedDigits[] } {
  const audio = p.has('Audio')
    ? p
        .all('Audio')
        .filter((a) => a !== '')
        .map((raw) => {
          const step = parseAudioStep(raw);
          if (!step) throw errors.invalidParameter('Audio', 'say:TEXT, play:URL, tone:HZ[:SECONDS] (50-3900 Hz) or pause:SECONDS');
          return step;
        })
    : current.audio;
  const digitsAt = p.has('DigitsAt')
    ? p
        .all('DigitsAt')
        .filter((a) => a !== '')
        .map((raw) => {
          const timed = parseTimedDigits(raw);
          if (!timed) throw errors.invalidParameter('DigitsAt', 'SECONDS:KEYS, such as 1.5:123#');
          return timed;
        })
    : current.digitsAt;
  if (audio.length > 50 || digitsAt.length > 50) throw errors.invalidParameter(audio.length > 50 ? 'Audio' : 'DigitsAt', 'at most 50 values');
  return { audio, digitsAt };
}

function presentCall(phone: string, c: CallRow, events: VirtualCallEventRow[]) {
  return {
    call_sid: c.sid,
    account_sid: c.account_sid,
    phone_number: phone,
    // From the phone's side: a call it received from your number, or one it made to your number.
    direction: c.from_number === phone ? 'made' : 'received',
    peer: c.from_number === phone ? c.to_number : c.from_number,
    status: c.status,
    duration: c.duration,
    date_created: iso8601(c.date_created),
    events: events.map((e) => ({ type: e.kind, ...(JSON.parse(e.detail) as Record<string, unknown>), at: iso8601(e.date_created) })),
  };
}

function phoneOf(raw: string): string {
  const phone = toE164(raw);
  if (!phone) throw errors.invalidParameter('PhoneNumber', 'is not a phone number');
  return phone;
}

/**
 * Switchboard's API for virtual phones on calls: how a phone answers (CallBehavior), what it heard on each
 * call (Calls), and calling one of your numbers as that phone (POST Calls).
 */
export function virtualCallRoutes(app: FastifyInstance, phones: VirtualPhones, calls: VirtualCalls, origin: () => string): void {
  const base = '/switchboard/v1/VirtualPhones/:PhoneNumber';

  app.get(`${base}/CallBehavior`, async (req) => {
    const phone = phoneOf((req.params as { PhoneNumber: string }).PhoneNumber);
    return presentBehavior(phone, await phones.behavior(principalOf(req).accountSid, phone));
  });

  app.post(`${base}/CallBehavior`, async (req) => {
    const phone = phoneOf((req.params as { PhoneNumber: string }).PhoneNumber);
    const accountSid = principalOf(req).accountSid;
    const p = new ParamReader(paramsOf(req));
    const current = await phones.behavior(accountSid, phone);
    const answer = p.str('Answer');
    if (answer !== undefined && !isVirtualAnswer(answer)) throw errors.invalidParameter('Answer', 'must be answer, busy, no-answer or fail');
    const digits = p.has('Digits') ? p.all('Digits').filter((d) => d !== '') : current.digits;
    for (const d of digits) if (!/^[0-9A-D*#wW]{1,64}$/.test(d)) throw errors.invalidParameter('Digits', 'keys 0-9, A-D, *, # and w/W for a pause');
    const hangupAfter = p.str('HangupAfter');
    const next: VirtualBehavior = {
      answer: answer ?? current.answer,
      ringSeconds: p.int('RingSeconds', { min: 0, max: 600 }) ?? current.ringSeconds,
      digits,
      hangupAfterSeconds: hangupAfter === '' ? null : (p.int('HangupAfter', { min: 0, max: 86_400 }) ?? current.hangupAfterSeconds),
      ...readAudio(p, current),
    };
    return presentBehavior(phone, await phones.setBehavior(accountSid, phone, next));
  });

  app.delete(`${base}/CallBehavior`, async (req, reply) => {
    const phone = phoneOf((req.params as { PhoneNumber: string }).PhoneNumber);
    await phones.clearBehavior(principalOf(req).accountSid, phone);
    return reply.code(200).send(presentBehavior(phone, DEFAULT_BEHAVIOR));
  });

  app.get(`${base}/Calls`, async (req) => {
    const phone = phoneOf((req.params as { PhoneNumber: string }).PhoneNumber);
    const params = paramsOf(req);
    const page = readPageParams(params);
    const result = await phones.calls(principalOf(req).accountSid, phone, page);
    const events = await phones.events(result.items.map((c) => c.sid));
    const present = (c: CallRow) =>
      presentCall(
        phone,
        c,
        events.filter((e) => e.call_sid === c.sid),
      );
    return envelopeV1('calls', origin(), `/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Calls`, params, page, result, present);
  });

  app.get(`${base}/Calls/:CallSid`, async (req) => {
    const { PhoneNumber, CallSid } = req.params as { PhoneNumber: string; CallSid: string };
    const phone = phoneOf(PhoneNumber);
    const result = await phones.calls(principalOf(req).accountSid, phone, { pageSize: 1000 });
    const call = result.items.find((c) => c.sid === CallSid);
    if (!call) throw errors.notFound('Call', CallSid);
    return presentCall(phone, call, await phones.events([CallSid]));
  });

  app.post(`${base}/Calls`, async (req, reply) => {
    const phone = phoneOf((req.params as { PhoneNumber: string }).PhoneNumber);
    const p = new ParamReader(paramsOf(req));
    const digits = p.all('Digits').filter((d) => d !== '');
    for (const d of digits) if (!/^[0-9A-D*#wW]{1,64}$/.test(d)) throw errors.invalidParameter('Digits', 'keys 0-9, A-D, *, # and w/W for a pause');
    const row = await calls.call(principalOf(req).accountSid, phone, p.required('To'), {
      digits,
      hangupAfterSeconds: p.int('HangupAfter', { min: 0, max: 86_400 }) ?? null,
      ...readAudio(p, { audio: [], digitsAt: [] }),
    });
    return reply.code(201).send(presentCall(phone, row, []));
  });
}
