/**
 * A per-session queue of audio to send. Each clock tick pulls exactly one frame from it: queued PCM is
 * encoded through the G.711 tables, audio already encoded in the session's law is copied, the other law
 * is transcoded byte by byte, and silence fills whatever is missing.
 */
import { ALAW_TO_ULAW, encodeTable, SILENCE_BYTE, ULAW_TO_ALAW } from './g711.js';
import type { G711Codec } from './g711.js';

/** 8 kHz mono audio: linear PCM16, or bytes already encoded in one of the G.711 laws. */
export type AudioInput = Int16Array | { encoding: G711Codec; data: Uint8Array };

export interface PlayOptions {
  /** Times to play; 0 loops until stopped or interrupted (Twilio's loop="0"). Default 1. */
  loop?: number;
  /** A DTMF digit stops this item (Gather's barge-in). `true` for any digit, or a string of digits. */
  interruptOnDigit?: boolean | string;
}

export type PlayResult = 'finished' | 'interrupted' | 'stopped';

interface Item {
  pcm: Int16Array | null;
  encoded: Uint8Array | null;
  encoding: G711Codec | null;
  length: number;
  pos: number;
  loopsLeft: number; // Infinity for loop=0
  interrupt: boolean | string;
  resolve: (r: PlayResult) => void;
}

export class PlaybackQueue {
  private items: Item[] = [];

  get playing(): boolean {
    return this.items.length > 0;
  }

  get queued(): number {
    return this.items.length;
  }

  enqueue(input: AudioInput, options: PlayOptions = {}): Promise<PlayResult> {
    const pcm = input instanceof Int16Array ? input : null;
    const encoded = input instanceof Int16Array ? null : input.data;
    const loop = options.loop ?? 1;
    return new Promise((resolve) => {
      const length = pcm ? pcm.length : (encoded?.length ?? 0);
      if (length === 0) return resolve('finished');
      this.items.push({
        pcm,
        encoded,
        encoding: input instanceof Int16Array ? null : input.encoding,
        length,
        pos: 0,
        loopsLeft: loop <= 0 ? Infinity : loop,
        interrupt: options.interruptOnDigit ?? false,
        resolve,
      });
    });
  }

  /** Stops everything queued. */
  stop(): void {
    const items = this.items;
    this.items = [];
    for (const it of items) it.resolve('stopped');
  }

  /**
   * A digit arrived: drops the leading run of items that accept it as an interruption.
   * Returns whether anything was interrupted.
   */
  interrupt(digit: string): boolean {
    let n = 0;
    while (n < this.items.length) {
      const it = this.items[n];
      if (!it) break;
      const stops = it.interrupt === true || (typeof it.interrupt === 'string' && it.interrupt.includes(digit));
      if (!stops) break;
      n++;
    }
    if (!n) return false;
    const dropped = this.items.splice(0, n);
    for (const it of dropped) it.resolve('interrupted');
    return true;
  }

  /**
   * Writes exactly `samples` encoded bytes into `out[offset]`. Returns true when any audio (not only
   * padding silence) was written.
   */
  fill(codec: G711Codec, out: Uint8Array, offset: number, samples: number): boolean {
    const encode = encodeTable(codec);
    let written = 0;
    let guard = 0;
    while (written < samples && this.items.length && guard++ < samples + 8) {
      const it = this.items[0];
      if (!it) break;
      const n = Math.min(samples - written, it.length - it.pos);
      const at = offset + written;
      if (it.pcm) {
        const pcm = it.pcm;
        for (let i = 0; i < n; i++) out[at + i] = encode[(pcm[it.pos + i] ?? 0) & 0xffff] ?? 0;
      } else if (it.encoded) {
        const src = it.encoded;
        if (it.encoding === codec) out.set(src.subarray(it.pos, it.pos + n), at);
        else {
          const map = codec === 'PCMA' ? ULAW_TO_ALAW : ALAW_TO_ULAW;
          for (let i = 0; i < n; i++) out[at + i] = map[src[it.pos + i] ?? 0] ?? 0;
        }
      }
      it.pos += n;
      written += n;
      if (it.pos >= it.length) {
        it.loopsLeft -= 1;
        if (it.loopsLeft > 0) it.pos = 0;
        else {
          this.items.shift();
          it.resolve('finished');
        }
      }
    }
    if (written < samples) out.fill(SILENCE_BYTE[codec], offset + written, offset + samples);
    return written > 0;
  }
}
