// The Room: signalling over one WebSocket, the participants, and the events twilio-video's Room emits.
import { EventEmitter, TwilioError } from './emitter.js';
import { Publisher, Subscriber, type MediaOptions } from './media.js';
import { LocalParticipant, LocalTrackPublication, RemoteParticipant } from './participants.js';
import type { ClientMessage, ServerMessage, TrackRef } from './protocol.js';
import { RemoteAudioTrack, RemoteVideoTrack, type LocalTrack } from './tracks.js';

export interface RoomOptions extends MediaOptions {
  signalingUrl: string;
  /** How long to keep trying to get the signalling connection back after it drops. */
  reconnectMs: number;
}

type State = 'connected' | 'reconnecting' | 'disconnected';

export class Room extends EventEmitter {
  sid = '';
  name = '';
  state: State = 'connected';
  isRecording = false;
  readonly participants = new Map<string, RemoteParticipant>();
  localParticipant!: LocalParticipant;
  /** @internal the peer connections, for getStats() and tests. */
  readonly publisher: Publisher;
  readonly subscriber: Subscriber;
  private ws: WebSocket | null = null;
  private resumeToken = '';
  private ended = false;

  private constructor(private readonly o: RoomOptions) {
    super();
    const send = (m: ClientMessage) => this.send(m);
    this.publisher = new Publisher(o, send);
    this.subscriber = new Subscriber(o, send, {
      trackAdded: (ref, mst) => this.trackAdded(ref, mst),
      trackRemoved: (ref) => this.trackRemoved(ref),
    });
  }

  /** Opens the signalling connection and joins; rejects with the server's TwilioError (20104, 53105...). */
  static async join(token: string, name: string | undefined, o: RoomOptions): Promise<Room> {
    const room = new Room(o);
    const first = await room.open({ type: 'connect', token, ...(name ? { room: name } : {}) });
    if (first.type !== 'connected') {
      room.teardown();
      throw first.type === 'error' ? new TwilioError(first.code, first.message) : new TwilioError(53000, 'Signaling connection error');
    }
    room.sid = first.room.sid;
    room.name = first.room.name;
    room.isRecording = first.room.recording;
    room.resumeToken = first.resumeToken;
    room.localParticipant = new LocalParticipant(first.participant.sid, first.participant.identity);
    room.localParticipant.publisher = {
      publish: (tracks) => room.publish(tracks),
      unpublish: (track) => room.unpublish(track),
    };
    for (const p of first.participants) room.participants.set(p.sid, RemoteParticipant.from(p));
    return room;
  }

  /** Opens a socket, sends the hello, resolves with the first answer (connected, resumed or error). */
  private open(hello: ClientMessage): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.o.signalingUrl);
      let settled = false;
      ws.onopen = () => ws.send(JSON.stringify(hello));
      ws.onerror = () => {
        if (!settled) {
          settled = true;
          reject(new TwilioError(53000, 'Signaling connection error'));
        }
      };
      ws.onclose = () => {
        if (!settled) {
          settled = true;
          reject(new TwilioError(53001, 'Signaling connection disconnected'));
          return;
        }
        if (this.ws === ws) this.lost();
      };
      ws.onmessage = (e) => {
        const msg = JSON.parse(String(e.data)) as ServerMessage;
        if (!settled) {
          settled = true;
          if (msg.type === 'connected' || msg.type === 'resumed') this.ws = ws;
          else ws.close();
          resolve(msg);
          return;
        }
        this.onMessage(msg);
      };
    });
  }

  private send(m: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  private onMessage(m: ServerMessage): void {
    switch (m.type) {
      case 'participant-connected': {
        const p = RemoteParticipant.from(m.participant);
        this.participants.set(p.sid, p);
        this.emit('participantConnected', p);
        return;
      }
      case 'participant-disconnected': {
        const p = this.participants.get(m.participantSid);
        if (!p) return;
        for (const pub of [...p.tracks.values()]) {
          const track = p.unsubscribed(pub);
          if (track) this.emit('trackUnsubscribed', track, pub, p);
          p.unpublished(pub.trackSid);
          this.emit('trackUnpublished', pub, p);
        }
        this.participants.delete(p.sid);
        p.state = 'disconnected';
        p.emit('disconnected', p);
        this.emit('participantDisconnected', p);
        return;
      }
      case 'participant-reconnecting':
      case 'participant-reconnected': {
        const p = this.participants.get(m.participantSid);
        if (!p) return;
        p.state = m.type === 'participant-reconnecting' ? 'reconnecting' : 'connected';
        const event = m.type === 'participant-reconnecting' ? 'participantReconnecting' : 'participantReconnected';
        p.emit(event === 'participantReconnecting' ? 'reconnecting' : 'reconnected', p);
        this.emit(event, p);
        return;
      }
      case 'track-published': {
        const p = this.participants.get(m.participantSid);
        if (p && !p.tracks.has(m.track.sid)) this.emit('trackPublished', p.publication(m.track), p);
        return;
      }
      case 'track-unpublished': {
        const p = this.participants.get(m.participantSid);
        const pub = p?.unpublished(m.trackSid);
        if (p && pub) this.emit('trackUnpublished', pub, p);
        return;
      }
      case 'publish-answer':
        return this.publisher.onAnswer(m.sdp, m.tracks);
      case 'publish-failed':
        return this.publisher.onFailed(new TwilioError(m.code, m.message));
      case 'offer':
        return this.subscriber.onOffer(m.sdp, m.slots);
      case 'disconnected':
        return this.end(m.code === null ? undefined : new TwilioError(m.code, m.message ?? ''));
      case 'error':
        this.emit('warning', new TwilioError(m.code, m.message));
        return;
      case 'connected':
      case 'resumed':
        return;
    }
  }

  private trackAdded(ref: TrackRef, mst: MediaStreamTrack): void {
    const p = this.participants.get(ref.publisherSid);
    if (!p) return;
    const pub = p.publication(ref);
    const setLayer = (layer: number | null) => this.send({ type: 'layer', trackSid: ref.sid, layer });
    const track =
      ref.kind === 'audio' ? new RemoteAudioTrack(ref.sid, 'audio', ref.name, mst, setLayer) : new RemoteVideoTrack(ref.sid, 'video', ref.name, mst, setLayer);
    p.subscribed(pub, track);
    this.emit('trackSubscribed', track, pub, p);
  }

  private trackRemoved(ref: TrackRef): void {
    const p = this.participants.get(ref.publisherSid);
    const pub = p?.tracks.get(ref.sid);
    if (!p || !pub) return;
    const track = p.unsubscribed(pub);
    if (track) this.emit('trackUnsubscribed', track, pub, p);
  }

  private async publish(tracks: LocalTrack[]): Promise<LocalTrackPublication[]> {
    const done = await this.publisher.publish(tracks);
    return done.map(({ track, sid }) => {
      const pub = new LocalTrackPublication(sid, track);
      this.localParticipant.published(pub);
      return pub;
    });
  }

  private unpublish(track: LocalTrack): void {
    const pub = [...this.localParticipant.tracks.values()].find((p) => p.track === track);
    if (!pub) return;
    this.localParticipant.unpublished(pub.trackSid);
    this.send({ type: 'unpublish', trackSid: pub.trackSid });
    this.publisher.unpublish(track);
  }

  /** The signalling socket dropped: media goes on while we try to resume within the reconnect window. */
  private lost(): void {
    this.ws = null;
    if (this.ended) return;
    this.state = 'reconnecting';
    this.emit('reconnecting', new TwilioError(53001, 'Signaling connection disconnected'));
    const deadline = Date.now() + this.o.reconnectMs;
    const attempt = async (): Promise<void> => {
      if (this.ended) return;
      try {
        const answer = await this.open({ type: 'resume', participantSid: this.localParticipant.sid, resumeToken: this.resumeToken });
        if (answer.type === 'resumed') {
          this.state = 'connected';
          this.emit('reconnected');
          return;
        }
        return this.end(new TwilioError(53001, 'Signaling connection disconnected'));
      } catch {
        if (Date.now() > deadline) return this.end(new TwilioError(53001, 'Signaling connection disconnected'));
        setTimeout(() => {
          void attempt();
        }, 1000);
      }
    };
    void attempt();
  }

  /** Leaves the room. */
  disconnect(): this {
    if (this.ended) return this;
    this.send({ type: 'leave' });
    this.end(undefined);
    return this;
  }

  private end(error: TwilioError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.state = 'disconnected';
    this.teardown();
    this.localParticipant.state = 'disconnected';
    this.emit('disconnected', this, error);
  }

  private teardown(): void {
    this.ended = true;
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    this.publisher.close();
    this.subscriber.close();
  }

  /** Receive statistics per remote track (a subset of twilio-video's StatsReport). */
  async getStats(): Promise<{ remoteVideoTrackStats: RemoteTrackStats[]; remoteAudioTrackStats: RemoteTrackStats[] }[]> {
    const report = await this.subscriber.pc.getStats();
    const byMid = new Map<string, string>();
    for (const t of this.subscriber.pc.getTransceivers()) {
      const sid = t.mid
        ? [...this.participants.values()].flatMap((p) => [...p.tracks.values()]).find((pub) => pub.track?.mediaStreamTrack === t.receiver.track)?.trackSid
        : undefined;
      if (t.mid && sid) byMid.set(t.mid, sid);
    }
    const video: RemoteTrackStats[] = [];
    const audio: RemoteTrackStats[] = [];
    report.forEach((s: RTCInboundRtpStreamStats & { mid?: string; type: string }) => {
      if (s.type !== 'inbound-rtp' || !s.mid || !byMid.has(s.mid)) return;
      const stats: RemoteTrackStats = {
        trackSid: byMid.get(s.mid)!,
        packetsReceived: s.packetsReceived ?? 0,
        packetsLost: s.packetsLost ?? 0,
        bytesReceived: s.bytesReceived ?? 0,
        framesDecoded: s.framesDecoded ?? 0,
        frameWidth: s.frameWidth ?? 0,
        frameHeight: s.frameHeight ?? 0,
        codec: null,
      };
      (s.kind === 'video' ? video : audio).push(stats);
    });
    return [{ remoteVideoTrackStats: video, remoteAudioTrackStats: audio }];
  }
}

export interface RemoteTrackStats {
  trackSid: string;
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number;
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
  codec: string | null;
}
