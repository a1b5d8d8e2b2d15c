// Participants and track publications, shaped like twilio-video's.
import { EventEmitter } from './emitter.js';
import type { MediaKind, ParticipantInfo, TrackInfo } from './protocol.js';
import type { LocalTrack, RemoteTrack } from './tracks.js';

export class LocalTrackPublication {
  constructor(
    readonly trackSid: string,
    readonly track: LocalTrack,
  ) {}
  get trackName(): string {
    return this.track.name;
  }
  get kind(): MediaKind {
    return this.track.kind;
  }
}

export class RemoteTrackPublication extends EventEmitter {
  track: RemoteTrack | null = null;
  constructor(
    readonly trackSid: string,
    readonly trackName: string,
    readonly kind: MediaKind,
  ) {
    super();
  }
  get isSubscribed(): boolean {
    return this.track !== null;
  }
}

abstract class Participant<P> extends EventEmitter {
  readonly tracks = new Map<string, P>();
  readonly audioTracks = new Map<string, P>();
  readonly videoTracks = new Map<string, P>();
  state: 'connected' | 'reconnecting' | 'disconnected' = 'connected';
  constructor(
    readonly sid: string,
    readonly identity: string,
  ) {
    super();
  }

  protected add(sid: string, kind: MediaKind, pub: P): void {
    this.tracks.set(sid, pub);
    (kind === 'audio' ? this.audioTracks : this.videoTracks).set(sid, pub);
  }

  protected drop(sid: string): P | undefined {
    const pub = this.tracks.get(sid);
    this.tracks.delete(sid);
    this.audioTracks.delete(sid);
    this.videoTracks.delete(sid);
    return pub;
  }
}

export class LocalParticipant extends Participant<LocalTrackPublication> {
  /** Set by the room: publishes (or unpublishes) through its publisher connection. */
  publisher: { publish(tracks: LocalTrack[]): Promise<LocalTrackPublication[]>; unpublish(track: LocalTrack): void } | null = null;

  published(pub: LocalTrackPublication): void {
    this.add(pub.trackSid, pub.kind, pub);
    this.emit('trackPublished', pub);
  }

  unpublished(trackSid: string): LocalTrackPublication | undefined {
    return this.drop(trackSid);
  }

  async publishTrack(track: LocalTrack): Promise<LocalTrackPublication> {
    if (!this.publisher) throw new Error('not connected');
    const [pub] = await this.publisher.publish([track]);
    if (!pub) throw new Error('the server did not accept the track');
    return pub;
  }

  async publishTracks(tracks: LocalTrack[]): Promise<LocalTrackPublication[]> {
    if (!this.publisher) throw new Error('not connected');
    return this.publisher.publish(tracks);
  }

  unpublishTrack(track: LocalTrack): LocalTrackPublication | null {
    const pub = [...this.tracks.values()].find((p) => p.track === track) ?? null;
    if (pub) this.publisher?.unpublish(track);
    return pub;
  }
}

export class RemoteParticipant extends Participant<RemoteTrackPublication> {
  static from(info: ParticipantInfo): RemoteParticipant {
    const p = new RemoteParticipant(info.sid, info.identity);
    for (const t of info.tracks) p.publication(t);
    return p;
  }

  /** The publication of a track, made when first heard of (its announcement and its media may come in either order). */
  publication(t: TrackInfo): RemoteTrackPublication {
    let pub = this.tracks.get(t.sid);
    if (!pub) {
      pub = new RemoteTrackPublication(t.sid, t.name, t.kind);
      this.add(t.sid, t.kind, pub);
      this.emit('trackPublished', pub);
    }
    return pub;
  }

  subscribed(pub: RemoteTrackPublication, track: RemoteTrack): void {
    pub.track = track;
    pub.emit('subscribed', track);
    this.emit('trackSubscribed', track, pub);
  }

  unsubscribed(pub: RemoteTrackPublication): RemoteTrack | null {
    const track = pub.track;
    if (!track) return null;
    pub.track = null;
    pub.emit('unsubscribed', track);
    this.emit('trackUnsubscribed', track, pub);
    return track;
  }

  unpublished(trackSid: string): RemoteTrackPublication | undefined {
    const pub = this.drop(trackSid);
    if (pub) this.emit('trackUnpublished', pub);
    return pub;
  }
}
