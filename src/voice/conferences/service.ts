/**
 * The Conferences and Participants resources: rows from the store (any node answers a list or a fetch),
 * changes through the runtime of this node, which runs the live conference. A conference that is not live
 * here cannot be changed (it ended, or it runs on another node: said plainly in the error).
 */
import { errors } from '../../core/errors.js';
import type { Page, PageQuery } from '../../store/paging.js';
import type { ConferenceFilter, ConferenceRow, ConferencesRepository, ParticipantFilter, ParticipantRow } from '../../store/repositories/conferences.js';
import type { HttpMethod } from '../../twiml/index.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { CreateCallInput } from '../calls/service.js';
import { conferenceTwiml, type DialOutSettings } from './dial-out.js';
import type { ConferenceRuntime, ParticipantUpdate } from './runtime.js';

export interface ConferencesServiceDeps {
  repo: ConferencesRepository;
  runtime: ConferenceRuntime;
  /** Places an outbound API call (the Calls resource's create). */
  call: (accountSid: string, input: CreateCallInput) => Promise<CallRow>;
}

export interface DialOutInput {
  call: Omit<CreateCallInput, 'url' | 'twiml' | 'applicationSid'>;
  settings: DialOutSettings;
}

export interface ConferenceUpdate {
  status?: 'completed' | undefined;
  announce?: { url: string; method: HttpMethod } | undefined;
}

export interface ParticipantChanges extends ParticipantUpdate {
  announce?: { url: string; method: HttpMethod } | undefined;
}

export class ConferencesService {
  constructor(private readonly d: ConferencesServiceDeps) {}

  list(accountSid: string, f: ConferenceFilter, page: PageQuery): Promise<Page<ConferenceRow>> {
    return this.d.repo.list(accountSid, f, page);
  }

  async find(accountSid: string, sid: string): Promise<ConferenceRow> {
    const row = await this.d.repo.find(accountSid, sid);
    if (!row) throw errors.notFound('Conference', sid);
    return row;
  }

  /** Status=completed ends it for everyone; AnnounceUrl plays to everyone. */
  async update(accountSid: string, sid: string, u: ConferenceUpdate): Promise<ConferenceRow> {
    const row = await this.find(accountSid, sid);
    if (row.status !== 'completed') {
      if (u.announce && !this.d.runtime.announce(sid, null, u.announce)) throw notHere(sid);
      if (u.status === 'completed' && !(await this.d.runtime.end(sid))) throw notHere(sid);
    }
    return this.find(accountSid, sid);
  }

  async participants(accountSid: string, conferenceSid: string, f: ParticipantFilter): Promise<ParticipantRow[]> {
    await this.find(accountSid, conferenceSid);
    return this.d.repo.participants(conferenceSid, f);
  }

  async participant(accountSid: string, conferenceSid: string, callSidOrLabel: string): Promise<ParticipantRow> {
    await this.find(accountSid, conferenceSid);
    const row = await this.d.repo.findParticipant(conferenceSid, callSidOrLabel);
    if (!row) throw errors.notFound('Participant', callSidOrLabel);
    return row;
  }

  async updateParticipant(accountSid: string, conferenceSid: string, callSidOrLabel: string, u: ParticipantChanges): Promise<ParticipantRow> {
    const row = await this.participant(accountSid, conferenceSid, callSidOrLabel);
    const { announce, ...changes } = u;
    if (Object.keys(changes).length > 0 && !(await this.d.runtime.update(conferenceSid, row.call_sid, changes))) throw notHere(conferenceSid);
    if (announce && !this.d.runtime.announce(conferenceSid, row.call_sid, announce)) throw notHere(conferenceSid);
    return this.participant(accountSid, conferenceSid, row.call_sid);
  }

  /**
   * Dials `input.call.to` into the conference named by SID (it must exist) or by friendly name (it is made
   * when the call answers, as a caller's <Dial><Conference> would). The participant is `queued` until then.
   */
  async create(accountSid: string, conferenceSidOrName: string, input: DialOutInput): Promise<ParticipantRow> {
    let name = conferenceSidOrName;
    let conferenceSid: string;
    if (/^CF[0-9a-f]{32}$/.test(conferenceSidOrName)) {
      const row = await this.find(accountSid, conferenceSidOrName);
      if (row.status === 'completed') throw errors.invalidParameter('ConferenceSid', `conference ${row.sid} has ended`);
      name = row.friendly_name;
      conferenceSid = row.sid;
    } else {
      // The room is made now, so the participant has its conference's SID at once.
      const room = this.d.runtime.room(accountSid, name, { maxParticipants: input.settings.maxParticipants ?? 250 });
      if (room === null) throw errors.invalidParameter('ConferenceSid', `conference "${name}" is full`);
      conferenceSid = room.sid;
    }
    const call = await this.d.call(accountSid, { ...input.call, twiml: conferenceTwiml(name, input.settings) });
    const s = input.settings;
    return {
      conference_sid: conferenceSid,
      call_sid: call.sid,
      account_sid: accountSid,
      label: s.label ?? null,
      muted: s.muted ? 1 : 0,
      hold: 0,
      call_sid_to_coach: s.coach ?? null,
      start_conference_on_enter: s.startConferenceOnEnter === false ? 0 : 1,
      end_conference_on_exit: s.endConferenceOnExit ? 1 : 0,
      status: 'queued',
      date_created: call.date_created,
      date_updated: call.date_updated,
    };
  }

  async kick(accountSid: string, conferenceSid: string, callSidOrLabel: string): Promise<void> {
    const row = await this.participant(accountSid, conferenceSid, callSidOrLabel);
    if (!(await this.d.runtime.kick(conferenceSid, row.call_sid))) throw notHere(conferenceSid);
  }
}

function notHere(sid: string): Error {
  return errors.invalidParameter(
    'ConferenceSid',
    `conference ${sid} is not running on this node (it ended, or another node runs it): send the request to that node`,
  );
}
