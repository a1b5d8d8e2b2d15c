/**
 * Messages between the main thread (signalling, rooms, the store) and an SFU worker thread (a room's peer
 * connections and RTP forwarding). Only signalling crosses threads: media stays inside the worker that
 * hosts the room, so forwarding costs no copy between threads.
 */
export type MediaKind = 'audio' | 'video';

/** A track a client announces with its publish offer: which m-line (mid) carries it. */
export interface PublishDesc {
  mid: string;
  kind: MediaKind;
  name: string;
  /** The SID the main thread gave it (MT...). */
  sid: string;
  /** Simulcast rids, lowest quality first (empty without simulcast). */
  rids: string[];
}

export interface TrackRef {
  sid: string;
  kind: MediaKind;
  name: string;
  publisherSid: string;
}

/** One m-line of a subscribe offer and the track it carries (null when the m-line is idle). */
export interface SubscribeSlot {
  mid: string;
  track: TrackRef | null;
}

export interface WorkerOptions {
  /** Extra host candidate addresses (127.0.0.1 on loopback, a public IPv4 behind 1:1 NAT). */
  announce: string[];
  /** Gather on loopback only (the server is bound to loopback). */
  loopbackOnly: boolean;
  portRange: [number, number] | undefined;
  /** Where recordings are written (absolute). */
  recordingsDir: string;
  /** Cap on what a publisher is asked to send per video track (REMB), bits per second. */
  maxPublishBitrate: number;
}

export type ToWorker =
  | { t: 'join'; room: string; participant: string }
  | { t: 'publish'; participant: string; sdp: string; tracks: PublishDesc[] }
  | { t: 'answer'; participant: string; sdp: string }
  | { t: 'unpublish'; participant: string; trackSid: string }
  | { t: 'leave'; participant: string }
  | { t: 'layer'; participant: string; trackSid: string; layer: number | null }
  | { t: 'record'; participant: string; trackSid: string; recordingSid: string; file: string }
  | { t: 'close-room'; room: string }
  | { t: 'stats'; id: number };

export interface RecordingResult {
  recordingSid: string;
  room: string;
  ok: boolean;
  size: number;
  durationMs: number;
  error?: string;
}

export interface WorkerStats {
  rooms: number;
  participants: number;
  publishedTracks: number;
  forwardedStreams: number;
  packetsIn: number;
  packetsOut: number;
  bytesOut: number;
  nacksIn: number;
  plisIn: number;
  /** UDP sockets open in the worker (two connections per participant share one each with BUNDLE). */
  udpSockets: number;
  /** Share of time the worker's event loop was busy since the previous stats call (0..1). */
  eventLoopUtilization: number;
}

export type FromWorker =
  | { t: 'publish-answer'; participant: string; sdp: string; codecs: Record<string, string> }
  | { t: 'publish-failed'; participant: string; code: number; message: string }
  | { t: 'offer'; participant: string; sdp: string; slots: SubscribeSlot[] }
  | { t: 'subscribed'; participant: string; track: TrackRef }
  | { t: 'unsubscribed'; participant: string; trackSid: string }
  | { t: 'media-state'; participant: string; state: 'connected' | 'failed' }
  | { t: 'recording-done'; result: RecordingResult }
  | { t: 'stats'; id: number; stats: WorkerStats }
  | { t: 'log'; level: 'warn' | 'error'; message: string };
