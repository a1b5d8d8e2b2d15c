// A video participant without a browser: werift peer connections speaking Switchboard's signalling, for
// REST tests (participants and tracks that really connect) and the benchmark (publishers sending synthetic
// VP8-shaped RTP at a fixed bitrate, subscribers receiving it and answering with RTCP RR and NACK).
import { randomBytes } from 'node:crypto';
import { RTCPeerConnection, RtpHeader, RtpPacket, type MediaStreamTrack, type RTCRtpSender } from 'werift';
import WebSocket from 'ws';
import type { ParticipantInfo, ServerMessage } from '../../src/video/signal-protocol.js';

const LOOPBACK = {
  iceServers: [],
  iceUseIpv6: false,
  bundlePolicy: 'max-bundle' as const,
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceInterfaceAddresses: { udp4: '127.0.0.1' },
};

export interface BotOptions {
  room?: string;
  /** Publish a synthetic video track at this many bits per second (0: publish nothing). */
  videoBitrate?: number;
  /** Publish a synthetic Opus-shaped audio track. */
  audio?: boolean;
}

export interface Received {
  packets: number;
  bytes: number;
  lost: number;
  firstSeq: number;
  maxSeq: number;
}

export class VideoBot {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  readonly participants = new Map<string, ParticipantInfo>();
  /** Per subscribed track SID: what arrived. */
  readonly received = new Map<string, Received>();
  participantSid = '';
  roomSid = '';
  error: { code: number; message: string } | null = null;
  disconnected: { code: number | null } | null = null;
  private pub: RTCPeerConnection | undefined;
  private readonly sub: RTCPeerConnection;
  private readonly midTrack = new Map<string, string>();
  private timers: NodeJS.Timeout[] = [];
  private waiters: (() => void)[] = [];
  private keyframeWanted = true;
  private closed = false;
  /** Errors applying what the server sent (kept for the test to look at). */
  readonly failures: string[] = [];

  private constructor(url: string) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/video/v1/signal`);
    this.sub = new RTCPeerConnection(LOOPBACK);
    this.sub.onTrack.subscribe((track) => this.count(track));
    this.ws.on('message', (data) => {
      void this.onMessage(JSON.parse(String(data)) as ServerMessage).catch((err: unknown) => {
        this.failures.push(String(err));
      });
    });
    this.ws.on('close', () => this.wake());
  }

  /** Connects and, when asked, publishes; resolves once connected (or rejects with the server's error code). */
  static async join(url: string, token: string, o: BotOptions = {}): Promise<VideoBot> {
    const bot = new VideoBot(url);
    await new Promise<void>((resolve, reject) => {
      bot.ws.once('open', () => resolve());
      bot.ws.once('error', reject);
    });
    bot.send({ type: 'connect', token, ...(o.room ? { room: o.room } : {}) });
    await bot.until(() => bot.participantSid !== '' || bot.error !== null || bot.ws.readyState !== WebSocket.OPEN, 15_000);
    if (!bot.participantSid) {
      await bot.close();
      throw Object.assign(new Error(bot.error?.message ?? 'not connected'), { code: bot.error?.code });
    }
    if (o.videoBitrate || o.audio) await bot.publish(o);
    return bot;
  }

  send(msg: object): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until check() holds, re-checked on every message (bounded). */
  async until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('video bot: condition not met in time');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private async onMessage(msg: ServerMessage): Promise<void> {
    if (this.closed) return;
    this.messages.push(msg);
    switch (msg.type) {
      case 'connected':
        this.participantSid = msg.participant.sid;
        this.roomSid = msg.room.sid;
        for (const p of msg.participants) this.participants.set(p.sid, p);
        break;
      case 'participant-connected':
        this.participants.set(msg.participant.sid, msg.participant);
        break;
      case 'participant-disconnected':
        this.participants.delete(msg.participantSid);
        break;
      case 'track-published':
        this.participants.get(msg.participantSid)?.tracks.push(msg.track);
        break;
      case 'error':
        this.error = { code: msg.code, message: msg.message };
        break;
      case 'disconnected':
        this.disconnected = { code: msg.code };
        break;
      case 'publish-answer':
        await this.pub?.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
        break;
      case 'offer': {
        for (const s of msg.slots) if (s.track) this.midTrack.set(s.mid, s.track.sid);
        // werift, answering, recycles an idle transceiver for the next new m-line and loses the idle one's
        // mid ("Transceiver with mid=0 not found"); the SFU never reuses m-lines, so neither may we.
        for (const t of this.sub.getTransceivers()) t.usedForSender = true;
        await this.sub.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
        await this.sub.setLocalDescription(await this.sub.createAnswer());
        this.send({ type: 'answer', sdp: this.sub.localDescription!.sdp });
        // Closed meanwhile: the answer gathered a socket after close() ran, so close again.
        if (this.closed) await this.sub.close();
        break;
      }
    }
    this.wake();
  }

  private count(track: MediaStreamTrack): void {
    let sid: string | undefined;
    track.onReceiveRtp.subscribe((rtp) => {
      if (sid === undefined) {
        const mid = this.sub.getTransceivers().find((t) => t.receiver.track === track)?.mid ?? '';
        sid = this.midTrack.get(mid) ?? mid;
      }
      let r = this.received.get(sid);
      if (!r) {
        r = { packets: 0, bytes: 0, lost: 0, firstSeq: rtp.header.sequenceNumber, maxSeq: rtp.header.sequenceNumber };
        this.received.set(sid, r);
      }
      r.packets++;
      r.bytes += rtp.payload.length;
      const ahead = (rtp.header.sequenceNumber - r.maxSeq) & 0xffff;
      if (ahead > 0 && ahead < 0x8000) r.maxSeq = rtp.header.sequenceNumber;
      r.lost = Math.max(0, ((r.maxSeq - r.firstSeq) & 0xffff) + 1 - r.packets);
    });
  }

  /** Publishes synthetic media: VP8-shaped frames (25 fps, key frames on PLI and every 2 s) and/or Opus-sized audio. */
  private async publish(o: BotOptions): Promise<void> {
    const pc = new RTCPeerConnection(LOOPBACK);
    this.pub = pc;
    const tracks: { mid: string; kind: 'audio' | 'video'; name: string }[] = [];
    const video = o.videoBitrate ? pc.addTransceiver('video', { direction: 'sendonly' }) : undefined;
    const audio = o.audio ? pc.addTransceiver('audio', { direction: 'sendonly' }) : undefined;
    await pc.setLocalDescription(await pc.createOffer());
    if (video) tracks.push({ mid: video.mid!, kind: 'video', name: 'camera' });
    if (audio) tracks.push({ mid: audio.mid!, kind: 'audio', name: 'microphone' });
    this.send({ type: 'publish', sdp: pc.localDescription!.sdp, tracks });
    await this.until(() => pc.connectionState === 'connected', 15_000);
    if (video) this.sendVideo(video.sender, o.videoBitrate!);
    if (audio) this.sendAudio(audio.sender);
  }

  private sendVideo(sender: RTCRtpSender, bitrate: number): void {
    sender.onPictureLossIndication.subscribe(() => {
      this.keyframeWanted = true;
    });
    const fps = 25;
    const packetsPerFrame = Math.max(1, Math.round(bitrate / fps / 8 / 1200));
    const size = Math.round(bitrate / fps / 8 / packetsPerFrame);
    let seq = randomBytes(2).readUInt16BE();
    let ts = randomBytes(4).readUInt32BE();
    let frame = 0;
    const body = randomBytes(size);
    this.timers.push(
      setInterval(() => {
        const key = this.keyframeWanted || frame % (fps * 2) === 0;
        this.keyframeWanted = false;
        for (let i = 0; i < packetsPerFrame; i++) {
          const payload = Buffer.from(body);
          // RFC 7741 descriptor: S=1 on the first packet of the frame; then the frame tag's P bit (0: key frame).
          payload[0] = i === 0 ? 0x10 : 0x00;
          if (i === 0) payload[1] = key ? 0x00 : 0x01;
          const header = new RtpHeader({ sequenceNumber: seq, timestamp: ts, marker: i === packetsPerFrame - 1, payloadType: 96 });
          seq = (seq + 1) & 0xffff;
          void sender.sendRtp(new RtpPacket(header, payload)).catch(() => undefined);
        }
        ts = (ts + 90000 / fps) >>> 0;
        frame++;
      }, 1000 / fps),
    );
  }

  private sendAudio(sender: RTCRtpSender): void {
    let seq = 0;
    let ts = 0;
    const body = randomBytes(80);
    this.timers.push(
      setInterval(() => {
        const header = new RtpHeader({ sequenceNumber: seq, timestamp: ts, marker: false, payloadType: 111 });
        seq = (seq + 1) & 0xffff;
        ts = (ts + 960) >>> 0;
        void sender.sendRtp(new RtpPacket(header, body)).catch(() => undefined);
      }, 20),
    );
  }

  /** Says goodbye. */
  async leave(): Promise<void> {
    this.send({ type: 'leave' });
    await this.until(() => this.disconnected !== null || this.ws.readyState !== WebSocket.OPEN, 5000).catch(() => undefined);
    await this.close();
  }

  /** Vanishes without a goodbye: the socket drops and media stops. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.ws.terminate();
    await Promise.allSettled([this.sub.close(), this.pub?.close()]);
  }
}
