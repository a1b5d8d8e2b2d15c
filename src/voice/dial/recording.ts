/**
 * <Dial record>: the bridged call recorded on the caller's media session, both parties (dial-recorder.ts).
 * record-from-ringing starts while the nouns ring (the caller only, until someone answers), record-from-answer
 * when the party is connected; the -dual variants keep two channels (parent call first, dialled party
 * second, as Twilio's dual-channel recordings do), the others mix both into one. It ends with the bridge; the
 * Recording (source DialVerb, on the parent call) is stored before the action is requested, which gets
 * RecordingUrl, RecordingSid and RecordingDuration. trim="trim-silence" cuts silence at both ends.
 * https://www.twilio.com/docs/voice/twiml/dial#record
 */
import { newSid } from '../../core/sid.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { DialVerb } from '../../twiml/index.js';
import { isSilent, rms } from '../media/index.js';
import { mixdown } from '../media/dial-recorder.js';
import type { MediaSession } from '../media/index.js';
import type { RecordingCallback, RecordingsService } from '../recordings/service.js';
import type { SavedRecording } from '../verbs/index.js';

export type DialRecordings = Pick<RecordingsService, 'save' | 'notify'>;

/** Loud enough to count as sound (the same level <Record> uses). */
const THRESHOLD = 500;
/** Shortest recording kept: 100 ms per channel. */
const SHORTEST = 800;

export class DialRecording {
  private readonly sid = newSid('RE');
  private startedAt: number | null = null;
  private taken: Promise<Int16Array | null> | null = null;
  readonly fromRinging: boolean;
  private readonly channels: 1 | 2;
  private readonly callback: RecordingCallback | null;

  /** null when the verb does not record. */
  static of(
    deps: DialRecordings,
    verb: DialVerb,
    parent: CallRow,
    media: MediaSession | undefined,
    resolve: (url: string) => string | null,
    now: () => number,
  ): DialRecording | null {
    if (verb.record === 'do-not-record' || !media) return null;
    return new DialRecording(deps, verb, parent, media, resolve, now);
  }

  private constructor(
    private readonly deps: DialRecordings,
    private readonly verb: DialVerb,
    private readonly parent: CallRow,
    private readonly media: MediaSession,
    resolve: (url: string) => string | null,
    private readonly now: () => number,
  ) {
    this.fromRinging = verb.record.startsWith('record-from-ringing');
    this.channels = verb.record.endsWith('-dual') ? 2 : 1;
    const url = verb.recordingStatusCallback === null ? null : resolve(verb.recordingStatusCallback);
    this.callback = url === null ? null : { url, method: verb.recordingStatusCallbackMethod, events: verb.recordingStatusCallbackEvent };
  }

  /** Starts recording (once); the in-progress callback goes out when asked for. */
  start(): void {
    if (this.startedAt !== null) return;
    this.startedAt = this.now();
    // Long enough for the ringing and the longest bridge timeLimit allows.
    this.media.startRecording(this.verb.timeout + this.verb.timeLimit, 'dial');
    if (this.callback) void this.deps.notify(this.parent, this.sid, 'in-progress', this.info(this.callback)).catch(() => undefined);
  }

  /**
   * Stops recording at once (synchronously asks for the audio): when the caller hung up, the caller's media
   * is closed right after, and the request must reach it first.
   */
  stop(): void {
    if (this.startedAt !== null && this.taken === null) this.taken = this.media.takeRecording('dial');
  }

  /** Stores the recording when the party was connected and something was heard; else `absent`. */
  async finish(bridged: boolean): Promise<SavedRecording | null> {
    if (this.startedAt === null) return null;
    this.stop();
    const stereo = await (this.taken ?? Promise.resolve(null));
    let pcm = stereo === null ? null : this.channels === 2 ? stereo : mixdown(stereo);
    if (pcm !== null && this.verb.trim === 'trim-silence') pcm = trimSilence(pcm, this.channels);
    const frames = pcm === null ? 0 : pcm.length / this.channels;
    if (!bridged || pcm === null || frames < SHORTEST || isSilent(pcm, THRESHOLD)) {
      if (this.callback) await this.deps.notify(this.parent, this.sid, 'absent', this.info(this.callback)).catch(() => undefined);
      return null;
    }
    return this.deps.save(this.parent, pcm, this.startedAt, 'DialVerb', this.callback, { sid: this.sid, channels: this.channels });
  }

  private info(callback: RecordingCallback) {
    return { startedAt: this.startedAt ?? this.now(), source: 'DialVerb' as const, channels: this.channels, callback };
  }
}

/** Cuts leading and trailing 20 ms frames where no channel is above the threshold, keeping 200 ms of each. */
export function trimSilence(pcm: Int16Array, channels: 1 | 2): Int16Array {
  const win = 160 * channels;
  const loud = (at: number): boolean => rms(pcm, win, at) >= THRESHOLD;
  let start = 0;
  while (start + win <= pcm.length && !loud(start)) start += win;
  if (start + win > pcm.length) return pcm.subarray(0, 0);
  let end = pcm.length - (pcm.length % win);
  while (end - win > start && !loud(end - win)) end -= win;
  const keep = 1600 * channels;
  return pcm.subarray(Math.max(0, start - keep), Math.min(pcm.length, end + keep));
}
