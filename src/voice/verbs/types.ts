import type { AlertKind } from '../../core/errors.js';
import type { HttpMethod } from '../../twiml/index.js';
import type { DialVerb, EnqueueVerb } from '../../twiml/index.js';
import type { DialResult } from '../dial/types.js';
import type { EnqueueResult } from '../queues/types.js';
import type { CallLeg } from '../legs/types.js';
import type { CallStreams } from '../streams/call-streams.js';
import type { SpeechRecognizer } from '../speech/index.js';

/** What a verb tells the interpreter to do next. */
export type Outcome =
  | { kind: 'next' }
  /** Fetch another document (absolute URL) with the call's parameters plus `params`. */
  | { kind: 'redirect'; url: string; method: HttpMethod; params?: Record<string, string> }
  /** Run inline TwiML next (Switchboard's own documents, e.g. Verify's calls). */
  | { kind: 'inline'; twiml: string }
  | { kind: 'hangup' }
  /** Refuse the call without answering (only possible before it is answered). */
  | { kind: 'reject'; reason: 'busy' | 'rejected' };

export interface SavedRecording {
  sid: string;
  /** Twilio's RecordingUrl: no extension; apps append .wav or .mp3. */
  url: string;
  durationSeconds: number;
}

/**
 * Everything a verb may use. Verbs never see the session, SIP or the store: this keeps each verb a small
 * file testable with a fake.
 */
export interface CallControl {
  readonly callSid: string;
  readonly accountSid: string;
  readonly leg: CallLeg;
  /** Aborted when the call ends or is redirected from outside (Calls API update); waits must stop. */
  readonly signal: AbortSignal;
  /** The URL of the running document; null for inline TwiML. */
  readonly documentUrl: string | null;
  /** Whether the call has been answered (an inbound call is answered by its first verb other than Reject). */
  readonly answered: boolean;
  /** Set when Switchboard itself asked for the call (Verify): the document to run after a Gather got input. */
  readonly onGatherInput: string | null;
  answer(): Promise<void>;
  /** An absolute URL for `url` relative to the running document, or null when that is impossible. */
  resolve(url: string): string | null;
  alert(kind: AlertKind, detail: string, url?: string): Promise<void>;
  saveRecording(pcm: Int16Array, startedAt: number, statusCallback: { url: string; method: HttpMethod } | null): Promise<SavedRecording>;
  /**
   * Transcribes a kept recording (<Record transcribe>): resolves once the transcription is stored as
   * in-progress; the text and `callback` come later. Absent where there is no transcription service.
   */
  transcribe?(saved: SavedRecording, pcm: Int16Array, callback: { url: string; method: HttpMethod } | null): Promise<void>;
  /** A request whose answer is not run (Record's action after the caller hung up). */
  notify(url: string, method: HttpMethod, params: Record<string, string>): Promise<void>;
  /** <Dial>: rings its nouns and bridges the first to answer (voice/dial/); absent where calls cannot be placed. */
  dial?(verb: DialVerb): Promise<DialResult>;
  /** <Enqueue>: waits in the queue until the call leaves it (voice/queues/); absent where there are no queues. */
  enqueue?(verb: EnqueueVerb): Promise<EnqueueResult>;
  /** The call's Media Streams (<Connect>, <Start>, <Stop>); absent where the call has no media session. */
  streams?: Pick<CallStreams, 'start' | 'stop'>;
  /** Speech recognition for <Gather input="speech"> (voice/speech/); absent when none is configured. */
  speech?: SpeechRecognizer;
  /** Waits `ms`; resolves false early when the signal aborts. */
  sleep(ms: number): Promise<boolean>;
  now(): number;
}

export type VerbExecutor<V> = (verb: V, ctl: CallControl) => Promise<Outcome>;

export const NEXT: Outcome = { kind: 'next' };
