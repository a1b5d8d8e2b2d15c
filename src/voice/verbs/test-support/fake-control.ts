/** A CallControl and CallLeg that record what verbs do, for unit tests of single verbs. */
import type { AlertKind } from '../../../core/errors.js';
import { parseTwiml, type VoiceVerb } from '../../../twiml/index.js';
import { LegAudioError, type CallLeg, type LegPlayOptions, type PlayOutcome } from '../../legs/types.js';
import type { CallControl, SavedRecording } from '../types.js';

export class FakeLeg implements CallLeg {
  readonly kind = 'virtual' as const;
  readonly log: string[] = [];
  /** Keys pressed when a Gather/Record starts listening (one entry per listen). */
  keys: string[] = [];
  /** What the next recording returns. */
  recording: Int16Array = new Int16Array(0);
  playOutcome: PlayOutcome = 'finished';
  failUrls = new Set<string>();
  private listeners = new Set<(d: string) => void>();
  private frameFeed: ((f: Int16Array, n: number) => void) | null = null;
  private readonly audioListeners = new Set<(f: Int16Array, n: number) => void>();

  async say(text: string, _voice: string, language: string, o: LegPlayOptions): Promise<PlayOutcome> {
    this.log.push(`say:${text}:${language}:${o.loop}${o.interruptible ? ':i' : ''}`);
    return this.playOutcome;
  }
  async play(url: string, o: LegPlayOptions): Promise<PlayOutcome> {
    if (this.failUrls.has(url)) throw new LegAudioError('fetch', `HTTP 404 from ${url}`);
    this.log.push(`play:${url}:${o.loop}${o.interruptible ? ':i' : ''}`);
    return this.playOutcome;
  }
  async silence(ms: number, interruptible: boolean): Promise<PlayOutcome> {
    this.log.push(`silence:${ms}${interruptible ? ':i' : ''}`);
    return 'finished';
  }
  async beep(): Promise<void> {
    this.log.push('beep');
  }
  async sendDigits(d: string): Promise<void> {
    this.log.push(`digits:${d}`);
  }
  onDigit(l: (d: string) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  listening(kind: 'gather' | 'record'): void {
    this.log.push(`listening:${kind}`);
    const keys = this.keys.shift();
    if (keys)
      setTimeout(() => {
        for (const k of keys) this.press(k);
      }, 5);
  }
  press(key: string): void {
    for (const l of [...this.listeners]) l(key);
  }
  /** Feeds frames of the given level to a running recording (what a Record's silence detector sees). */
  feed(level: number, frames: number): void {
    const f = new Int16Array(160).fill(level);
    for (let i = 0; i < frames; i++) this.frameFeed?.(f, 160);
  }
  onAudio(l: (f: Int16Array, n: number) => void): () => void {
    this.audioListeners.add(l);
    this.log.push('audio:on');
    return () => {
      if (this.audioListeners.delete(l)) this.log.push('audio:off');
    };
  }
  /** Feeds frames of the given level to whoever hears the caller (a speech Gather). */
  speak(level: number, frames: number): void {
    const f = new Int16Array(160);
    for (let i = 0; i < 160; i++) f[i] = i % 2 === 0 ? level : -level;
    for (let i = 0; i < frames; i++) for (const l of [...this.audioListeners]) l(f, 160);
  }
  startRecording(_max: number, onFrame: (f: Int16Array, n: number) => void): void {
    this.log.push('record:start');
    this.frameFeed = onFrame;
  }
  stopRecording(): Int16Array {
    this.log.push('record:stop');
    this.frameFeed = null;
    return this.recording;
  }
  recordCall(): () => Int16Array {
    return () => new Int16Array(0);
  }
  stopAudio(): void {
    this.log.push('stop');
  }
  async close(): Promise<void> {}
}

export class FakeControl implements CallControl {
  readonly callSid = 'CA' + '0'.repeat(32);
  readonly accountSid = 'AC' + '0'.repeat(32);
  readonly leg = new FakeLeg();
  readonly alerts: Array<{ kind: AlertKind; detail: string }> = [];
  readonly notified: Array<{ url: string; params: Record<string, string> }> = [];
  readonly saved: Int16Array[] = [];
  readonly abort = new AbortController();
  answered = false;
  onGatherInput: string | null = null;
  dial?: CallControl['dial'];
  enqueue?: CallControl['enqueue'];
  speech?: CallControl['speech'];

  constructor(readonly documentUrl: string | null = 'https://app.example.com/ivr') {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }
  async answer(): Promise<void> {
    this.answered = true;
  }
  resolve(url: string): string | null {
    try {
      return new URL(url, this.documentUrl ?? undefined).toString();
    } catch {
      return null;
    }
  }
  async alert(kind: AlertKind, detail: string): Promise<void> {
    this.alerts.push({ kind, detail });
  }
  async saveRecording(pcm: Int16Array): Promise<SavedRecording> {
    this.saved.push(pcm);
    return { sid: 'RE' + '1'.repeat(32), url: 'https://sb.example/2010-04-01/Accounts/AC/Recordings/RE1', durationSeconds: Math.round(pcm.length / 8000) };
  }
  async notify(url: string, _m: 'GET' | 'POST', params: Record<string, string>): Promise<void> {
    this.notified.push({ url, params });
  }
  sleep(ms: number): Promise<boolean> {
    return new Promise((r) => setTimeout(() => r(true), ms));
  }
  now(): number {
    return Date.now();
  }
}

/** The one verb of a `<Response>` snippet, parsed the way the interpreter gets it. */
export function verb<V extends VoiceVerb['verb']>(xml: string, name: V): Extract<VoiceVerb, { verb: V }> {
  const parsed = parseTwiml(`<Response>${xml}</Response>`, { dialect: 'voice' });
  if (!parsed.ok) throw new Error(parsed.alert.message);
  const v = parsed.verbs[0];
  if (!v || v.verb !== name) throw new Error(`expected <${name}>`);
  return v as Extract<VoiceVerb, { verb: V }>;
}
