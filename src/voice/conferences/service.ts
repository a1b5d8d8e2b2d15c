/**
 * The Conferences and Participants resources: rows from the store (any node answers a list or a fetch),
 * changes through the runtime of this node, which runs the live conference. A conference that is not live
 * here is changed on the node that runs it (several nodes); one that ended cannot be (said plainly).
 */
import { errors } from '../../core/errors.js';
import type { Page, PageQuery } from '../../store/paging.js';
import type { ConferenceFilter, ConferenceRow, ConferencesRepository, ParticipantFilter, ParticipantRow } from '../../store/repositories/conferences.js';
import type { HttpMethod } from '../../twiml/index.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { CreateCallInput } from '../calls/service.js';
import { conferenceTwiml, type DialOutSettings } from './dial-out.js';
import type { Room } from './room.js';
import type { ConferenceRuntime, ParticipantUpdate } from './runtime.js';
import type { ParticipantState } from './types.js';

export interface ConferencesServiceDeps {
  repo: ConferencesRepository;
  runtime: ConferenceRuntime;
  /** Places an outbound API call (the Calls resource's create). */
  call: (accountSid: string, input: CreateCallInput) => Promise<CallRow>;
  /** A call's current status (the store's row), null when there is no such call. */
  callStatus: (callSid: string) => Promise<string | null>;
  /** Hangs up a call (the Calls resource's update): a participant kicked while its call still rings. */
  hangup: (accountSid: string, callSid: string, status: 'canceled' | 'completed') => Promise<void>;
  /** Settles when a call this node runs has ended; null when it does not run here. */
  callDone: (callSid: string) => Promise<void> | null;
  /**
   * Several nodes: runs a change on the node that runs the conference (voice/cross-node.ts); false when
   * that node cannot be asked or no longer runs it.
   */
  onOwner?: (nodeId: string, change: OwnerChange) => Promise<boolean>;
  nodeId?: string;
}

/** A change to a live conference, as carried to the node that runs it. */
export type OwnerChange =
  | { kind: 'end'; conferenceSid: string }
  | { kind: 'announce'; conferenceSid: string; callSid: string | null; doc: { url: string; method: HttpMethod } }
  | { kind: 'update'; conferenceSid: string; callSid: string; changes: ParticipantUpdate }
  | { kind: 'kick'; conferenceSid: string; callSid: string };

/** Runs `c` on this node's runtime: false when the conference (or participant) is not live here. */
export async function applyHere(runtime: ConferenceRuntime, c: OwnerChange): Promise<boolean> {
  if (c.kind === 'end') return runtime.end(c.conferenceSid);
  if (c.kind === 'announce') return runtime.announce(c.conferenceSid, c.callSid, c.doc);
  if (c.kind === 'update') return runtime.update(c.conferenceSid, c.callSid, c.changes);
  return runtime.kick(c.conferenceSid, c.callSid);
}

/**
 * A participant dialled through the API that has not joined yet shows its call's progress, as Twilio's
 * statuses: `queued`, `ringing`, then `connecting` (answered, on its way in). null: the call ended first,
 * so the participant is not listed (Twilio lists current participants only).
 */
function dialledStatus(callStatus: string | null): string | null {
  if (callStatus === 'queued' || callStatus === 'ringing') return callStatus;
  if (callStatus === 'in-progress') return 'connecting';
  return null;
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
      if (u.announce) await this.apply(row, { kind: 'announce', conferenceSid: sid, callSid: null, doc: u.announce });
      if (u.status === 'completed') await this.apply(row, { kind: 'end', conferenceSid: sid });
    }
    return this.find(accountSid, sid);
  }

  async participants(accountSid: string, conferenceSid: string, f: ParticipantFilter): Promise<ParticipantRow[]> {
    await this.find(accountSid, conferenceSid);
    const rows = await Promise.all((await this.d.repo.participants(conferenceSid, f)).map((r) => this.current(r)));
    return rows.filter((r): r is ParticipantRow => r !== null);
  }

  async participant(accountSid: string, conferenceSid: string, callSidOrLabel: string): Promise<ParticipantRow> {
    await this.find(accountSid, conferenceSid);
    const found = await this.d.repo.findParticipant(conferenceSid, callSidOrLabel);
    const row = found ? await this.current(found) : null;
    if (!row) throw errors.notFound('Participant', callSidOrLabel);
    return row;
  }

  /** A joined participant as stored; one still being dialled with its call's progress (null once that call ended). */
  private async current(row: ParticipantRow): Promise<ParticipantRow | null> {
    if (row.status === 'connected') return row;
    const status = dialledStatus(await this.d.callStatus(row.call_sid));
    return status === null ? null : { ...row, status };
  }

  async updateParticipant(accountSid: string, conferenceSid: string, callSidOrLabel: string, u: ParticipantChanges): Promise<ParticipantRow> {
    const row = await this.participant(accountSid, conferenceSid, callSidOrLabel);
    if (row.status !== 'connected') throw notJoined(row);
    const conference = await this.find(accountSid, conferenceSid);
    const { announce, ...changes } = u;
    if (Object.keys(changes).length > 0) await this.apply(conference, { kind: 'update', conferenceSid, callSid: row.call_sid, changes });
    if (announce) await this.apply(conference, { kind: 'announce', conferenceSid, callSid: row.call_sid, doc: announce });
    return this.participant(accountSid, conferenceSid, row.call_sid);
  }

  /**
   * Dials `input.call.to` into the conference named by SID (it must exist) or by friendly name (it is made
   * when the call answers, as a caller's <Dial><Conference> would). The participant is `queued` until then.
   */
  async create(accountSid: string, conferenceSidOrName: string, input: DialOutInput): Promise<ParticipantRow> {
    let name = conferenceSidOrName;
    let conferenceSid: string;
    let room: Room | null | undefined;
    if (/^CF[0-9a-f]{32}$/.test(conferenceSidOrName)) {
      const row = await this.find(accountSid, conferenceSidOrName);
      if (row.status === 'completed') throw errors.invalidParameter('ConferenceSid', `conference ${row.sid} has ended`);
      name = row.friendly_name;
      conferenceSid = row.sid;
      room = this.d.runtime.live(row.sid);
    } else {
      const there = this.d.onOwner && !this.d.runtime.live(accountSid, name) ? await this.d.repo.findLive(accountSid, name) : undefined;
      if (there && there.node_id !== this.d.nodeId) {
        // Live on another node: the call joins it there (as a caller's <Dial><Conference> would).
        conferenceSid = there.sid;
      } else {
        // The room is made now, so the participant has its conference's SID at once.
        room = this.d.runtime.room(accountSid, name, { maxParticipants: input.settings.maxParticipants ?? 250 });
        if (room === null) throw errors.invalidParameter('ConferenceSid', `conference "${name}" is full`);
        conferenceSid = room.sid;
      }
    }
    const call = await this.d.call(accountSid, { ...input.call, twiml: conferenceTwiml(name, input.settings) });
    const s = input.settings;
    const state: ParticipantState = {
      conferenceSid,
      accountSid,
      callSid: call.sid,
      label: s.label ?? null,
      muted: s.muted ?? false,
      hold: false,
      callSidToCoach: s.coach ?? null,
      startConferenceOnEnter: s.startConferenceOnEnter !== false,
      endConferenceOnExit: s.endConferenceOnExit ?? false,
      status: 'queued',
      dateCreated: call.date_created,
      dateUpdated: call.date_updated,
    };
    if (room) {
      // Listed (and fetchable, by label too) while its call rings; gone again if that call ends unanswered.
      await this.d.runtime.expect(room, state);
      const done = this.d.callDone(call.sid);
      const abandon = () => this.d.runtime.abandoned(conferenceSid, call.sid);
      if (done) void done.then(abandon);
      // Already over (a busy callee answers fast), or placed by another node: then only the list hides it.
      else if (dialledStatus(await this.d.callStatus(call.sid)) === null) await abandon();
    }
    return {
      conference_sid: conferenceSid,
      call_sid: call.sid,
      account_sid: accountSid,
      label: state.label,
      muted: state.muted ? 1 : 0,
      hold: 0,
      call_sid_to_coach: state.callSidToCoach,
      start_conference_on_enter: state.startConferenceOnEnter ? 1 : 0,
      end_conference_on_exit: state.endConferenceOnExit ? 1 : 0,
      status: dialledStatus(call.status) ?? 'queued',
      date_created: call.date_created,
      date_updated: call.date_updated,
    };
  }

  async kick(accountSid: string, conferenceSid: string, callSidOrLabel: string): Promise<void> {
    const row = await this.participant(accountSid, conferenceSid, callSidOrLabel);
    // Not in yet: its call is hung up (canceled while it rings), so it never joins.
    if (row.status !== 'connected') return this.d.hangup(accountSid, row.call_sid, row.status === 'connecting' ? 'completed' : 'canceled');
    await this.apply(await this.find(accountSid, conferenceSid), { kind: 'kick', conferenceSid, callSid: row.call_sid });
  }

  /** Runs a change here, or on the node that runs the conference; 20001 (said plainly) when neither can. */
  private async apply(conference: ConferenceRow, c: OwnerChange): Promise<void> {
    if (await applyHere(this.d.runtime, c)) return;
    const owner = this.d.onOwner;
    if (owner && conference.node_id !== this.d.nodeId && (await owner(conference.node_id, c))) return;
    throw notHere(conference.sid);
  }
}

function notJoined(row: ParticipantRow): Error {
  return errors.invalidParameter('CallSid', `participant ${row.call_sid} is ${row.status}, not in the conference yet: update it once it has joined`);
}

function notHere(sid: string): Error {
  return errors.invalidParameter(
    'ConferenceSid',
    `conference ${sid} is not running on this node (it ended, or another node runs it): send the request to that node`,
  );
}
