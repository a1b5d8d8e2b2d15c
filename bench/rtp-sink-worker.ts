// The RTP sink of `npm run bench:voice` (rate, levels and churn parts) on its own thread: one UDP port all
// calls send their RTP to, counting packets, sequence gaps (loss) and interarrival jitter per SSRC. It stands
// for the far-end phones, which in real life have their own CPUs: on its own thread (and, with
// --drivers-realtime, at real-time priority, set by DriverThread) its receive times measure Switchboard's
// sending, not how long the benchmark's main thread (TwiML server, SIPp bookkeeping) kept it waiting.
import { createSocket } from 'node:dgram';
import { parentPort } from 'node:worker_threads';
import { histogramQuantileMs } from './lib.js';

export type ToSink = { t: 'open' } | { t: 'reset' } | { t: 'report' };
export interface SinkReport {
  streams: number;
  packets: number;
  lost: number;
  jitterP99Ms: number;
}
export type FromSink = { t: 'opened'; port: number } | { t: 'ok' } | ({ t: 'report' } & SinkReport);

const sock = createSocket({ type: 'udp4', recvBufferSize: 16 * 1024 * 1024 });
const streams = new Map<number, { first: number; last: number; count: number; transit: number }>();
// |D(i-1, i)| of RFC 3550 6.4.1 for every packet, in 0.1 ms buckets: the raw jitter samples, not the smoothed estimate.
const jitter = new Uint32Array(1001);

sock.on('message', (msg) => {
  if (msg.length < 12) return;
  const seq = msg.readUInt16BE(2);
  const ts = msg.readUInt32BE(4);
  const ssrc = msg.readUInt32BE(8);
  const arrival = (performance.now() * 8) | 0; // in 8 kHz units, as RFC 3550 6.4.1 computes jitter
  let s = streams.get(ssrc);
  if (!s) {
    s = { first: seq, last: seq, count: 0, transit: arrival - ts };
    streams.set(ssrc, s);
  }
  const ahead = (seq - s.last) & 0xffff;
  if (ahead < 0x8000) s.last = seq;
  s.count++;
  const transit = arrival - ts;
  if (s.count > 1) jitter[Math.min(1000, Math.round(Math.abs(transit - s.transit) / 0.8))]!++;
  s.transit = transit;
});

function report(): SinkReport {
  let packets = 0,
    lost = 0;
  for (const s of streams.values()) {
    const expected = ((s.last - s.first) & 0xffff) + 1;
    packets += s.count;
    lost += Math.max(0, expected - s.count);
  }
  return { streams: streams.size, packets, lost, jitterP99Ms: histogramQuantileMs(jitter, 0.99) };
}

const port = parentPort!;
const reply = (m: FromSink) => port.postMessage(m);
port.on('message', (m: ToSink) => {
  if (m.t === 'open') sock.bind(0, '127.0.0.1', () => reply({ t: 'opened', port: sock.address().port }));
  else if (m.t === 'reset') {
    streams.clear();
    jitter.fill(0);
    reply({ t: 'ok' });
  } else if (m.t === 'report') reply({ t: 'report', ...report() });
  else {
    sock.close();
    port.close();
  }
});
