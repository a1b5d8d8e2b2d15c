/**
 * A <Dial> recording: the caller's received audio on channel 0 and the dialled party's on channel 1 (Twilio's
 * dual-channel order: parent call first, child call second). The two RTP streams have unrelated timestamps
 * and the party may join late (record-from-ringing), so each channel is placed by arrival time from the
 * recording's start: a channel that falls behind the clock (nothing received, packets lost) is padded with
 * silence, which keeps both channels aligned within the network's jitter.
 */
import { performance } from 'node:perf_hooks';
import { Recorder } from './recorder.js';

/** Jitter tolerated before a channel is padded up to the clock (60 ms). */
const SLACK = 480;

export class DialRecorder {
  private readonly start = performance.now();
  private readonly channels: [Recorder, Recorder];

  constructor(private readonly maxSeconds: number) {
    this.channels = [new Recorder(maxSeconds * 8000), new Recorder(maxSeconds * 8000)];
  }

  push(channel: 0 | 1, frame: Int16Array, samples: number): void {
    const rec = this.channels[channel];
    const due = Math.floor((performance.now() - this.start) * 8) - samples;
    if (due - rec.samples > SLACK) rec.padTo(due);
    rec.push(frame, samples);
  }

  /** Both channels interleaved (left = caller, right = dialled party), padded to one length. */
  take(): Int16Array {
    const end = Math.min(
      this.maxSeconds * 8000,
      Math.max(Math.floor((performance.now() - this.start) * 8), this.channels[0].samples, this.channels[1].samples),
    );
    for (const c of this.channels) c.padTo(end);
    return interleave(this.channels[0].toPcm(), this.channels[1].toPcm());
  }
}

export function interleave(left: Int16Array, right: Int16Array): Int16Array {
  const n = Math.max(left.length, right.length);
  const out = new Int16Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = left[i] ?? 0;
    out[2 * i + 1] = right[i] ?? 0;
  }
  return out;
}

/** One channel of interleaved stereo. */
export function channelOf(stereo: Int16Array, channel: 0 | 1): Int16Array {
  const out = new Int16Array(stereo.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = stereo[2 * i + channel] ?? 0;
  return out;
}

/** Interleaved stereo mixed to mono (a single-channel <Dial> recording holds both parties). */
export function mixdown(stereo: Int16Array): Int16Array {
  const out = new Int16Array(stereo.length >> 1);
  for (let i = 0; i < out.length; i++) {
    const v = (stereo[2 * i] ?? 0) + (stereo[2 * i + 1] ?? 0);
    out[i] = Math.max(-32768, Math.min(32767, v));
  }
  return out;
}
