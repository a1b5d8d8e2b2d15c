import { RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import { PublishedTrack, Subscription, type ForwardCounters, type Layer } from './forwarder.js';
import { codecName, peerConfig } from './media.js';
import type { FromWorker, PublishDesc, SubscribeSlot, TrackRef, WorkerOptions } from './protocol.js';

type Post = (msg: FromWorker) => void;

/**
 * One participant's media: two peer connections, as LiveKit does. The publisher connection is offered by
 * the browser (its tracks, one m-line each); the subscriber connection is offered by the SFU whenever the
 * set of tracks the participant receives changes. With one offerer per connection there is never glare,
 * and a new participant does not renegotiate anybody's upstream.
 */
export class PeerSession {
  readonly published = new Map<string, PublishedTrack>();
  readonly subscriptions = new Map<string, { sub: Subscription; transceiver: RTCRtpTransceiver }>();
  private pub: RTCPeerConnection | undefined;
  private readonly sub: RTCPeerConnection;
  /** m-line -> track for the subscriber connection, as last offered. */
  private readonly slots = new Map<string, TrackRef | null>();
  private readonly pendingTracks = new Map<RTCRtpTransceiver, TrackRef>();
  private negotiating = false;
  private again = false;
  private closed = false;
  private reportedConnected = false;

  constructor(
    readonly sid: string,
    private readonly opts: WorkerOptions,
    private readonly counters: ForwardCounters,
    private readonly post: Post,
  ) {
    this.sub = new RTCPeerConnection(peerConfig(opts, 'subscribe'));
    this.watch(this.sub);
  }

  private watch(pc: RTCPeerConnection): void {
    pc.connectionStateChange.subscribe((state) => {
      if (this.closed) return;
      if (state === 'connected' && !this.reportedConnected) {
        this.reportedConnected = true;
        this.post({ t: 'media-state', participant: this.sid, state: 'connected' });
      }
      if (state === 'failed') this.post({ t: 'media-state', participant: this.sid, state: 'failed' });
    });
  }

  /** Applies the browser's publish offer; returns the tracks it carries, ready to forward. */
  async publish(sdp: string, descs: PublishDesc[]): Promise<PublishedTrack[]> {
    if (!this.pub) {
      this.pub = new RTCPeerConnection(peerConfig(this.opts, 'publish'));
      this.watch(this.pub);
    }
    const pc = this.pub;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    const added: PublishedTrack[] = [];
    const codecs: Record<string, string> = {};
    for (const d of descs) {
      if (this.published.has(d.sid)) continue;
      const transceiver = pc.getTransceivers().find((t) => t.mid === d.mid);
      const params = transceiver?.codecs[0];
      if (!transceiver || !params || transceiver.kind !== d.kind) continue;
      const receiver = transceiver.receiver;
      const rids = d.rids.filter((rid) => receiver.trackByRID[rid] !== undefined);
      const tracks = rids.length ? rids.map((rid) => ({ rid, track: receiver.trackByRID[rid]! })) : [{ rid: '', track: receiver.track }];
      const layers: Layer[] = tracks.map(({ rid, track }) => ({ rid, track, ssrc: 0, bytes: 0, bitrate: 0, lastPacketAt: 0 }));
      const ref: TrackRef = { sid: d.sid, kind: d.kind, name: d.name, publisherSid: this.sid };
      const track = new PublishedTrack(ref, codecName(params.mimeType), params, receiver, layers, this.counters);
      this.published.set(d.sid, track);
      codecs[d.sid] = track.codec;
      added.push(track);
    }
    this.post({ t: 'publish-answer', participant: this.sid, sdp: pc.localDescription!.sdp, codecs });
    return added;
  }

  unpublish(trackSid: string): PublishedTrack | undefined {
    const track = this.published.get(trackSid);
    if (!track) return undefined;
    this.published.delete(trackSid);
    track.stop();
    return track;
  }

  /** Starts sending a track to this participant (on the next subscriber offer). */
  subscribe(track: PublishedTrack): void {
    if (this.closed || this.subscriptions.has(track.ref.sid) || track.ref.publisherSid === this.sid) return;
    const transceiver = this.sub.addTransceiver(track.ref.kind, { direction: 'sendonly' });
    // Offer only the codec the publisher sends: the forwarder relays payloads, it does not transcode.
    const local = this.sub.config.codecs[track.ref.kind]?.find((c) => c.mimeType.toLowerCase() === track.codecParams.mimeType.toLowerCase());
    if (local) transceiver.codecs = [local];
    const sub = new Subscription(track, transceiver.sender, this.counters, () => this.budget());
    this.subscriptions.set(track.ref.sid, { sub, transceiver });
    this.pendingTracks.set(transceiver, track.ref);
    void this.negotiate();
  }

  unsubscribe(trackSid: string): void {
    const entry = this.subscriptions.get(trackSid);
    if (!entry) return;
    this.subscriptions.delete(trackSid);
    entry.sub.stop();
    this.pendingTracks.delete(entry.transceiver);
    // The m-line stays (werift does not recycle one used for sending) but goes idle.
    entry.transceiver.setDirection('inactive');
    if (entry.transceiver.mid) this.slots.set(entry.transceiver.mid, null);
    this.post({ t: 'unsubscribed', participant: this.sid, trackSid });
    void this.negotiate();
  }

  /** Sends a new subscriber offer; one at a time, and once more if anything changed meanwhile. */
  private async negotiate(): Promise<void> {
    if (this.closed) return;
    if (this.negotiating) {
      this.again = true;
      return;
    }
    this.negotiating = true;
    this.again = false;
    try {
      await this.sub.setLocalDescription(await this.sub.createOffer());
      for (const [transceiver, ref] of this.pendingTracks) if (transceiver.mid) this.slots.set(transceiver.mid, ref);
      const slots: SubscribeSlot[] = [...this.slots].map(([mid, track]) => ({ mid, track }));
      // werift writes port 0 on an inactive m-line, which marks it rejected; when it is the first m-line,
      // it is the BUNDLE tag and browsers then refuse the whole offer. Inactive is not rejected: port 9.
      const sdp = this.sub.localDescription!.sdp.replace(/^m=(audio|video) 0 /gm, 'm=$1 9 ');
      this.post({ t: 'offer', participant: this.sid, sdp, slots });
    } catch (err) {
      this.negotiating = false;
      this.post({ t: 'log', level: 'warn', message: `subscriber offer for ${this.sid} failed: ${(err as Error).message}` });
    }
  }

  /** The browser's answer to the last subscriber offer. */
  async answer(sdp: string): Promise<void> {
    if (this.closed || !this.negotiating) return;
    try {
      await this.sub.setRemoteDescription({ type: 'answer', sdp });
      for (const ref of this.pendingTracks.values()) this.post({ t: 'subscribed', participant: this.sid, track: ref });
      this.pendingTracks.clear();
    } finally {
      this.negotiating = false;
      if (this.again) void this.negotiate();
    }
  }

  /** This participant's downlink estimate (REMB from its browser) shared among the video it receives. */
  private budget(): number | undefined {
    let remb = 0n;
    let videos = 0;
    for (const { sub, transceiver } of this.subscriptions.values()) {
      if (sub.track.ref.kind !== 'video') continue;
      videos++;
      const r = transceiver.sender.receiverEstimatedMaxBitrate;
      if (r > remb) remb = r;
    }
    return remb > 0n && videos > 0 ? Number(remb) / videos : undefined;
  }

  setPreferredLayer(trackSid: string, layer: number | null): void {
    const entry = this.subscriptions.get(trackSid);
    if (entry) entry.sub.preferred = layer;
  }

  tick(now: number): void {
    for (const { sub } of this.subscriptions.values()) sub.chooseLayer(now);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const { sub } of this.subscriptions.values()) sub.stop();
    for (const t of this.published.values()) t.stop();
    await Promise.allSettled([this.sub.close(), this.pub?.close()]);
  }
}
