/** SIP ends of calls: an inbound INVITE we answer, and an outbound INVITE we place (trunk or SIP URI). */
import { createOffer, parseAnswer, RtpSession } from '../media/index.js';
import type { MediaEngine, MediaSession, RtpDropCounters, RtpSessionOptions, StreamTapFactory } from '../media/index.js';
import type { EndReason, IncomingCall, InviteOptions, SipCall, SipEndpoint } from '../sip/index.js';
import type { AudioCache } from '../audio/fetch.js';
import type { TtsEngine } from '../tts/index.js';
import { SipLeg } from '../legs/sip-leg.js';
import type { CallPeer, Connector, Placement } from './peer.js';

export interface MediaOptions {
  /** Address RTP binds to. */
  host: string;
  /** Address written in SDP. */
  publicHost: string;
  portRange?: { min: number; max: number };
  /** Strict RTP (see media/source-filter.ts); default on with a probation of 4 packets. */
  strictRtp?: { probation: number } | false;
  /** The node's strict-RTP drop counters, read by the metrics collector (in-thread sessions only). */
  rtpDrops?: RtpDropCounters;
  /** Runs Media Streams on this thread's sessions (engine threads get theirs from their entry). */
  streamTaps?: StreamTapFactory;
  /** Media engine threads; without one, RTP runs on this thread. */
  engine?: MediaEngine | null;
  tts: TtsEngine;
  audio: AudioCache;
}

/** Reasons a dialog ended that mean the other side went away (not our own BYE or reject). */
const REMOTE: ReadonlySet<EndReason> = new Set<EndReason>(['remote-bye', 'canceled', 'ack-timeout', 'transport-error', 'shutdown']);

function onRemoteEnd(call: SipCall, cb: () => void): void {
  // It may have ended before anyone listened (a BYE right after the 200 OK).
  if (call.state === 'terminated') {
    if (call.endReason && REMOTE.has(call.endReason)) queueMicrotask(cb);
    return;
  }
  call.once('terminated', (reason) => {
    if (REMOTE.has(reason)) cb();
  });
}

/** A call's RTP; `near`: open it where that session runs (the legs of a bridge share an engine thread). */
export function openRtp(media: MediaOptions, near?: MediaSession): Promise<MediaSession> {
  if (media.engine) {
    return media.engine.open(
      {
        host: media.host,
        strict: media.strictRtp === false ? false : { probation: media.strictRtp?.probation ?? 4 },
        ...(media.portRange ? { portRange: media.portRange } : {}),
      },
      near,
    );
  }
  const options: RtpSessionOptions = { host: media.host, strict: media.strictRtp !== false };
  if (media.strictRtp) options.probation = media.strictRtp.probation;
  if (media.rtpDrops) options.drops = media.rtpDrops;
  if (media.portRange) options.portRange = media.portRange;
  if (media.streamTaps) options.streamTaps = media.streamTaps;
  return RtpSession.open(options);
}

export class InboundSipPeer implements CallPeer {
  readonly leg: SipLeg;

  constructor(
    private readonly call: IncomingCall,
    rtp: MediaSession,
    private readonly answerSdp: string,
    media: MediaOptions,
  ) {
    this.leg = new SipLeg(rtp, media.tts, media.audio);
  }

  answer(): Promise<void> {
    return this.call.answer(this.answerSdp);
  }

  reject(reason: 'busy' | 'rejected'): void {
    this.call.reject(reason === 'busy' ? 486 : 603);
  }

  hangup(): Promise<void> {
    return this.call.hangup();
  }

  onHangup(cb: () => void): void {
    onRemoteEnd(this.call, cb);
  }
}

/** Places a SIP call; 486/600 are busy, 408/480/487 and the ring timeout no-answer, the rest failed. */
export class SipConnector implements Connector {
  constructor(
    private readonly endpoint: SipEndpoint,
    private readonly target: string,
    private readonly options: InviteOptions,
    private readonly media: MediaOptions,
    private readonly near?: MediaSession,
  ) {}

  connect(onRinging: () => void): Placement {
    let cancelled = false;
    let cancel: () => void = () => (cancelled = true);
    const result = (async (): Promise<Awaited<Placement['result']>> => {
      const rtp = await openRtp(this.media, this.near);
      if (cancelled) {
        await rtp.close();
        return { status: 'canceled' };
      }
      const call = this.endpoint.invite(this.target, createOffer({ address: this.media.publicHost, port: rtp.port }), this.options);
      cancel = () => call.cancel();
      let rang = false;
      call.on('provisional', (p) => {
        if (!rang && p.status >= 180) {
          rang = true;
          onRinging();
        }
      });
      const outcome = await call.result;
      if (outcome.kind !== 'answered') {
        await rtp.close();
        if (outcome.kind === 'rejected') {
          if (outcome.status === 486 || outcome.status === 600) return { status: 'busy' };
          if (outcome.status === 408 || outcome.status === 480 || outcome.status === 487) return { status: 'no-answer' };
          return { status: 'failed', detail: `${this.target} answered ${outcome.status} ${outcome.reason}` };
        }
        if (outcome.kind === 'failed') return { status: 'failed', detail: `${this.target}: ${outcome.reason} (${outcome.status})` };
        return { status: outcome.kind };
      }
      if (!rang) onRinging(); // answered straight away: the call still passed through ringing
      const negotiated = parseAnswer(outcome.sdp);
      if (negotiated) {
        rtp.setCodec(negotiated.codec, negotiated.dtmfPayloadType);
        rtp.setRemote(negotiated.remoteAddress, negotiated.remotePort, call.destination?.host ?? null);
      }
      const leg = new SipLeg(rtp, this.media.tts, this.media.audio);
      const peer: CallPeer = {
        leg,
        answer: async () => undefined,
        reject: () => void call.hangup(),
        hangup: () => call.hangup(),
        onHangup: (cb) => onRemoteEnd(call, cb),
      };
      return { answered: peer };
    })();
    return { cancel: () => cancel(), result };
  }
}
