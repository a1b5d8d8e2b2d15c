/**
 * Conferences at run time on this node: the live rooms by (account, name) and by SID, the participants by
 * CallSid, and what the REST API asks of them (end, mute, hold, coach, announce, kick). The rows the REST
 * API lists are written through the store as rooms change. A conference lives on the node of its first
 * participant (its row's node_id); a participant whose call runs on another node joins it through a media
 * link between the nodes (conferences/remote.ts, voice/cross-node.ts) and is an ordinary participant here.
 */
import type { Clock } from '../../core/clock.js';
import { newSid } from '../../core/sid.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { ConferencesRepository } from '../../store/repositories/conferences.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { HttpMethod } from '../../twiml/index.js';
import type { WebhookDispatcher } from '../../webhooks/dispatcher.js';
import type { CallLeg } from '../legs/types.js';
import type { MediaSession } from '../media/index.js';
import type { RecordingsService } from '../recordings/service.js';
import { Participant, Room, type RoomDeps } from './room.js';
import type { ConferenceStore, JoinSettings, ParticipantState, ParticipantUpdate } from './types.js';

export type { ParticipantUpdate } from './types.js';
import type { WaitDeps } from './wait.js';

export interface ConferenceRuntimeDeps {
  repo: ConferencesRepository;
  jobs: JobQueue;
  webhooks: Pick<WebhookDispatcher, 'request' | 'job'>;
  recordings: Pick<RecordingsService, 'save'>;
  alert: WaitDeps['alert'];
  openNear: (near: MediaSession) => Promise<MediaSession>;
  loopbackHost: string;
  clock: Clock;
  nodeId: string;
  onError: (err: unknown) => void;
}

export class ConferenceRuntime {
  private readonly byName = new Map<string, Room>();
  private readonly bySid = new Map<string, Room>();
  private readonly byCall = new Map<string, { room: Room; p: Participant }>();
  private readonly roomDeps: RoomDeps;

  constructor(private readonly d: ConferenceRuntimeDeps) {
    const store: ConferenceStore = {
      saveConference: (c) =>
        d.repo.saveConference({
          sid: c.sid,
          account_sid: c.accountSid,
          friendly_name: c.friendlyName,
          status: c.status,
          region: c.region,
          reason_conference_ended: c.reasonEnded,
          call_sid_ending_conference: c.callSidEnding,
          node_id: c.nodeId,
          date_created: c.dateCreated,
          date_updated: c.dateUpdated,
        }),
      saveParticipant: (p) =>
        d.repo.saveParticipant({
          conference_sid: p.conferenceSid,
          call_sid: p.callSid,
          account_sid: p.accountSid,
          label: p.label,
          muted: p.muted ? 1 : 0,
          hold: p.hold ? 1 : 0,
          call_sid_to_coach: p.callSidToCoach,
          start_conference_on_enter: p.startConferenceOnEnter ? 1 : 0,
          end_conference_on_exit: p.endConferenceOnExit ? 1 : 0,
          status: p.status,
          date_created: p.dateCreated,
          date_updated: p.dateUpdated,
        }),
      removeParticipant: (conferenceSid, callSid) => d.repo.removeParticipant(conferenceSid, callSid),
      dropPending: (conferenceSid, callSid) => d.repo.dropPending(conferenceSid, callSid),
    };
    this.roomDeps = {
      store,
      openNear: d.openNear,
      loopbackHost: d.loopbackHost,
      wait: { webhooks: d.webhooks, alert: d.alert },
      notify: async (accountSid, conferenceSid, cb, params) => {
        const job = d.webhooks.job({
          accountSid,
          resourceSid: conferenceSid,
          purpose: 'conference-status',
          primary: { url: cb.url, method: cb.method },
          params,
        });
        await d.jobs.enqueue([job]);
      },
      saveRecording: async (room, by, pcm, startedAt, s) => {
        const callback = s.recordingCallback ? { url: s.recordingCallback.url, method: s.recordingCallback.method, events: s.recordingCallback.events } : null;
        await d.recordings.save(by, pcm, startedAt, 'Conference', callback, { conferenceSid: room.sid });
      },
      now: () => d.clock.now(),
      onError: d.onError,
      onEnded: (room) => {
        if (this.byName.get(key(room.accountSid, room.friendlyName)) === room) this.byName.delete(key(room.accountSid, room.friendlyName));
        this.bySid.delete(room.sid);
      },
    };
  }

  /** Conferences this node ran before a restart are over. */
  start(): Promise<void> {
    return this.d.repo.purgeNode(this.d.nodeId, this.d.clock.now());
  }

  get size(): number {
    return this.bySid.size;
  }

  /** The live room of this name (made when there is none); null when it is full. */
  room(accountSid: string, name: string, first: Pick<JoinSettings, 'maxParticipants'>): Room | null {
    let room = this.byName.get(key(accountSid, name));
    if (room === undefined || room.status === 'completed') {
      room = new Room(this.roomDeps, newSid('CF'), accountSid, name, this.d.nodeId, this.d.clock.now(), first);
      this.byName.set(key(accountSid, name), room);
      this.bySid.set(room.sid, room);
    }
    return room.full ? null : room;
  }

  /** A participant dialled through the API (not yet answered) is listed in `room` from now on. */
  expect(room: Room, state: ParticipantState): Promise<void> {
    return room.expect(state);
  }

  /** The dialled participant's call ended; if it never joined, it is no longer listed. */
  async abandoned(conferenceSid: string, callSid: string): Promise<void> {
    await this.bySid.get(conferenceSid)?.abandoned(callSid);
  }

  /** Puts a call's leg in the room; resolves once it is in (waiting or mixed). */
  async join(room: Room, call: () => CallRow, leg: CallLeg, settings: JoinSettings): Promise<Participant> {
    const p = new Participant(call, leg, settings, this.d.clock.now());
    this.byCall.set(p.callSid, { room, p });
    p.onGone(() => this.forget(p));
    await room.join(p);
    return p;
  }

  /** The participant's call is done with the conference (hung up, redirected, its Dial ended). */
  async leave(p: Participant): Promise<void> {
    const entry = this.byCall.get(p.callSid);
    this.forget(p);
    if (entry?.p === p) await entry.room.leave(p);
  }

  private forget(p: Participant): void {
    if (this.byCall.get(p.callSid)?.p === p) this.byCall.delete(p.callSid);
  }

  /** A live room by SID, or by account and friendly name. */
  live(conferenceSidOrAccount: string, name?: string): Room | undefined {
    if (name === undefined) return this.bySid.get(conferenceSidOrAccount);
    const room = this.byName.get(key(conferenceSidOrAccount, name));
    return room?.status === 'completed' ? undefined : room;
  }

  /** A participant of a live room on this node, by CallSid or label. */
  participant(conferenceSid: string, callSidOrLabel: string): { room: Room; p: Participant } | undefined {
    const room = this.bySid.get(conferenceSid);
    if (!room) return undefined;
    const p = room.participants.get(callSidOrLabel) ?? [...room.participants.values()].find((x) => x.settings.label === callSidOrLabel);
    return p ? { room, p } : undefined;
  }

  async end(conferenceSid: string): Promise<boolean> {
    const room = this.bySid.get(conferenceSid);
    if (!room) return false;
    await room.close();
    return true;
  }

  async update(conferenceSid: string, callSidOrLabel: string, u: ParticipantUpdate): Promise<boolean> {
    const found = this.participant(conferenceSid, callSidOrLabel);
    if (!found) return false;
    await found.room.update(found.p, u);
    return true;
  }

  async kick(conferenceSid: string, callSidOrLabel: string): Promise<boolean> {
    const found = this.participant(conferenceSid, callSidOrLabel);
    if (!found) return false;
    this.forget(found.p);
    await found.room.leave(found.p, true);
    return true;
  }

  /** An announcement to the whole conference (callSid null) or to one participant; false when not live here. */
  announce(conferenceSid: string, callSidOrLabel: string | null, doc: { url: string; method: HttpMethod }): boolean {
    const room = this.bySid.get(conferenceSid);
    if (!room) return false;
    const one = callSidOrLabel === null ? null : this.participant(conferenceSid, callSidOrLabel)?.p;
    if (one === undefined) return false;
    void room.announce(one, doc);
    return true;
  }
}

function key(accountSid: string, name: string): string {
  return `${accountSid}\u0000${name}`;
}
