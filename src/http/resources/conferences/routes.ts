import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { errors } from '../../../core/errors.js';
import type { ConferenceFilter } from '../../../store/repositories/conferences.js';
import type { ConferencesService, ParticipantChanges } from '../../../voice/conferences/service.js';
import type { RecordingsService } from '../../../voice/recordings/service.js';
import { targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { machineDetectionOf } from '../calls/machine-detection.js';
import { presentConferenceRecording } from '../recordings/presenter.js';
import { presentConference, presentParticipant } from './presenter.js';

const DAY = 86_400_000;
const STATUSES = ['init', 'in-progress', 'completed'];

/** Conferences (list, fetch, update), their Participants (list, fetch, update, kick) and Recordings (list). */
export function conferenceRoutes(app: FastifyInstance, accounts: AccountsService, conferences: ConferencesService, recordings: RecordingsService): void {
  const base = '/2010-04-01/Accounts/:AccountSid/Conferences';

  app.get(base, async (req) => {
    const account = await targetAccount(req, accounts);
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const status = p.str('Status');
    if (status !== undefined && !STATUSES.includes(status)) throw errors.invalidParameter('Status', `must be one of ${STATUSES.join(', ')}`);
    const filter: ConferenceFilter = {
      friendlyName: p.str('FriendlyName'),
      status,
      createdBefore: p.date('DateCreated<'),
      createdAfter: p.date('DateCreated>'),
    };
    const on = p.date('DateCreated');
    if (on !== undefined) filter.createdOn = [on, on + DAY];
    const result = await conferences.list(account.sid, filter, page);
    return envelope2010('conferences', `/2010-04-01/Accounts/${account.sid}/Conferences.json`, params, page, result, presentConference);
  });

  app.get(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    return presentConference(await conferences.find(account.sid, Sid));
  });

  app.post(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    const p = new ParamReader(paramsOf(req));
    const status = p.str('Status');
    if (status !== undefined && status !== 'completed') throw errors.invalidParameter('Status', 'must be completed');
    const url = p.url('AnnounceUrl');
    const announce = url ? { url, method: p.method('AnnounceMethod') ?? 'POST' } : undefined;
    return presentConference(await conferences.update(account.sid, Sid, { status, announce }));
  });

  app.get(`${base}/:ConferenceSid/Participants`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { ConferenceSid } = req.params as { ConferenceSid: string };
    req.resourceSid = ConferenceSid;
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const rows = await conferences.participants(account.sid, ConferenceSid, { muted: p.bool('Muted'), hold: p.bool('Hold'), coaching: p.bool('Coaching') });
    // At most 250 participants: one page, keyed by CallSid.
    const result = { items: rows.map((r) => ({ ...r, sid: r.call_sid })), hasNext: false, hasPrev: false };
    return envelope2010(
      'participants',
      `/2010-04-01/Accounts/${account.sid}/Conferences/${ConferenceSid}/Participants.json`,
      params,
      page,
      result,
      presentParticipant,
    );
  });

  /** Dials out into the conference (named by SID or friendly name); the participant is `queued` until it answers. */
  app.post(`${base}/:ConferenceSid/Participants`, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    if (account.status !== 'active') throw errors.accountNotActive();
    const { ConferenceSid } = req.params as { ConferenceSid: string };
    req.resourceSid = ConferenceSid;
    const p = new ParamReader(paramsOf(req));
    const list = (name: string): string[] | undefined => {
      const v = p
        .all(name)
        .flatMap((x) => x.split(/[\s,]+/))
        .filter(Boolean);
      return v.length ? v : undefined;
    };
    const url = (name: string): string | undefined => p.url(name) ?? undefined;
    const coaching = p.bool('Coaching');
    const toCoach = p.str('CallSidToCoach');
    if (coaching === true && !toCoach) throw errors.invalidParameter('CallSidToCoach', 'is required when Coaching is true');
    const record = p.str('ConferenceRecord');
    // Accepted and validated; the dialled party's early media is not played into the conference (docs/voice.md).
    p.bool('EarlyMedia');
    const row = await conferences.create(account.sid, ConferenceSid, {
      call: {
        to: p.str('To'),
        from: p.str('From') ?? p.str('CallerId'),
        statusCallback: p.url('StatusCallback'),
        statusCallbackMethod: p.method('StatusCallbackMethod'),
        statusCallbackEvents: list('StatusCallbackEvent'),
        timeout: p.int('Timeout', { min: 5, max: 600 }),
        record: p.bool('Record'),
        // Runs before the participant joins; AnsweredBy is stored on its call and posted to AmdStatusCallback.
        machineDetection: machineDetectionOf(p, 'participant'),
      },
      settings: {
        label: p.str('Label'),
        muted: p.bool('Muted'),
        beep: p.oneOf('Beep', ['true', 'false', 'onEnter', 'onExit']),
        startConferenceOnEnter: p.bool('StartConferenceOnEnter'),
        endConferenceOnExit: p.bool('EndConferenceOnExit'),
        waitUrl: url('WaitUrl'),
        waitMethod: p.method('WaitMethod'),
        maxParticipants: p.int('MaxParticipants', { min: 2, max: 250 }),
        record: record === 'true' || record === 'record-from-start',
        trim: p.oneOf('ConferenceTrim', ['trim-silence', 'do-not-trim']),
        statusCallback: url('ConferenceStatusCallback'),
        statusCallbackMethod: p.method('ConferenceStatusCallbackMethod'),
        statusCallbackEvent: list('ConferenceStatusCallbackEvent'),
        recordingStatusCallback: url('ConferenceRecordingStatusCallback'),
        recordingStatusCallbackMethod: p.method('ConferenceRecordingStatusCallbackMethod'),
        recordingStatusCallbackEvent: list('ConferenceRecordingStatusCallbackEvent'),
        coach: coaching === false ? undefined : toCoach,
        jitterBufferSize: p.oneOf('JitterBufferSize', ['off', 'small', 'medium', 'large']),
        region: p.str('Region'),
        timeLimit: p.int('TimeLimit', { min: 1, max: 86_400 }),
      },
    });
    return reply.code(201).send(presentParticipant(row));
  });

  app.get(`${base}/:ConferenceSid/Participants/:CallSid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { ConferenceSid, CallSid } = req.params as { ConferenceSid: string; CallSid: string };
    req.resourceSid = ConferenceSid;
    return presentParticipant(await conferences.participant(account.sid, ConferenceSid, CallSid));
  });

  app.post(`${base}/:ConferenceSid/Participants/:CallSid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { ConferenceSid, CallSid } = req.params as { ConferenceSid: string; CallSid: string };
    req.resourceSid = ConferenceSid;
    const p = new ParamReader(paramsOf(req));
    const u: ParticipantChanges = {};
    const muted = p.bool('Muted');
    if (muted !== undefined) u.muted = muted;
    const hold = p.bool('Hold');
    if (hold !== undefined) u.hold = hold;
    const holdUrl = p.url('HoldUrl');
    if (holdUrl !== undefined) u.holdDoc = holdUrl === null || holdUrl === '' ? null : { url: holdUrl, method: p.method('HoldMethod') ?? 'GET' };
    const announceUrl = p.url('AnnounceUrl');
    if (announceUrl) u.announce = { url: announceUrl, method: p.method('AnnounceMethod') ?? 'POST' };
    const end = p.bool('EndConferenceOnExit');
    if (end !== undefined) u.endConferenceOnExit = end;
    const beepOnExit = p.bool('BeepOnExit');
    if (beepOnExit !== undefined) u.beepOnExit = beepOnExit;
    const waitUrl = p.url('WaitUrl');
    // As on create, an empty WaitUrl means Switchboard's hold music.
    if (waitUrl !== undefined) u.wait = waitUrl === null ? null : { url: waitUrl, method: p.method('WaitMethod') ?? 'POST' };
    const coaching = p.bool('Coaching');
    const toCoach = p.str('CallSidToCoach');
    if (coaching === false) u.coach = null;
    else if (toCoach !== undefined) u.coach = toCoach;
    else if (coaching === true) throw errors.invalidParameter('CallSidToCoach', 'is required when Coaching is true');
    return presentParticipant(await conferences.updateParticipant(account.sid, ConferenceSid, CallSid, u));
  });

  app.delete(`${base}/:ConferenceSid/Participants/:CallSid`, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const { ConferenceSid, CallSid } = req.params as { ConferenceSid: string; CallSid: string };
    req.resourceSid = ConferenceSid;
    await conferences.kick(account.sid, ConferenceSid, CallSid);
    return reply.code(204).send();
  });

  app.get(`${base}/:ConferenceSid/Recordings`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { ConferenceSid } = req.params as { ConferenceSid: string };
    req.resourceSid = ConferenceSid;
    await conferences.find(account.sid, ConferenceSid);
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const on = p.date('DateCreated');
    const result = await recordings.list(
      account.sid,
      {
        conferenceSid: ConferenceSid,
        createdBefore: p.date('DateCreated<'),
        createdAfter: p.date('DateCreated>'),
        ...(on !== undefined ? { createdOn: [on, on + DAY] as [number, number] } : {}),
      },
      page,
    );
    return envelope2010(
      'recordings',
      `/2010-04-01/Accounts/${account.sid}/Conferences/${ConferenceSid}/Recordings.json`,
      params,
      page,
      result,
      presentConferenceRecording,
    );
  });

  app.get(`${base}/:ConferenceSid/Recordings/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { ConferenceSid, Sid } = req.params as { ConferenceSid: string; Sid: string };
    req.resourceSid = Sid;
    const rec = await recordings.find(account.sid, Sid);
    if (rec.conference_sid !== ConferenceSid) throw errors.notFound('Recording', Sid);
    return presentConferenceRecording(rec);
  });
}
