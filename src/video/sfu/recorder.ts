import { stat } from 'node:fs/promises';
import { MediaStreamTrack, type RtpPacket } from 'werift';
import { MediaRecorder } from 'werift/nonstandard';
import type { PublishedTrack, PacketTap } from './forwarder.js';
import { isKeyframeStart, vp8Dimensions } from './media.js';
import type { RecordingResult } from './protocol.js';

/**
 * Records one published track to a WebM file (Matroska, so Twilio's mka/mkv) with werift's MediaRecorder:
 * VP8, H.264 or Opus packets are depacketized and written as they come, without decoding. Video starts at a
 * key frame (one is asked for) and records the track's best simulcast layer; frame size comes from the
 * VP8 key frame header.
 */
export class TrackRecorder implements PacketTap {
  private recorder: MediaRecorder | undefined;
  private local: MediaStreamTrack | undefined;
  private readonly layer: number;
  private startedAt = 0;
  private lastAt = 0;
  private stopped = false;

  constructor(
    private readonly track: PublishedTrack,
    readonly recordingSid: string,
    readonly room: string,
    private readonly file: string,
  ) {
    this.layer = track.layers.length - 1;
    track.taps.push(this);
    track.requestKeyframe(this.layer);
  }

  push(layer: number, rtp: RtpPacket, now: number): void {
    if (layer !== this.layer || this.stopped) return;
    if (!this.local) {
      if (!isKeyframeStart(this.track.codec, rtp.payload)) {
        this.track.requestKeyframe(layer);
        return;
      }
      const size = this.track.codec === 'VP8' ? vp8Dimensions(rtp.payload) : undefined;
      this.local = new MediaStreamTrack({ kind: this.track.ref.kind, codec: this.track.codecParams });
      this.recorder = new MediaRecorder({
        path: this.file,
        tracks: [this.local],
        width: size?.width ?? 640,
        height: size?.height ?? 480,
        // One track per file: no lip sync between tracks, and RTP time rather than RTCP sender reports.
        disableLipSync: true,
        disableNtp: true,
      });
      this.startedAt = now;
    }
    this.lastAt = now;
    this.local.writeRtp(rtp.clone());
  }

  async stop(): Promise<RecordingResult> {
    this.stopped = true;
    this.track.taps = this.track.taps.filter((t) => t !== this);
    const base = { recordingSid: this.recordingSid, room: this.room };
    if (!this.recorder) return { ...base, ok: false, size: 0, durationMs: 0, error: 'no media was received' };
    try {
      await this.recorder.stop();
      const { size } = await stat(this.file);
      return { ...base, ok: size > 0, size, durationMs: this.lastAt - this.startedAt };
    } catch (err) {
      return { ...base, ok: false, size: 0, durationMs: 0, error: (err as Error).message };
    }
  }
}
