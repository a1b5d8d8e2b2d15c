// One RTP driver thread of the bridged-calls benchmark (voice-bridge.ts): it owns both legs' UDP sockets of
// its share of the calls, so each packet's send and receive times come from one clock, and the sending and
// receiving of different threads do not wait on each other.
import { createSocket, type Socket } from 'node:dgram';
import { parentPort } from 'node:worker_threads';

export type ToDriver = { t: 'open'; legs: number } | { t: 'remotes'; remotes: number[] } | { t: 'drive'; holdSeconds: number; phases: number } | { t: 'close' };
export type FromDriver = { t: 'opened'; ports: number[] } | { t: 'ok' } | { t: 'driven'; sent: number; received: number; hist: Uint32Array };

const MAGIC = 0x53424252; // 'SBBR': our packets, not ringback sent before the bridge
const PACKET = 12 + 160;

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
const reply = (m: FromDriver, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

async function open(count: number): Promise<number[]> {
  legs = await Promise.all(
    Array.from({ length: count }, async () => {
      const sock = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
      await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
      return { sock, remote: 0, ssrc: (Math.random() * 0xffffffff) >>> 0, seq: 0, ts: 0, buf: Buffer.alloc(PACKET, 0xff) };
    }),
  );
  return legs.map((l) => l.sock.address().port);
}

/**
 * Every leg with a remote sends one packet per 20 ms on a fixed grid of `phases` steps: with 4, a quarter of
 * the legs send together every 5 ms (bursts, as the engine's own clock sends); with 20, a twentieth every
 * millisecond, closer to independent phones whose packets arrive spread over the 20 ms.
 */
async function drive(holdSeconds: number, phases: number): Promise<void> {
  const active = legs.filter((l) => l.remote !== 0);
  const hist = new Uint32Array(1001); // 0.1 ms buckets up to 100 ms
  let received = 0;
  const onMessage = (msg: Buffer): void => {
    if (msg.length < 24 || msg.readUInt32BE(20) !== MAGIC) return;
    hist[Math.min(1000, Math.max(0, Math.round((performance.now() - msg.readDoubleLE(12)) * 10)))]!++;
    received++;
  };
  for (const l of active) l.sock.on('message', onMessage);
  let sent = 0;
  const t0 = performance.now();
  const step = 20 / phases;
  for (let k = 0; k < holdSeconds * 50 * phases; k++) {
    const due = t0 + k * step;
    while (performance.now() < due) await sleep(Math.max(1, Math.ceil(due - performance.now())));
    for (let i = k % phases; i < active.length; i += phases) {
      const l = active[i]!;
      const b = l.buf;
      b[0] = 0x80;
      b[1] = 0;
      b.writeUInt16BE(l.seq, 2);
      b.writeUInt32BE(l.ts >>> 0, 4);
      b.writeUInt32BE(l.ssrc, 8);
      b.writeDoubleLE(performance.now(), 12);
      b.writeUInt32BE(MAGIC, 20);
      l.seq = (l.seq + 1) & 0xffff;
      l.ts += 160;
      l.sock.send(b, l.remote, '127.0.0.1');
      sent++;
    }
  }
  await sleep(1000); // stragglers
  for (const l of active) l.sock.off('message', onMessage);
  reply({ t: 'driven', sent, received, hist }, [hist.buffer as ArrayBuffer]);
}

port.on('message', (m: ToDriver) => {
  if (m.t === 'open') void open(m.legs).then((ports) => reply({ t: 'opened', ports }));
  else if (m.t === 'remotes') {
    m.remotes.forEach((r, i) => {
      if (legs[i]) legs[i].remote = r;
    });
    reply({ t: 'ok' });
  } else if (m.t === 'drive') void drive(m.holdSeconds, m.phases);
  else {
    for (const l of legs) l.sock.close();
    legs = [];
    reply({ t: 'ok' });
  }
});
