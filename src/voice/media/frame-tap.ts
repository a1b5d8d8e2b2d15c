/**
 * A session's audio as G.711 payloads, for whoever forwards it elsewhere (Media Streams, voice/streams/),
 * and a source of what the session sends. Called on the packet path and from the media clock: no
 * allocation, no waiting.
 */
import type { G711Codec } from './g711.js';

export interface FrameTap {
  /** A received audio payload at `data[offset..offset+n)`, in `law`, with its RTP timestamp. */
  inbound(data: Buffer, offset: number, n: number, law: G711Codec, rtpTimestamp: number): void;
  /** An audio payload this session sent (its own frame, or one relayed from a bridged session). */
  outbound(data: Buffer, offset: number, n: number, law: G711Codec, rtpTimestamp: number): void;
  /** Supplies the next frame to send (`n` bytes in `law`); false leaves it to the playback queue. */
  fill(law: G711Codec, out: Buffer, offset: number, n: number): boolean;
  /** The caller pressed a key (an RFC 4733 event ended). */
  digit(digit: string): void;
}
