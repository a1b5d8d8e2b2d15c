/**
 * The media engine's command/event interface: what the main thread asks of an engine thread (ToEngine)
 * and what comes back (FromEngine). Sessions are numbered by the main thread; `req` numbers match a reply
 * to the command that asked for it. Audio crosses as Int16Array/Uint8Array views: on shared memory it is
 * not copied at all, and what an engine hands back (recordings, tapped frames) is transferred.
 */
import type { G711Codec } from '../g711.js';
import type { DtmfSendOptions } from '../dtmf.js';
import type { PlayResult } from '../playback.js';
import type { RecordingSlot } from '../media-session.js';
import type { StreamReport, StreamSpec } from '../stream-tap.js';
import type { ThreadPriorityReport } from './thread-priority.js';

export interface EngineOpenOptions {
  host: string;
  port?: number;
  portRange?: { min: number; max: number };
  /** Strict RTP probation, or false for plain latching. */
  strict: { probation: number } | false;
}

export interface EngineWorkerData {
  /** Two float64 slots (source, ssrc) of strict-RTP drop counters, written by this engine alone. */
  drops: SharedArrayBuffer;
  /** Nice steps to run above the thread that started it (Linux keeps one per thread); 0 leaves it. */
  priorityBoost: number;
  /** SCHED_RR priority for the thread (thread-priority.ts); 0 asks for none. */
  realtime: number;
}

export type EngineAudio = Int16Array | { encoding: G711Codec; data: Uint8Array };

export type ToEngine =
  | { t: 'open'; id: number; options: EngineOpenOptions }
  | { t: 'remote'; id: number; host: string; port: number; signalHost: string | null }
  | { t: 'codec'; id: number; codec: G711Codec; dtmf: number | null }
  | { t: 'play'; id: number; req: number; audio: EngineAudio; loop: number; interrupt: boolean | string }
  | { t: 'stop-playback'; id: number }
  | { t: 'digits'; id: number; req: number; digits: string; options: DtmfSendOptions | null }
  | { t: 'record-start'; id: number; maxSeconds: number; which: RecordingSlot }
  | { t: 'record-stop'; id: number; req: number; which: RecordingSlot }
  | { t: 'tap'; id: number; on: boolean }
  /** Relay between two sessions of this engine (a <Dial> bridge); peer null ends it. */
  | { t: 'bridge'; id: number; peer: number | null }
  /** Session `id` in the conference mix homed on session `home` of this engine (mixer.ts), or out of it (null). */
  | { t: 'mix'; id: number; home: number | null; muted: boolean; hold: boolean; coach: number | null }
  /** A Media Stream on this session: its WebSocket runs on the engine, beside the call's RTP. */
  | { t: 'stream-start'; id: number; spec: StreamSpec }
  | { t: 'stream-stop'; id: number; sid: string }
  | { t: 'close'; id: number; req: number }
  /** Tests of crash containment: the engine throws from its event loop. */
  | { t: 'crash' };

export type FromEngine =
  | { t: 'opened'; id: number; port: number }
  | { t: 'open-failed'; id: number; message: string }
  | { t: 'done'; id: number; req: number; result: PlayResult | null }
  | { t: 'recorded'; id: number; req: number; pcm: Int16Array | null }
  | { t: 'digit'; id: number; digit: string; ms: number }
  | { t: 'digit-start'; id: number; digit: string }
  | { t: 'latched'; id: number; host: string; port: number }
  /** Received audio of a tapped session, several frames at once (`frame` samples each, the last maybe shorter). */
  | { t: 'audio'; id: number; pcm: Int16Array }
  | { t: 'stream'; id: number; sid: string; report: StreamReport }
  | { t: 'speaking'; id: number; on: boolean }
  /** Once a second: how late each tick sent its last frame (ms), and ticks dropped after stalls. */
  | { t: 'ticks'; lateness: Float64Array; count: number; skipped: number; sessions: number }
  /** At start, when a nice value was asked for: the one the thread runs at, or why it could not be set. */
  | ({ t: 'priority' } & ThreadPriorityReport)
  /** The warm-up at thread start failed (warm-up.ts): calls still run, their media may start less smoothly. */
  | { t: 'warm-up-failed'; message: string };
