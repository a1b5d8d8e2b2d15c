// One RTP driver thread of the conference benchmark (voice-conference.ts): it owns the UDP sockets of its
// share of the participants. Each socket sends a PCMU tone (its own frequency) every 20 ms and receives the
// mix Switchboard sends it; per socket it counts what arrived while driving, the sequence gaps (lost), how
// many frames carried sound, and how far each arrival strayed from 20 ms after the one before.
import { createSocket, type Socket } from 'node:dgram';
import { parentPort } from 'node:worker_threads';
import { decodeTable, encodeTable } from '../src/voice/media/g711.js';

export type ToConfDriver =
  | { t: 'open'; legs: number; first: number }
  | { t: 'remotes'; remotes: number[] }
  | { t: 'drive'; holdSeconds: number }
  | { t: 'close' };
export type FromConfDriver =
  | { t: 'opened'; ports: number[] }
  | { t: 'ok' }
  | { t: 'driven'; legs: number; sent: number; received: number; lost: number; audible: number; hist: Uint32Array };

const PACKET = 12 + 160;
const ULAW = decodeTable('PCMU');
/** A decoded sample above this (PCM16) counts the frame as sound: the mix of others' tones, not silence. */
const SOUND = 300;

interface Leg {
  sock: Socket;
  remote: number;
  ssrc: number;
  seq: number;
  ts: number;
  buf: Buffer;
}

let legs: Leg[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const port = parentPort!;
const reply = (m: FromConfDriver, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/** 20 ms of a sine of `hz` (a multiple of 50 Hz, so the frame loops seamlessly) in PCMU. */
function toneFrame(hz: number): Buffer {
  const enc = encodeTable('PCMU');
  const b = Buffer.alloc(PACKET);
  for (let i = 0; i < 160; i++) b[12 + i] = enc[Math.round(2500 * Math.sin((2 * Math.PI * hz * i) / 8000)) & 0xffff]!;
  return b;
}

async function open(count: number, first: number): Promise<number[]> {
  legs = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const sock = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
      await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
      // 400..800 Hz: the participants of one conference (consecutive indexes) send different tones.
      const buf = toneFrame(400 + 100 * ((first + i) % 5));
      return { sock, remote: 0, ssrc: (Math.random() * 0xffffffff) >>> 0, seq: 0, ts: 0, buf };
    }),
  );
  return legs.map((l) => l.sock.address().port);
}

/** Every leg with a remote sends one packet per 20 ms (a quarter of them every 5 ms) and counts the mix it gets. */
async function drive(holdSeconds: number): Promise<void> {
  const active = legs.filter((l) => l.remote !== 0);
  const hist = new Uint32Array(1001); // |arrival spacing - 20 ms| in 0.1 ms buckets up to 100 ms
  let received = 0;
  let lost = 0;
  let audible = 0;
  let counting = true;
  const listeners = active.map((l) => {
    let last = -1; // sequence of the last packet (extended past 16 bits is not needed: 10 s is 500 packets)
    let lastAt = 0;
    const onMessage = (msg: Buffer): void => {
      if (!counting || msg.length < PACKET || (msg[1]! & 0x7f) !== 0) return;
      const at = performance.now();
      const seq = msg.readUInt16BE(2);
      received++;
      if (last >= 0) {
        const ahead = (seq - last) & 0xffff;
        if (ahead === 0 || ahead >= 0x8000) return; // duplicate or late: not counted again
        lost += ahead - 1;
        if (ahead === 1) hist[Math.min(1000, Math.round(Math.abs(at - lastAt - 20) * 10))]!++;
      }
      last = seq;
      lastAt = at;
      for (let i = 12; i < PACKET; i += 4) {
        if (Math.abs(ULAW[msg[i]!]!) > SOUND) {
          audible++;
          break;
        }
      }
    };
    l.sock.on('message', onMessage);
    return onMessage;
  });
  let sent = 0;
  const t0 = performance.now();
  for (let k = 0; k < holdSeconds * 200; k++) {
    const due = t0 + k * 5;
    while (performance.now() < due) await sleep(Math.max(1, Math.ceil(due - performance.now())));
    for (let i = k % 4; i < active.length; i += 4) {
      const l = active[i]!;
      const b = l.buf;
      b[0] = 0x80;
      b[1] = 0;
      b.writeUInt16BE(l.seq, 2);
      b.writeUInt32BE(l.ts >>> 0, 4);
      b.writeUInt32BE(l.ssrc, 8);
      l.seq = (l.seq + 1) & 0xffff;
      l.ts += 160;
      l.sock.send(b, l.remote, '127.0.0.1');
      sent++;
    }
  }
  // The mix is counted over the sending window only: Switchboard sends its frames whether we send or not.
  counting = false;
  for (let i = 0; i < active.length; i++) active[i]!.sock.off('message', listeners[i]!);
  reply({ t: 'driven', legs: active.length, sent, received, lost, audible, hist }, [hist.buffer as ArrayBuffer]);
}

port.on('message', (m: ToConfDriver) => {
  if (m.t === 'open') void open(m.legs, m.first).then((ports) => reply({ t: 'opened', ports }));
  else if (m.t === 'remotes') {
    m.remotes.forEach((r, i) => {
      if (legs[i]) legs[i].remote = r;
    });
    reply({ t: 'ok' });
  } else if (m.t === 'drive') void drive(m.holdSeconds);
  else {
    for (const l of legs) l.sock.close();
    legs = [];
    reply({ t: 'ok' });
  }
});
