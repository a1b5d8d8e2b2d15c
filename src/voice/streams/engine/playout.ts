/**
 * A bidirectional stream's audio from the app, waiting to be played: mu-law chunks of any size, with the
 * app's marks between them. The media clock takes one 20 ms frame per tick whatever size the app sent, so
 * a burst is paced out; a mark is due once the audio queued before it has been sent. Bounded: audio past
 * `maxBytes` is refused (the caller reports it).
 */
import { ULAW_TO_ALAW } from '../../media/g711.js';
import type { G711Codec } from '../../media/g711.js';

export class Playout {
  private readonly items: (Uint8Array | string)[] = [];
  /** Read position in the first item when it is audio. */
  private pos = 0;
  queuedBytes = 0;

  constructor(readonly maxBytes: number) {}

  /** Queues audio; false (nothing queued) when it would go past the bound. */
  push(ulaw: Uint8Array): boolean {
    if (ulaw.length === 0) return true;
    if (this.queuedBytes + ulaw.length > this.maxBytes) return false;
    this.items.push(ulaw);
    this.queuedBytes += ulaw.length;
    return true;
  }

  /** Queues a mark; true when nothing is ahead of it, so it is due at once. */
  mark(name: string): boolean {
    if (this.items.length === 0) return true;
    this.items.push(name);
    return false;
  }

  /** Drops all audio; returns the marks that were waiting (they are all due now). */
  clear(): string[] {
    const marks = this.items.filter((i): i is string => typeof i === 'string');
    this.items.length = 0;
    this.pos = 0;
    this.queuedBytes = 0;
    return marks;
  }

  /**
   * Writes up to `n` bytes of the next frame in `law` at `out[offset]`, silence after the end; returns the
   * bytes of audio written (0: nothing queued, nothing written). Marks reached go to `due`.
   */
  fill(law: G711Codec, out: Uint8Array, offset: number, n: number, due: (name: string) => void): number {
    let written = 0;
    const items = this.items;
    while (items.length > 0) {
      const head = items[0] as Uint8Array | string;
      if (typeof head === 'string') {
        // A mark is due when every byte before it has gone out: only after this frame is sent, or now if
        // the frame holds no audio of its own yet.
        items.shift();
        due(head);
        continue;
      }
      if (written === n) break;
      const take = Math.min(n - written, head.length - this.pos);
      if (law === 'PCMU') out.set(head.subarray(this.pos, this.pos + take), offset + written);
      else for (let i = 0; i < take; i++) out[offset + written + i] = ULAW_TO_ALAW[head[this.pos + i] ?? 0xff] ?? 0xd5;
      written += take;
      this.pos += take;
      this.queuedBytes -= take;
      if (this.pos === head.length) {
        items.shift();
        this.pos = 0;
      }
    }
    if (written > 0 && written < n) out.fill(law === 'PCMU' ? 0xff : 0xd5, offset + written, offset + n);
    return written;
  }
}
