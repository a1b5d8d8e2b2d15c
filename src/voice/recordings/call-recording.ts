/**
 * A recording of a live call started through the API (POST .../Calls/{CallSid}/Recordings): the call's own
 * party on channel 0 and the party it is bridged to on channel 1 (the media session's 'dial' slot, so a
 * <Dial record> on the same call takes the slot over). Paused is a cut: the audio so far is taken as a
 * segment and recording starts again on resume; PauseBehavior=silence puts the paused time back as
 * silence, skip leaves it out. Stopped, or the call ending, stores the Recording (source
 * StartCallRecordingAPI) with its callback; nothing audible is `absent`, as on Twilio.
 * https://www.twilio.com/docs/voice/api/recording#create-a-recording-resource
 */
import { errors } from '../../core/errors.js';
import { newSid } from '../../core/sid.js';
import type { CallRow } from '../../store/repositories/calls.js';
import { isSilent } from '../media/index.js';
import { channelOf, mixdown } from '../media/dial-recorder.js';
import type { MediaSession } from '../media/index.js';
import { trimSilence } from '../dial/recording.js';
import type { RecordingCallback, RecordingsService } from './service.js';

/** What a recording needs of the call's media: its <Dial> recording slot. */
export type RecordingMedia = Pick<MediaSession, 'startRecording' | 'takeRecording'>;

export type LiveRecordingStatus = 'in-progress' | 'paused' | 'stopped' | 'completed' | 'absent';
export type RecordingTrack = 'inbound' | 'outbound' | 'both';

export interface LiveRecordingOptions {
  channels: 1 | 2;
  track: RecordingTrack;
  trim: boolean;
  callback: RecordingCallback | null;
}

/** What the API shows of a recording still on its call (plain data: it may cross nodes). */
export interface LiveRecordingInfo {
  sid: string;
  accountSid: string;
  callSid: string;
  status: LiveRecordingStatus;
  channels: 1 | 2;
  track: RecordingTrack;
  startTime: number;
  dateCreated: number;
  dateUpdated: number;
  /** Seconds, once stored; -1 while recording (Twilio's value). */
  duration: number;
}

/** Four hours, the longest call recording Twilio keeps. */
const MAX_SECONDS = 14_400;
const THRESHOLD = 500;

export class CallRecording {
  readonly sid = newSid('RE');
  private status: LiveRecordingStatus = 'in-progress';
  private readonly startedAt: number;
  private updatedAt: number;
  private readonly segments: Int16Array[] = [];
  private pausedAt = 0;
  private silenceOnResume = true;
  private duration = -1;
  private finishing: Promise<void> | null = null;

  constructor(
    private readonly deps: Pick<RecordingsService, 'save' | 'notify'>,
    private readonly call: () => CallRow,
    private readonly media: RecordingMedia,
    private readonly opts: LiveRecordingOptions,
    private readonly now: () => number,
  ) {
    this.startedAt = this.updatedAt = now();
    media.startRecording(MAX_SECONDS, 'dial');
    const cb = opts.callback;
    if (cb) void deps.notify(call(), this.sid, 'in-progress', this.callbackInfo(cb)).catch(() => undefined);
  }

  get live(): boolean {
    return this.status === 'in-progress' || this.status === 'paused';
  }

  info(): LiveRecordingInfo {
    const c = this.call();
    return {
      sid: this.sid,
      accountSid: c.account_sid,
      callSid: c.sid,
      status: this.status,
      channels: this.opts.channels,
      track: this.opts.track,
      startTime: this.startedAt,
      dateCreated: this.startedAt,
      dateUpdated: this.updatedAt,
      duration: this.duration,
    };
  }

  async pause(behavior: 'skip' | 'silence'): Promise<void> {
    if (this.status !== 'in-progress') return;
    this.status = 'paused';
    this.pausedAt = this.updatedAt = this.now();
    this.silenceOnResume = behavior === 'silence';
    await this.takeSegment();
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.status = 'in-progress';
    this.updatedAt = this.now();
    this.addPausedSilence();
    this.media.startRecording(MAX_SECONDS, 'dial');
  }

  /** PauseBehavior=silence: the paused time, up to now, as silence (stereo, like the segments). */
  private addPausedSilence(): void {
    if (this.silenceOnResume) this.segments.push(new Int16Array(Math.round((this.updatedAt - this.pausedAt) * 8) * 2));
  }

  /** Stops (once) and stores the recording: Status=stopped, or the call ending. */
  stop(): Promise<void> {
    this.finishing ??= this.finish();
    return this.finishing;
  }

  private async takeSegment(): Promise<void> {
    const pcm = await this.media.takeRecording('dial');
    if (pcm) this.segments.push(pcm);
  }

  private async finish(): Promise<void> {
    const was = this.status;
    this.status = 'stopped';
    this.updatedAt = this.now();
    // Stopped while paused with silence: the pause lasted until now.
    if (was === 'paused') this.addPausedSilence();
    else await this.takeSegment();
    let pcm = this.shape(concat(this.segments));
    if (this.opts.trim) pcm = trimSilence(pcm, this.opts.channels);
    const cb = this.opts.callback;
    if (pcm.length < 800 * this.opts.channels || isSilent(pcm, THRESHOLD)) {
      this.status = 'absent';
      this.duration = 0;
      if (cb) await this.deps.notify(this.call(), this.sid, 'absent', this.callbackInfo(cb)).catch(() => undefined);
      return;
    }
    const saved = await this.deps.save(this.call(), pcm, this.startedAt, 'StartCallRecordingAPI', cb, {
      sid: this.sid,
      channels: this.opts.channels,
    });
    this.duration = saved.durationSeconds;
    this.status = 'completed';
    this.updatedAt = this.now();
  }

  /** Stereo (this party, the bridged party) to what was asked: both channels, or one track, or both mixed. */
  private shape(stereo: Int16Array): Int16Array {
    if (this.opts.channels === 2) return stereo;
    if (this.opts.track === 'inbound') return channelOf(stereo, 0);
    if (this.opts.track === 'outbound') return channelOf(stereo, 1);
    return mixdown(stereo);
  }

  private callbackInfo(callback: RecordingCallback) {
    return { startedAt: this.startedAt, source: 'StartCallRecordingAPI' as const, channels: this.opts.channels, callback };
  }
}

function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The API recordings of one call, kept with the call on the node that runs it. */
export class CallRecordings {
  private readonly all = new Map<string, CallRecording>();
  private latest: CallRecording | null = null;

  constructor(
    private readonly deps: Pick<RecordingsService, 'save' | 'notify'>,
    private readonly call: () => CallRow,
    private readonly media: RecordingMedia,
    private readonly now: () => number,
  ) {}

  /** One at a time: they share the media session's one slot (Twilio allows several; see docs/voice.md). */
  start(opts: LiveRecordingOptions): CallRecording {
    if (this.latest?.live) throw errors.callAlreadyRecording();
    const rec = new CallRecording(this.deps, this.call, this.media, opts, this.now);
    this.all.set(rec.sid, rec);
    this.latest = rec;
    return rec;
  }

  /** A recording by sid, `Twilio.CURRENT` being the latest one still recording or paused. */
  get(sid: string): CallRecording | null {
    if (sid === 'Twilio.CURRENT') return this.latest?.live ? this.latest : null;
    return this.all.get(sid) ?? null;
  }

  /** The call is ending: every recording still going is stopped and stored (each takes its audio at once). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.all.values()].filter((r) => r.live).map((r) => r.stop()));
  }
}
