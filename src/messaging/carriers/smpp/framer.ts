/**
 * Streaming frame splitter for SMPP over TCP: accepts chunks of any size (a partial PDU, several PDUs
 * at once), returns complete frames, and refuses an absurd command_length as soon as the first four
 * octets arrive, before buffering anything for it.
 */
import { HEADER_LENGTH } from './constants.js';

/** Large enough for a message_payload TLV of 64 KiB plus headers; anything beyond is garbage. */
export const DEFAULT_MAX_COMMAND_LENGTH = 70_000;

export interface FramingError {
  commandLength: number;
  /** From the header when at least 16 octets had arrived, else 0 (what a generic_nack should echo). */
  sequence: number;
}

export interface FramerOutput {
  frames: Buffer[];
  /** Set once; the framer accepts nothing more and the connection should be closed. */
  error?: FramingError;
}

export class PduFramer {
  private chunks: Buffer[] = [];
  private size = 0;
  private need = 0;
  private failed = false;

  constructor(private readonly maxCommandLength = DEFAULT_MAX_COMMAND_LENGTH) {}

  get buffered(): number {
    return this.size;
  }

  push(chunk: Buffer): FramerOutput {
    const frames: Buffer[] = [];
    if (this.failed) return { frames };
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.size += chunk.length;
    }
    while (this.size >= 4) {
      if (this.need === 0) {
        const head = this.peek(Math.min(this.size, HEADER_LENGTH));
        const length = head.readUInt32BE(0);
        if (length < HEADER_LENGTH || length > this.maxCommandLength) {
          this.failed = true;
          this.chunks = [];
          this.size = 0;
          const sequence = head.length >= HEADER_LENGTH ? head.readUInt32BE(12) : 0;
          return { frames, error: { commandLength: length, sequence } };
        }
        this.need = length;
      }
      if (this.size < this.need) break;
      frames.push(this.take(this.need));
      this.need = 0;
    }
    return { frames };
  }

  private compact(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.size)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) return first.subarray(0, n);
    return this.compact().subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0] && this.chunks[0].length >= n ? this.chunks[0] : this.compact();
    const frame = first.subarray(0, n);
    const rest = first.subarray(n);
    if (rest.length > 0) this.chunks[0] = rest;
    else this.chunks.shift();
    this.size -= n;
    return frame;
  }
}
