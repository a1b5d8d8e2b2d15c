import {
  ReceiverEstimatedMaxBitrate,
  RtcpPayloadSpecificFeedback,
  RtpHeader,
  RtpPacket,
  type MediaStreamTrack,
  type RTCRtpCodecParameters,
  type RTCRtpReceiver,
  type RTCRtpSender,
} from 'werift';
import { isKeyframeStart } from './media.js';
import type { TrackRef } from './protocol.js';

/** Counters a worker reports (bench and metrics). Plain numbers: bumped on the hot path without allocation. */
export interface ForwardCounters {
  packetsIn: number;
  packetsOut: number;
  bytesOut: number;
  nacksIn: number;
  plisIn: number;
}

/** One encoding of a published track: the only one, or one simulcast layer (lowest quality first). */
export interface Layer {
  rid: string;
  track: MediaStreamTrack;
  ssrc: number;
  bytes: number;
  /** Bits per second over the last tick. */
  bitrate: number;
  lastPacketAt: number;
}

/** Something else that wants a published track's packets as they arrive (a recorder). */
export interface PacketTap {
  push(layer: number, rtp: RtpPacket, now: number): void;
}

const KEYFRAME_REQUEST_GAP_MS = 250;
/** A layer that sent nothing for this long is not offered (the publisher paused it: its bandwidth fell). */
const LAYER_STALE_MS = 800;

/**
 * A track published into a room: its layers' packets fan out to every subscription. Key frames are asked
 * of the publisher (PLI) when a subscriber starts, switches layer or reports loss, at most every 250 ms
 * per layer, since each request costs the publisher a large frame.
 */
export class PublishedTrack {
  readonly subscriptions = new Set<Subscription>();
  taps: PacketTap[] = [];
  private readonly lastKeyframeRequest: number[];
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    readonly ref: TrackRef,
    /** Twilio's name of the codec (VP8, H264, OPUS) and werift's parameters of it. */
    readonly codec: string,
    readonly codecParams: RTCRtpCodecParameters,
    readonly receiver: RTCRtpReceiver,
    readonly layers: Layer[],
    private readonly counters: ForwardCounters,
  ) {
    this.lastKeyframeRequest = layers.map(() => 0);
    layers.forEach((layer, index) => {
      const { unSubscribe } = layer.track.onReceiveRtp.subscribe((rtp) => this.onPacket(index, rtp));
      this.unsubscribe.push(unSubscribe);
    });
  }

  get simulcast(): boolean {
    return this.layers.length > 1;
  }

  private onPacket(index: number, rtp: RtpPacket): void {
    const now = Date.now();
    const layer = this.layers[index]!;
    layer.ssrc = rtp.header.ssrc;
    layer.bytes += rtp.payload.length;
    layer.lastPacketAt = now;
    this.counters.packetsIn++;
    for (const sub of this.subscriptions) sub.offer(index, rtp);
    for (const tap of this.taps) tap.push(index, rtp, now);
  }

  requestKeyframe(index: number): void {
    if (this.ref.kind !== 'video') return;
    const layer = this.layers[index];
    const now = Date.now();
    if (!layer || !layer.ssrc || now - this.lastKeyframeRequest[index]! < KEYFRAME_REQUEST_GAP_MS) return;
    this.lastKeyframeRequest[index] = now;
    void this.receiver.sendRtcpPLI(layer.ssrc).catch(() => undefined);
  }

  /** Indices of layers that are flowing, lowest first. */
  liveLayers(now: number): number[] {
    const out: number[] = [];
    this.layers.forEach((l, i) => {
      if (now - l.lastPacketAt < LAYER_STALE_MS) out.push(i);
    });
    return out;
  }

  /** Per-tick bookkeeping: layer bitrates, and the REMB cap sent to the publisher. */
  tick(intervalMs: number, maxBitrate: number): void {
    for (const l of this.layers) {
      l.bitrate = (l.bytes * 8 * 1000) / intervalMs;
      l.bytes = 0;
    }
    if (this.ref.kind !== 'video') return;
    // Without simulcast one encoding serves everybody, so the weakest subscriber sets the pace; with it,
    // each subscriber gets a layer it can take and the publisher may send its best.
    let cap = maxBitrate;
    if (!this.simulcast) {
      for (const s of this.subscriptions) {
        const budget = s.budget();
        if (budget !== undefined) cap = Math.min(cap, Math.max(150_000, budget));
      }
    }
    this.sendRemb(cap);
  }

  private sendRemb(bitrate: number): void {
    const ssrcs = this.layers.map((l) => l.ssrc).filter((s) => s !== 0);
    if (ssrcs.length === 0) return;
    let mantissa = Math.floor(bitrate);
    let exp = 0;
    while (mantissa >= 1 << 18) {
      mantissa = Math.floor(mantissa / 2);
      exp++;
    }
    const feedback = new ReceiverEstimatedMaxBitrate({
      senderSsrc: this.receiver.rtcpSsrc,
      mediaSsrc: 0,
      brExp: exp,
      brMantissa: mantissa,
      bitrate: BigInt(Math.floor(bitrate)),
      ssrcNum: ssrcs.length,
      ssrcFeedbacks: ssrcs,
    });
    void this.receiver.dtlsTransport.sendRtcp([new RtcpPayloadSpecificFeedback({ feedback })]).catch(() => undefined);
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
    for (const s of [...this.subscriptions]) s.stop();
  }
}

/**
 * One subscriber's copy of a published track. Forwards the packets of the layer it is on, rewriting
 * sequence numbers and timestamps so a layer switch looks like one continuous stream to the browser; the
 * werift sender then stamps its own SSRC and payload type, encrypts, and keeps the history that answers
 * the subscriber's NACKs.
 */
export class Subscription {
  /** Layer being forwarded (-1: none yet) and the one wanted (switched to at its next key frame). */
  current = -1;
  target: number;
  /** Highest layer the subscriber asked for (null: no limit). */
  preferred: number | null = null;
  private ready = false;
  private started = false;
  private seqOffset = 0;
  private tsOffset = 0;
  private lastSeq = 0;
  private lastTs = 0;
  private readonly video: boolean;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    readonly track: PublishedTrack,
    readonly sender: RTCRtpSender,
    private readonly counters: ForwardCounters,
    /** The subscriber's estimated downlink share for this track (bps), when known. */
    readonly budget: () => number | undefined,
  ) {
    this.video = track.ref.kind === 'video';
    this.target = track.layers.length - 1;
    this.unsubscribe.push(
      sender.onPictureLossIndication.subscribe(() => {
        counters.plisIn++;
        track.requestKeyframe(this.current >= 0 ? this.current : this.target);
      }).unSubscribe,
    );
    this.unsubscribe.push(
      sender.onGenericNack.subscribe(() => {
        counters.nacksIn++;
      }).unSubscribe,
    );
    track.subscriptions.add(this);
  }

  offer(index: number, rtp: RtpPacket): void {
    if (!this.ready) {
      // Until the subscriber's DTLS is up werift drops what it is given: wait, then ask for a key frame.
      if (this.sender.dtlsTransport?.state !== 'connected' || !this.sender.codec) return;
      this.ready = true;
      this.track.requestKeyframe(this.target);
    }
    if (index !== this.current) {
      if (index !== this.target || !isKeyframeStart(this.track.codec, rtp.payload)) {
        if (index === this.target && this.video) this.track.requestKeyframe(index);
        return;
      }
      this.switchTo(index, rtp);
    }
    this.forward(rtp);
  }

  private switchTo(index: number, rtp: RtpPacket): void {
    if (this.started) {
      // Continue right after what the browser last saw: next sequence number, one 30 fps frame later.
      this.seqOffset = (this.lastSeq + 1 - rtp.header.sequenceNumber) & 0xffff;
      this.tsOffset = (this.lastTs + 3000 - rtp.header.timestamp) >>> 0;
    }
    this.current = index;
  }

  private forward(rtp: RtpPacket): void {
    const h = rtp.header;
    const seq = (h.sequenceNumber + this.seqOffset) & 0xffff;
    const ts = (h.timestamp + this.tsOffset) >>> 0;
    // A header of our own per subscriber: werift's sender rewrites the header it is given (SSRC, payload
    // type, extensions) and keeps the packet for retransmission, so a shared one would be corrupted.
    // Incoming extensions are dropped: their IDs belong to the publisher's negotiation.
    const header = new RtpHeader({ marker: h.marker, payloadType: h.payloadType, sequenceNumber: seq, timestamp: ts, ssrc: h.ssrc });
    if (!this.started || ((seq - this.lastSeq) & 0xffff) < 0x8000) {
      this.lastSeq = seq;
      this.lastTs = ts;
    }
    this.started = true;
    this.counters.packetsOut++;
    this.counters.bytesOut += rtp.payload.length;
    void this.sender.sendRtp(new RtpPacket(header, rtp.payload)).catch(() => undefined);
  }

  /** Picks the layer to forward from the subscriber's bandwidth share and preference. */
  chooseLayer(now: number): void {
    if (!this.track.simulcast) return;
    const live = this.track.liveLayers(now);
    if (live.length === 0) return;
    const budget = this.budget();
    let choice = live[0]!;
    for (const i of live) {
      const fits = budget === undefined || this.track.layers[i]!.bitrate <= budget;
      if (fits && (this.preferred === null || i <= this.preferred)) choice = i;
    }
    if (choice !== this.target) {
      this.target = choice;
      this.track.requestKeyframe(choice);
    }
  }

  stop(): void {
    this.track.subscriptions.delete(this);
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
  }
}
