/**
 * A virtual phone's line: real RTP between the phone and the call, both on this server. The phone's own
 * session sends what its behavior says (speech through espeak-ng, WAV/MP3 fetched, tones, pauses, keys at
 * given times), keeps what it receives, and at the end reports what it heard (length, level, dominant
 * frequencies, RFC 4733 digits). The call's session is an ordinary call leg: verbs, recordings and
 * <Dial> bridges see the same media as with a SIP phone.
 */
import { dbfs, dominantFrequencies, silence, tone, type MediaSession } from '../media/index.js';
import { openRtp, type MediaOptions } from '../calls/sip-peers.js';
import type { AudioStep, TimedDigits } from './behavior.js';

export type NoteFn = (kind: string, detail: Record<string, unknown>) => void;

/** What the phone keeps to analyse: ten minutes (9.6 MB); later audio is not in the summary. */
const HEARD_SECONDS = 600;
/** Below this level the phone heard nothing worth naming frequencies for. */
const QUIET_DBFS = -55;

function loopback(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

export class PhoneLine {
  private readonly timers = new Set<NodeJS.Timeout>();
  private heardDigits = '';
  private started = false;
  private finished: Promise<void> | null = null;

  private constructor(
    readonly phone: MediaSession,
    readonly call: MediaSession,
    private readonly media: MediaOptions,
    private readonly note: NoteFn,
  ) {
    phone.on('digit', (d) => (this.heardDigits += d));
    phone.startRecording(HEARD_SECONDS, 'call');
  }

  /** Opens both ends; the call's end goes on `near`'s media thread (a <Dial> leg joins its parent's). */
  static async open(media: MediaOptions, note: NoteFn, near?: MediaSession): Promise<PhoneLine> {
    const phone = await openRtp(media);
    let call: MediaSession;
    try {
      call = await openRtp(media, near);
    } catch (err) {
      await phone.close();
      throw err;
    }
    const host = loopback(media.host);
    phone.setRemote(host, call.port);
    call.setRemote(host, phone.port);
    return new PhoneLine(phone, call, media, note);
  }

  /** The call is answered: the phone starts saying and pressing what its behavior lists. */
  start(audio: readonly AudioStep[], digitsAt: readonly TimedDigits[]): void {
    if (this.started || this.finished) return;
    this.started = true;
    for (const d of digitsAt) this.later(d.atSeconds * 1000, () => void this.phone.sendDigits(d.digits));
    if (audio.length) void this.speak(audio);
  }

  /** Keys for a <Gather> or <Record> that listens, pressed shortly after it starts. */
  press(keys: string): void {
    this.later(200, () => void this.phone.sendDigits(keys));
  }

  private async speak(audio: readonly AudioStep[]): Promise<void> {
    for (const step of audio) {
      if (this.finished) return;
      try {
        const pcm = await this.render(step);
        const result = await this.phone.play(pcm, { loop: step.kind === 'tone' && step.seconds === null ? 0 : 1 });
        if (result === 'stopped') return;
      } catch (err) {
        this.note('error', { step: step.kind, message: (err as Error).message });
      }
    }
  }

  private async render(step: AudioStep): Promise<Int16Array> {
    switch (step.kind) {
      case 'say':
        return this.media.tts.synthesize({ text: step.text, voice: 'alice', language: 'en-US' });
      case 'play':
        return this.media.audio.get(step.url);
      // A whole second of a whole-hertz tone loops without a click.
      case 'tone':
        return tone(step.hz, step.seconds === null ? 1000 : step.seconds * 1000);
      case 'pause':
        return silence(step.seconds * 1000);
    }
  }

  /** The call is over: note what the phone heard and close both ends (once). */
  finish(): Promise<void> {
    this.finished ??= (async () => {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      this.phone.stopPlayback();
      if (!this.started) {
        await Promise.all([this.phone.close(), this.call.close()]);
        return; // never answered: nothing to report
      }
      const heard = (await this.phone.takeRecording('call').catch(() => null)) ?? new Int16Array(0);
      const level = heard.length ? dbfs(heard) : -Infinity;
      this.note('heard', {
        seconds: Math.round(heard.length / 800) / 10,
        level_dbfs: Number.isFinite(level) ? Math.round(level) : null,
        frequencies: level > QUIET_DBFS ? dominantFrequencies(heard) : [],
        digits: this.heardDigits,
      });
      await Promise.all([this.phone.close(), this.call.close()]);
    })();
    return this.finished;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}
