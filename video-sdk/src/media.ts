// The two peer connections of a participant: the publisher (offered by us, carries our tracks up) and
// the subscriber (offered by the server whenever the set of tracks we receive changes).
import type { ClientMessage, MediaKind, SubscribeSlot, TrackRef } from './protocol.js';
import type { LocalTrack } from './tracks.js';

export interface MediaOptions {
  iceServers: RTCIceServer[];
  /** Send video as three simulcast layers (q, h, f), so the server can give each subscriber what fits. */
  simulcast: boolean;
  /** Codec order for published video, e.g. ['H264'] or ['VP8'] (twilio-video's option of the same name). */
  preferredVideoCodecs: string[];
}

/** Resolves once ICE gathering is complete, or after `ms` (then trickle-less SDP carries what was found). */
function gathered(pc: RTCPeerConnection, ms = 3000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      pc.removeEventListener('icegatheringstatechange', check);
      clearTimeout(t);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const t = setTimeout(done, ms);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

const RIDS = ['q', 'h', 'f'];

export class Publisher {
  readonly pc: RTCPeerConnection;
  /** Our tracks by their MediaStreamTrack, for the names announced with each offer. */
  private readonly named = new Map<MediaStreamTrack, LocalTrack>();
  private queue: Promise<unknown> = Promise.resolve();
  private answer: ((a: { sdp: string; tracks: { mid: string; sid: string }[] }) => void) | null = null;
  private fail: ((e: Error) => void) | null = null;

  constructor(
    private readonly o: MediaOptions,
    private readonly send: (m: ClientMessage) => void,
  ) {
    this.pc = new RTCPeerConnection({ iceServers: o.iceServers, bundlePolicy: 'max-bundle' });
  }

  /** Adds tracks and renegotiates; resolves with the SID of each added track. */
  publish(tracks: LocalTrack[]): Promise<{ track: LocalTrack; sid: string }[]> {
    const run = this.queue.then(async () => {
      const added: RTCRtpTransceiver[] = [];
      for (const track of tracks) {
        this.named.set(track.mediaStreamTrack, track);
        const simulcast = this.o.simulcast && track.kind === 'video';
        const t = this.pc.addTransceiver(track.mediaStreamTrack, {
          direction: 'sendonly',
          sendEncodings: simulcast ? RIDS.map((rid, i) => ({ rid, scaleResolutionDownBy: 2 ** (RIDS.length - 1 - i) })) : undefined,
        });
        if (track.kind === 'video') this.preferCodecs(t);
        added.push(t);
      }
      const result = await this.negotiate();
      return added.map((t, i) => ({ track: tracks[i]!, sid: result.get(t.mid ?? '') ?? '' })).filter((r) => r.sid !== '');
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  unpublish(track: LocalTrack): void {
    const t = this.pc.getTransceivers().find((x) => x.sender.track === track.mediaStreamTrack);
    if (!t) return;
    this.pc.removeTrack(t.sender);
    this.named.delete(track.mediaStreamTrack);
    this.queue = this.queue.then(() => this.negotiate()).catch(() => undefined);
  }

  private preferCodecs(t: RTCRtpTransceiver): void {
    const caps = RTCRtpSender.getCapabilities?.('video');
    if (!caps || this.o.preferredVideoCodecs.length === 0 || typeof t.setCodecPreferences !== 'function') return;
    const rank = (c: { mimeType: string }) => {
      const i = this.o.preferredVideoCodecs.findIndex((p) => c.mimeType.toUpperCase() === `VIDEO/${p.toUpperCase()}`);
      return i < 0 ? this.o.preferredVideoCodecs.length : i;
    };
    t.setCodecPreferences([...caps.codecs].sort((a, b) => rank(a) - rank(b)));
  }

  private async negotiate(): Promise<Map<string, string>> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await gathered(this.pc);
    const tracks: { mid: string; kind: MediaKind; name: string; rids?: string[] }[] = [];
    for (const t of this.pc.getTransceivers()) {
      const track = t.sender.track;
      if (!t.mid || !track || t.currentDirection === 'stopped' || t.direction === 'inactive') continue;
      const simulcast = this.o.simulcast && track.kind === 'video';
      tracks.push({ mid: t.mid, kind: track.kind as MediaKind, name: this.named.get(track)?.name ?? track.id, ...(simulcast ? { rids: RIDS } : {}) });
    }
    const answer = await new Promise<{ sdp: string; tracks: { mid: string; sid: string }[] }>((resolve, reject) => {
      this.answer = resolve;
      this.fail = reject;
      this.send({ type: 'publish', sdp: this.pc.localDescription!.sdp, tracks });
    });
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    return new Map(answer.tracks.map((t) => [t.mid, t.sid]));
  }

  onAnswer(sdp: string, tracks: { mid: string; sid: string }[]): void {
    this.answer?.({ sdp, tracks });
    this.answer = null;
  }

  onFailed(err: Error): void {
    this.fail?.(err);
    this.fail = null;
  }

  close(): void {
    this.onFailed(new Error('disconnected'));
    this.pc.close();
  }
}

export interface SubscriberEvents {
  trackAdded(ref: TrackRef, track: MediaStreamTrack): void;
  trackRemoved(ref: TrackRef): void;
}

export class Subscriber {
  readonly pc: RTCPeerConnection;
  private slots = new Map<string, TrackRef | null>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    o: MediaOptions,
    private readonly send: (m: ClientMessage) => void,
    private readonly events: SubscriberEvents,
  ) {
    this.pc = new RTCPeerConnection({ iceServers: o.iceServers, bundlePolicy: 'max-bundle' });
    this.pc.addEventListener('track', (e) => {
      const ref = e.transceiver.mid ? this.slots.get(e.transceiver.mid) : null;
      if (ref) this.events.trackAdded(ref, e.track);
    });
  }

  /** A new subscriber offer: slots that lost their track are unsubscribed, new ones arrive as `track` events. */
  onOffer(sdp: string, slots: SubscribeSlot[]): void {
    this.queue = this.queue
      .then(async () => {
        const next = new Map(slots.map((s) => [s.mid, s.track]));
        for (const [mid, ref] of this.slots) {
          const now = next.get(mid);
          if (ref && (!now || now.sid !== ref.sid)) this.events.trackRemoved(ref);
        }
        this.slots = next;
        await this.pc.setRemoteDescription({ type: 'offer', sdp });
        await this.pc.setLocalDescription(await this.pc.createAnswer());
        await gathered(this.pc);
        this.send({ type: 'answer', sdp: this.pc.localDescription!.sdp });
      })
      .catch((err: unknown) => console.warn('switchboard video: subscriber offer failed', err));
  }

  close(): void {
    this.pc.close();
  }
}
