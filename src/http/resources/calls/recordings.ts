import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { rfc2822 } from '../../../core/dates.js';
import { errors } from '../../../core/errors.js';
import type { RecordingMeta } from '../../../store/repositories/recordings.js';
import type { LiveRecordingInfo } from '../../../voice/recordings/call-recording.js';
import type { LiveRecordingsService } from '../../../voice/recordings/live-service.js';
import type { RecordingsService } from '../../../voice/recordings/service.js';
import { targetAccount } from '../../context.js';
import { ParamReader } from '../../params.js';
import { presentRecording } from '../recordings/presenter.js';
import { paramsOf } from '../../server.js';

const EVENTS = ['in-progress', 'completed', 'absent'];

/**
 * Recordings of a live call (Twilio's Call Recording resource): start one (201), pause, resume or stop it by
 * sid or `Twilio.CURRENT`, fetch it while it records (duration -1) or once stored, delete a stored one.
 */
export function callRecordingRoutes(app: FastifyInstance, accounts: AccountsService, live: LiveRecordingsService, stored: RecordingsService): void {
  const base = '/2010-04-01/Accounts/:AccountSid/Calls/:CallSid/Recordings';

  app.post(base, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const { CallSid } = req.params as { CallSid: string };
    const p = new ParamReader(paramsOf(req));
    const url = p.url('RecordingStatusCallback');
    // twilio-node sends the events as repeated keys; Twilio's docs separate them with spaces.
    const events = p
      .all('RecordingStatusCallbackEvent')
      .flatMap((v) => v.split(/[\s,]+/))
      .filter(Boolean);
    const unknown = events.find((e) => !EVENTS.includes(e));
    if (unknown !== undefined) throw errors.invalidParameter('RecordingStatusCallbackEvent', `${unknown} is not in-progress, completed or absent`);
    const channels = p.oneOf('RecordingChannels', ['mono', 'dual'] as const) ?? 'mono';
    const info = await live.create(account.sid, CallSid, {
      channels: channels === 'dual' ? 2 : 1,
      track: p.oneOf('RecordingTrack', ['inbound', 'outbound', 'both'] as const) ?? 'both',
      trim: (p.oneOf('Trim', ['trim-silence', 'do-not-trim'] as const) ?? 'do-not-trim') === 'trim-silence',
      callback: url ? { url, method: p.method('RecordingStatusCallbackMethod') ?? 'POST', events: events.length ? events : ['completed'] } : null,
    });
    req.resourceSid = info.sid;
    return reply.code(201).send(presentLive(info));
  });

  app.post(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { CallSid, Sid } = req.params as { CallSid: string; Sid: string };
    req.resourceSid = Sid;
    const p = new ParamReader(paramsOf(req));
    p.required('Status');
    const status = p.oneOf('Status', ['paused', 'in-progress', 'stopped'] as const) ?? 'stopped';
    const behavior = p.oneOf('PauseBehavior', ['skip', 'silence'] as const) ?? 'silence';
    const change = status === 'paused' ? { status, pauseBehavior: behavior } : { status };
    return presentLive(await live.update(account.sid, CallSid, Sid, change));
  });

  app.get(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { CallSid, Sid } = req.params as { CallSid: string; Sid: string };
    req.resourceSid = Sid;
    const info = await live.fetch(account.sid, CallSid, Sid);
    if (info !== null) return presentLive(info);
    return presentStored(await storedOf(stored, account.sid, CallSid, Sid));
  });

  app.delete(`${base}/:Sid`, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const { CallSid, Sid } = req.params as { CallSid: string; Sid: string };
    req.resourceSid = Sid;
    await storedOf(stored, account.sid, CallSid, Sid);
    await stored.delete(account.sid, Sid);
    return reply.code(204).send();
  });
}

async function storedOf(stored: RecordingsService, accountSid: string, callSid: string, sid: string): Promise<RecordingMeta> {
  const row = await stored.find(accountSid, sid);
  if (row.call_sid !== callSid) throw errors.notFound('Recording', sid);
  return row;
}

const uriOf = (accountSid: string, callSid: string, sid: string) => `/2010-04-01/Accounts/${accountSid}/Calls/${callSid}/Recordings/${sid}.json`;

function presentLive(r: LiveRecordingInfo) {
  return {
    account_sid: r.accountSid,
    api_version: '2010-04-01',
    call_sid: r.callSid,
    conference_sid: null,
    date_created: rfc2822(r.dateCreated),
    date_updated: rfc2822(r.dateUpdated),
    start_time: rfc2822(r.startTime),
    duration: String(r.duration),
    sid: r.sid,
    price: null,
    uri: uriOf(r.accountSid, r.callSid, r.sid),
    encryption_details: null,
    price_unit: 'USD',
    status: r.status,
    channels: r.channels,
    source: 'StartCallRecordingAPI',
    error_code: null,
    track: r.track,
  };
}

/** A stored recording seen under its call: Twilio's Call Recording (no media_url or subresources, a track). */
function presentStored(r: RecordingMeta) {
  const { subresource_uris: _subresources, media_url: _media, ...rest } = presentRecording('')(r);
  // The track is not stored: a recording of the call's API (or a Dial) records both directions.
  return { ...rest, uri: uriOf(r.account_sid, r.call_sid, r.sid), track: 'both' };
}
