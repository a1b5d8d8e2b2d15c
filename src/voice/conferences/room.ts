/**
 * One live conference on this node. Its mixer runs on one media engine thread, homed on a relay session
 * opened beside the first participant's media; a participant whose media runs on that thread is mixed
 * directly, one on another thread through a pair of relay sessions over loopback UDP (as queues link
 * calls). Until the conference starts (two participants, one of them with startConferenceOnEnter) each
 * participant hears the wait document or the hold music on its own leg; once started they are mixed.
 * Hold takes a participant out of the mix and plays the holdUrl document or the hold music on its leg.
 * Join and leave beeps play to the others. Every change is written to the store (the REST API reads it)
 * and reported to the conference's statusCallback with a SequenceNumber.
 */
import { rfc2822 } from '../../core/dates.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { HttpMethod } from '../../twiml/index.js';
import type { CallLeg } from '../legs/types.js';
import type { MediaSession } from '../media/index.js';
import { conferenceBeep } from './sounds.js';
import type { ConferenceCallback, ConferenceState, ConferenceStore, EndReason, JoinSettings, ParticipantState, ParticipantUpdate } from './types.js';
import { loopOnLeg, playDocument, type WaitDeps } from './wait.js';

export interface RoomDeps {
  store: ConferenceStore;
  openNear: (near: MediaSession) => Promise<MediaSession>;
  loopbackHost: string;
  wait: WaitDeps;
  /** Queues one status callback (a durable job). */
  notify: (accountSid: string, conferenceSid: string, cb: ConferenceCallback, params: Record<string, string>) => Promise<void>;
  /** Stores the conference's recording (record-from-start). */
  saveRecording: (room: Room, by: CallRow, pcm: Int16Array, startedAt: number, settings: JoinSettings) => Promise<void>;
  now: () => number;
  onError: (err: unknown) => void;
  /** The conference ended: forget it. */
  onEnded: (room: Room) => void;
}

/** The participant's beep setting after BeepOnExit (the Participants API): the join beep stays as it was. */
export function withBeepOnExit(beep: JoinSettings['beep'], onExit: boolean): JoinSettings['beep'] {
  const onEnter = beep === 'true' || beep === 'onEnter';
  if (onEnter) return onExit ? 'true' : 'onEnter';
  return onExit ? 'onExit' : 'false';
}

export class Participant {
  muted: boolean;
  hold = false;
  coach: string | null;
  readonly joinedAt: number;
  /** The session in the mix: the leg's media, or the relay beside the mixer. */
  port: MediaSession | null = null;
  private relay: { near: MediaSession; far: MediaSession } | null = null;
  /** Audio the participant hears on its own leg (wait, hold): aborted when it is mixed again. */
  private own: AbortController | null = null;
  private goneListeners: Array<() => void> = [];
  left = false;
  holdDoc: { url: string; method: HttpMethod } | null = null;

  constructor(
    readonly call: () => CallRow,
    readonly leg: CallLeg,
    readonly settings: JoinSettings,
    now: number,
  ) {
    this.muted = settings.muted;
    this.coach = settings.coach;
    this.joinedAt = now;
  }

  get callSid(): string {
    return this.call().sid;
  }

  onGone(cb: () => void): void {
    if (this.left) queueMicrotask(cb);
    else this.goneListeners.push(cb);
  }

  /** Taken out by the conference (kicked, or the conference ended). */
  gone(): void {
    const listeners = this.goneListeners;
    this.goneListeners = [];
    for (const cb of listeners) cb();
  }

  /** Plays wait or hold audio on the leg, unmixed; replaces whatever it played before. */
  playOwn(d: WaitDeps, doc: { url: string; method: HttpMethod } | null | 'silent', params: Record<string, string>): void {
    this.stopOwn();
    if (doc === 'silent') return;
    const own = new AbortController();
    this.own = own;
    // A remote participant's leg relays the mix: unbridged, its own audio is heard.
    if (this.relay) this.leg.media?.bridge(null);
    void loopOnLeg(d, this.call(), this.leg, doc, params, own.signal);
  }

  stopOwn(): void {
    const own = this.own;
    this.own = null;
    own?.abort();
    if (own) this.leg.stopAudio();
    if (this.relay) this.leg.media?.bridge(this.relay.near);
  }

  /** Puts the leg's media in the mix homed on `home` (a relay pair when it runs on another thread). */
  async attach(home: MediaSession, openNear: (near: MediaSession) => Promise<MediaSession>, loopbackHost: string): Promise<boolean> {
    const media = this.leg.media;
    if (!media || this.left) return false;
    if (media.mix(home, { muted: this.muted, hold: true, coach: null })) {
      this.port = media;
      return true;
    }
    const [near, far] = await Promise.all([openNear(media), openNear(home)]);
    for (const r of [near, far]) r.setCodec('PCMU', 101);
    near.setRemote(loopbackHost, far.port);
    far.setRemote(loopbackHost, near.port);
    if (this.left || !far.mix(home, { muted: this.muted, hold: true, coach: null }) || !media.bridge(near)) {
      void near.close();
      void far.close();
      return false;
    }
    this.relay = { near, far };
    this.port = far;
    return true;
  }

  /** Plays a document once on the leg, unmixed (an announcement); true when it could be played. */
  async playOnce(d: WaitDeps, doc: { url: string; method: HttpMethod }, signal: AbortSignal): Promise<boolean> {
    this.stopOwn();
    if (this.relay) this.leg.media?.bridge(null);
    const ok = await playDocument(d, this.call(), this.leg, doc, {}, signal);
    if (this.relay && !this.left) this.leg.media?.bridge(this.relay.near);
    return ok;
  }

  detach(): void {
    this.stopOwn();
    this.port?.mix(null);
    this.port = null;
    const relay = this.relay;
    this.relay = null;
    if (relay) {
      this.leg.media?.bridge(null);
      void relay.near.close();
      void relay.far.close();
    }
  }
}

export class Room {
  status: ConferenceState['status'] = 'init';
  readonly participants = new Map<string, Participant>();
  private home: MediaSession | null = null;
  private homing: Promise<MediaSession | null> | null = null;
  private seq = 0;
  private callback: ConferenceCallback | null = null;
  readonly maxParticipants: number;
  private recording: { startedAt: number; by: Participant } | null = null;
  /** Changes run one after another, so events and the store see them in order. */
  private chain: Promise<void> = Promise.resolve();
  private updated: number;
  private reason: EndReason | null = null;
  private endedBy: string | null = null;
  /** Participants dialled through the API whose call has not joined yet (listed as queued, ringing...). */
  private readonly pending = new Set<string>();

  constructor(
    private readonly d: RoomDeps,
    readonly sid: string,
    readonly accountSid: string,
    readonly friendlyName: string,
    readonly nodeId: string,
    readonly created: number,
    first: Pick<JoinSettings, 'maxParticipants'>,
  ) {
    this.maxParticipants = first.maxParticipants;
    this.updated = created;
  }

  get state(): ConferenceState {
    return {
      sid: this.sid,
      accountSid: this.accountSid,
      friendlyName: this.friendlyName,
      status: this.status,
      region: 'us1',
      reasonEnded: this.reason,
      callSidEnding: this.endedBy,
      nodeId: this.nodeId,
      dateCreated: this.created,
      dateUpdated: this.updated,
    };
  }

  get full(): boolean {
    return this.participants.size >= this.maxParticipants;
  }

  /** Runs `fn` after every change before it (errors are logged, never break the chain). */
  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn).catch(this.d.onError);
    this.chain = next;
    return next;
  }

  /** A participant dialled through the API: listed (and fetchable) from now on, while its call rings. */
  expect(state: ParticipantState): Promise<void> {
    return this.serial(async () => {
      if (this.status === 'completed' || this.participants.has(state.callSid)) return;
      this.pending.add(state.callSid);
      await this.saveConference();
      await this.d.store.saveParticipant(state);
    });
  }

  /**
   * The call of a participant dialled through the API ended before it joined (busy, no answer, failed,
   * canceled): it is no longer listed. A conference nobody ever joined ends with it.
   */
  abandoned(callSid: string): Promise<void> {
    return this.serial(async () => {
      if (!this.pending.delete(callSid)) return;
      await this.d.store.dropPending(this.sid, callSid);
      if (this.status === 'init' && this.participants.size === 0 && this.pending.size === 0) await this.end('last-participant-left', null);
    });
  }

  join(p: Participant): Promise<void> {
    return this.serial(async () => {
      this.pending.delete(p.callSid);
      if (this.status === 'completed') {
        p.left = true;
        return p.gone();
      }
      this.participants.set(p.callSid, p);
      if (this.callback === null && p.settings.callback !== null) this.callback = p.settings.callback;
      if (this.participants.size === 1) await this.saveConference();
      await this.d.store.saveParticipant(this.participantState(p));
      await this.event('join', 'participant-join', p);
      if (this.status === 'in-progress') {
        await this.mixIn(p);
        this.beep(p, 'enter');
        return;
      }
      p.playOwn(this.d.wait, p.settings.wait, this.waitParams());
      const starter = [...this.participants.values()].some((x) => x.settings.startConferenceOnEnter);
      if (this.participants.size >= 2 && starter) await this.start(p);
    });
  }

  private async start(by: Participant): Promise<void> {
    this.status = 'in-progress';
    this.updated = this.d.now();
    await this.saveConference();
    await this.event('start', 'conference-start', null);
    for (const p of this.participants.values()) await this.mixIn(p);
    const recorder = [...this.participants.values()].find((p) => p.settings.record) ?? (by.settings.record ? by : null);
    if (recorder && this.home) {
      this.home.startRecording(4 * 3600, 'conference');
      this.recording = { startedAt: this.d.now(), by: recorder };
    }
    this.beep(by, 'enter');
  }

  private async homeNear(media: MediaSession): Promise<MediaSession | null> {
    this.homing ??= this.d.openNear(media).then(
      (s) => (this.home = s),
      (err: unknown) => {
        this.d.onError(err);
        return null;
      },
    );
    return this.homing;
  }

  /** Into the mix: wait audio stops, the media joins the mixer with its settings. */
  private async mixIn(p: Participant): Promise<void> {
    const media = p.leg.media;
    if (!media || p.left) return;
    const home = await this.homeNear(media);
    if (!home) return;
    if (p.port === null && !(await p.attach(home, this.d.openNear, this.d.loopbackHost))) {
      await this.d.wait.alert(p.call(), 'voiceCallFailed', 'the participant could not be connected to the conference mixer');
      return;
    }
    if (!p.hold) p.stopOwn();
    this.applyMix();
  }

  /** Every participant's mix settings (a coach's target is looked up by its CallSid). */
  private applyMix(): void {
    const home = this.home;
    if (!home || this.status !== 'in-progress') return;
    for (const p of this.participants.values()) {
      if (!p.port) continue;
      const target = p.coach === null ? null : (this.participants.get(p.coach)?.port ?? null);
      p.port.mix(home, { muted: p.muted, hold: p.hold, coach: target });
    }
  }

  /** The participant leaves (hung up, kicked, redirected); `kicked` through the API. */
  leave(p: Participant, kicked = false): Promise<void> {
    return this.serial(async () => {
      if (p.left || this.participants.get(p.callSid) !== p) return;
      p.left = true;
      this.participants.delete(p.callSid);
      p.detach();
      await this.d.store.removeParticipant(this.sid, p.callSid);
      await this.event('leave', 'participant-leave', p);
      if (kicked) p.gone();
      if (this.status === 'completed') return;
      this.beep(p, 'exit');
      if (p.settings.endConferenceOnExit) {
        await this.end(kicked ? 'participant-with-end-conference-on-exit-kicked' : 'participant-with-end-conference-on-exit-left', p.callSid);
      } else if (this.participants.size === 0) {
        await this.end(kicked ? 'last-participant-kicked' : 'last-participant-left', p.callSid);
      } else this.applyMix();
    });
  }

  /** Ends the conference for everyone (already inside the chain). */
  private async end(reason: EndReason, by: string | null): Promise<void> {
    if (this.status === 'completed') return;
    this.status = 'completed';
    this.reason = reason;
    this.endedBy = by;
    this.updated = this.d.now();
    const rec = this.recording;
    this.recording = null;
    const pcm = rec && this.home ? this.home.takeRecording('conference') : null;
    for (const p of [...this.participants.values()]) {
      p.left = true;
      this.participants.delete(p.callSid);
      p.detach();
      await this.d.store.removeParticipant(this.sid, p.callSid);
      await this.event('leave', 'participant-leave', p);
      p.gone();
    }
    // Dialled participants still ringing are not in it any more (their call joins a new room of the name if answered).
    for (const callSid of [...this.pending]) await this.d.store.dropPending(this.sid, callSid);
    this.pending.clear();
    await this.saveConference();
    await this.event('end', 'conference-end', null, { ReasonConferenceEnded: reason, ...(by ? { CallSidEndingConference: by } : {}) });
    if (rec && pcm) {
      const audio = await pcm;
      if (audio && audio.length > 0) await this.d.saveRecording(this, rec.by.call(), audio, rec.startedAt, rec.by.settings);
    }
    void this.home?.close();
    this.home = null;
    this.d.onEnded(this);
  }

  /** Status=completed through the API. */
  close(): Promise<void> {
    return this.serial(() => this.end('conference-ended-via-api', null));
  }

  /** Participants API update: mute, hold (with holdUrl), coaching, endConferenceOnExit. */
  update(p: Participant, u: ParticipantUpdate): Promise<void> {
    return this.serial(async () => {
      if (p.left) return;
      if (u.endConferenceOnExit !== undefined) p.settings.endConferenceOnExit = u.endConferenceOnExit;
      if (u.beepOnExit !== undefined) p.settings.beep = withBeepOnExit(p.settings.beep, u.beepOnExit);
      if (u.wait !== undefined) {
        p.settings.wait = u.wait;
        // Waiting now: the new document plays at once (from its start).
        if (this.status === 'init' && !p.hold) p.playOwn(this.d.wait, u.wait, this.waitParams());
      }
      if (u.holdDoc !== undefined) p.holdDoc = u.holdDoc;
      if (u.coach !== undefined) p.coach = u.coach;
      const muteChanged = u.muted !== undefined && u.muted !== p.muted;
      const holdChanged = u.hold !== undefined && u.hold !== p.hold;
      if (u.muted !== undefined) p.muted = u.muted;
      if (u.hold !== undefined) p.hold = u.hold;
      if (holdChanged && this.status === 'in-progress') {
        if (p.hold) p.playOwn(this.d.wait, p.holdDoc, this.waitParams());
        else p.stopOwn();
      }
      this.applyMix();
      await this.d.store.saveParticipant(this.participantState(p));
      if (muteChanged) await this.event('mute', p.muted ? 'participant-mute' : 'participant-unmute', p);
      if (holdChanged) await this.event('hold', p.hold ? 'participant-hold' : 'participant-unhold', p);
      if (u.coach !== undefined || u.endConferenceOnExit !== undefined) await this.event('modify', 'participant-modify', p);
    });
  }

  /** A participant started or stopped speaking (the mixer's speaker detection). */
  speaking(p: Participant, on: boolean): void {
    if (p.left) return;
    void this.serial(() => this.event('speaker', on ? 'participant-speech-start' : 'participant-speech-stop', p));
  }

  /** An announcement (announceUrl) to one participant, or to all when `to` is null. */
  announce(to: Participant | null, doc: { url: string; method: HttpMethod }): Promise<void> {
    const targets = to ? [to] : [...this.participants.values()];
    return this.serial(async () => {
      const results = await Promise.all(
        targets.map(async (p) => {
          if (p.left) return true;
          const ctl = new AbortController();
          p.onGone(() => ctl.abort());
          const ok = await p.playOnce(this.d.wait, doc, ctl.signal);
          if (!p.left) {
            if (p.hold) p.playOwn(this.d.wait, p.holdDoc, this.waitParams());
            else p.stopOwn();
          }
          return ok;
        }),
      );
      await this.event('announcement', results.every(Boolean) ? 'announcement-end' : 'announcement-fail', to);
    });
  }

  private beep(who: Participant, when: 'enter' | 'exit'): void {
    const b = who.settings.beep;
    if (b === 'false' || (b === 'onEnter' && when === 'exit') || (b === 'onExit' && when === 'enter')) return;
    if (this.status !== 'in-progress') return;
    const sound = conferenceBeep(when);
    for (const p of this.participants.values()) {
      if (p !== who && !p.hold && p.port) void p.port.play(sound);
    }
  }

  private waitParams(): Record<string, string> {
    return { ConferenceSid: this.sid, FriendlyName: this.friendlyName };
  }

  private async saveConference(): Promise<void> {
    await this.d.store.saveConference(this.state);
  }

  private participantState(p: Participant): ParticipantState {
    return {
      conferenceSid: this.sid,
      accountSid: this.accountSid,
      callSid: p.callSid,
      label: p.settings.label,
      muted: p.muted,
      hold: p.hold,
      callSidToCoach: p.coach,
      startConferenceOnEnter: p.settings.startConferenceOnEnter,
      endConferenceOnExit: p.settings.endConferenceOnExit,
      status: 'connected',
      dateCreated: p.joinedAt,
      dateUpdated: this.d.now(),
    };
  }

  /** One status callback, when the conference's statusCallbackEvent asks for `kind`. */
  private async event(kind: ConferenceCallback['events'][number], name: string, p: Participant | null, extra: Record<string, string> = {}): Promise<void> {
    const cb = this.callback;
    if (cb === null) return;
    if (!cb.events.includes(kind)) return;
    this.seq++;
    const params: Record<string, string> = {
      AccountSid: this.accountSid,
      ConferenceSid: this.sid,
      FriendlyName: this.friendlyName,
      StatusCallbackEvent: name,
      SequenceNumber: String(this.seq),
      Timestamp: rfc2822(this.d.now()) ?? '',
      ...extra,
    };
    if (p) {
      Object.assign(params, {
        CallSid: p.callSid,
        Muted: String(p.muted),
        Hold: String(p.hold),
        Coaching: String(p.coach !== null),
        EndConferenceOnExit: String(p.settings.endConferenceOnExit),
        StartConferenceOnEnter: String(p.settings.startConferenceOnEnter),
      });
      if (p.coach !== null) params.CallSidToCoach = p.coach;
      if (p.settings.label !== null) params.ParticipantLabel = p.settings.label;
    }
    await this.d.notify(this.accountSid, this.sid, cb, params);
  }
}
