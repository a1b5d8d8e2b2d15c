/** A bare UDP socket speaking hand-written SIP, for the cases a well-behaved peer never produces. */
import { createSocket } from 'node:dgram';
import { parseMessage } from '../parser.js';
import type { SipMessage } from '../message.js';
import { waitFor } from './peers.js';

export interface RawPeer {
  port: number;
  received: SipMessage[];
  send(text: string, port: number): void;
  next(pred: (m: SipMessage) => boolean, timeoutMs?: number, what?: string): Promise<SipMessage>;
  close(): void;
}

export async function rawPeer(): Promise<RawPeer> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  const received: SipMessage[] = [];
  sock.on('message', (data) => {
    const r = parseMessage(data);
    if (r.ok) received.push(r.message);
  });
  let cursor = 0;
  return {
    port: sock.address().port,
    received,
    send(text, port) {
      sock.send(Buffer.from(text.replace(/\r?\n/g, '\r\n')), port, '127.0.0.1');
    },
    async next(pred, timeoutMs = 5000, what = 'message') {
      const found = await waitFor(
        () => {
          for (let i = cursor; i < received.length; i++) {
            const m = received[i];
            if (m && pred(m)) {
              cursor = i + 1;
              return m;
            }
          }
          return undefined;
        },
        timeoutMs,
        what,
      );
      return found;
    },
    close() {
      sock.close();
    },
  };
}
