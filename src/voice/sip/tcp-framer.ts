/**
 * Splits a SIP byte stream into messages using Content-Length (RFC 3261 18.3). Leading CRLFs (keep-alives,
 * RFC 5626) are skipped. A header block over the size limit or a bad Content-Length is unrecoverable on a
 * stream, so the framer reports it and the connection is closed.
 */
import { findHeaderEnd, MAX_MESSAGE_BYTES } from './parser.js';

export type FrameResult = { messages: Buffer[]; error?: string };

const CL_RE = /^(?:content-length|l)[ \t]*:[ \t]*(\S*)[ \t]*$/im;

export class TcpFramer {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): FrameResult {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const messages: Buffer[] = [];
    for (let guard = 0; guard < 1000; guard++) {
      let start = 0;
      while (start < this.buffer.length && (this.buffer[start] === 13 || this.buffer[start] === 10)) start++;
      if (start) this.buffer = this.buffer.subarray(start);
      if (!this.buffer.length) break;
      const end = findHeaderEnd(this.buffer);
      if (!end) {
        if (this.buffer.length > MAX_MESSAGE_BYTES) return { messages, error: 'header block too large' };
        break;
      }
      const head = this.buffer.toString('latin1', 0, end[0]);
      const m = CL_RE.exec(head.replace(/\r?\n[ \t]+/g, ' '));
      let length = 0;
      if (m) {
        if (!/^\d{1,6}$/.test(m[1] ?? '')) return { messages, error: 'invalid Content-Length' };
        length = Number(m[1]);
      }
      const total = end[0] + end[1] + length;
      if (total > MAX_MESSAGE_BYTES) return { messages, error: 'message too large' };
      if (this.buffer.length < total) break;
      messages.push(Buffer.from(this.buffer.subarray(0, total)));
      this.buffer = this.buffer.subarray(total);
    }
    return { messages };
  }
}
