/**
 * The Media Streams of one call's media session, where that media runs: it sees the session's frames
 * (FrameTap) and hands each to the streams that want its track, plays the bidirectional stream's queued
 * audio, and passes digits on. At most one stream plays audio (the <Connect><Stream>).
 */
import type { G711Codec } from '../../media/g711.js';
import type { StreamReport, StreamSpec, StreamTap, StreamTapFactory } from '../../media/stream-tap.js';
import { StreamConnection } from './connection.js';

export class StreamHub implements StreamTap {
  private streams: StreamConnection[] = [];
  private player: StreamConnection | null = null;

  constructor(private readonly report: (sid: string, r: StreamReport) => void) {}

  get size(): number {
    return this.streams.length;
  }

  start(spec: StreamSpec): void {
    const conn = new StreamConnection(spec, (r) => {
      if (r.kind === 'stopped' || r.kind === 'error') this.forget(conn);
      this.report(spec.sid, r);
    });
    this.streams = [...this.streams, conn];
    if (spec.bidirectional) this.player = conn;
  }

  stop(sid: string): void {
    for (const s of this.streams) if (s.spec.sid === sid) s.stop();
  }

  stopAll(): void {
    for (const s of this.streams) s.stop();
  }

  private forget(conn: StreamConnection): void {
    this.streams = this.streams.filter((s) => s !== conn);
    if (this.player === conn) this.player = null;
  }

  inbound(data: Buffer, offset: number, n: number, law: G711Codec, rtpTimestamp: number): void {
    const list = this.streams;
    for (let i = 0; i < list.length; i++) {
      const s = list[i] as StreamConnection;
      if (s.wants('inbound')) s.media('inbound', data, offset, n, law, rtpTimestamp);
    }
  }

  outbound(data: Buffer, offset: number, n: number, law: G711Codec, rtpTimestamp: number): void {
    const list = this.streams;
    for (let i = 0; i < list.length; i++) {
      const s = list[i] as StreamConnection;
      if (s.wants('outbound')) s.media('outbound', data, offset, n, law, rtpTimestamp);
    }
  }

  fill(law: G711Codec, out: Buffer, offset: number, n: number): boolean {
    const p = this.player;
    if (p === null || p.playout === null || !p.isLive) return false;
    return p.playout.fill(law, out, offset, n, this.markDue) > 0;
  }

  private readonly markDue = (name: string): void => this.player?.markDone(name);

  digit(digit: string): void {
    this.player?.dtmf(digit);
  }
}

/** What a media session is given (RtpSessionOptions.streamTaps, the engine threads' entry) to run its streams. */
export const createStreamHub: StreamTapFactory = (report) => new StreamHub(report);
