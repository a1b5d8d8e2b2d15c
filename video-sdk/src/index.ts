// Switchboard's browser Video SDK. Its API mirrors twilio-video's (connect, Room, participants,
// publications, tracks with attach()) so an app's room code carries over; the wire protocol is
// Switchboard's own (twilio-video speaks Twilio's signalling, which this server does not implement).
import { TwilioError } from './emitter.js';
import { Room } from './room.js';
import { createLocalTracks, type LocalTrack } from './tracks.js';

export { Room } from './room.js';
export { LocalParticipant, RemoteParticipant, LocalTrackPublication, RemoteTrackPublication } from './participants.js';
export {
  createLocalTracks,
  createLocalAudioTrack,
  createLocalVideoTrack,
  LocalAudioTrack,
  LocalVideoTrack,
  RemoteAudioTrack,
  RemoteVideoTrack,
} from './tracks.js';
export { TwilioError } from './emitter.js';

export interface ConnectOptions {
  /** The room's name (or SID); a token whose grant names a room may leave it out. */
  name?: string;
  /** Capture and publish a microphone / camera (true, or constraints). Ignored when `tracks` is given. */
  audio?: boolean | MediaTrackConstraints;
  video?: boolean | MediaTrackConstraints;
  /** Tracks to publish instead of capturing new ones. */
  tracks?: LocalTrack[];
  preferredVideoCodecs?: (string | { codec: string })[];
  /** Send video as simulcast layers (the server picks one per subscriber). */
  simulcast?: boolean;
  iceServers?: RTCIceServer[];
  /** wss://host/video/v1/signal; by default the server this SDK was loaded from. */
  signalingUrl?: string;
  /** Disconnect when the page is hidden for good (pagehide), as twilio-video does. Default true. */
  disconnectOnPageHide?: boolean;
}

/** The signalling URL of the server that served this module (sdk.js is at /video/sdk.js). */
function defaultSignalingUrl(): string {
  const base = new URL('/video/v1/signal', import.meta.url);
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  return base.href;
}

/** Connects to a room with an access token, publishing the local tracks; resolves with the Room. */
export async function connect(token: string, options: ConnectOptions = {}): Promise<Room> {
  const tracks = options.tracks ?? (await createLocalTracks({ audio: options.audio ?? true, video: options.video ?? true }));
  const room = await Room.join(token, options.name, {
    signalingUrl: options.signalingUrl ?? defaultSignalingUrl(),
    iceServers: options.iceServers ?? [],
    simulcast: options.simulcast ?? false,
    preferredVideoCodecs: (options.preferredVideoCodecs ?? []).map((c) => (typeof c === 'string' ? c : c.codec)),
    reconnectMs: 15_000,
  });
  if (options.disconnectOnPageHide ?? true) {
    const leave = () => room.disconnect();
    window.addEventListener('pagehide', leave);
    room.once('disconnected', () => window.removeEventListener('pagehide', leave));
  }
  if (tracks.length > 0) {
    try {
      await room.localParticipant.publishTracks(tracks);
    } catch (err) {
      room.disconnect();
      throw err instanceof TwilioError ? err : new TwilioError(53405, `Media connection failed: ${(err as Error).message}`);
    }
  }
  return room;
}

export const version = '0.1.0-switchboard';
