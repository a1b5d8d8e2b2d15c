/**
 * Runs the conference media path once, privately, when an engine thread starts, so that V8 has seen every
 * operation of it with the values real streams carry before the first call's audio arrives.
 *
 * Why: V8 compiles the hot functions (the clock's run, a session's packet handler and tick, the jitter
 * buffer, the mixer) from what it has seen them do. Calls are set up, and their mixers tick on silence, for
 * seconds before audio flows; then every call's audio starts within the same few milliseconds, and V8 throws
 * away code that never saw audio: operations without type feedback, fields first written twice (no longer
 * constant) or first given a 32-bit SSRC past 2^31 (a heap number, not a small integer). Everything then runs
 * in V8's interpreter for a few hundred milliseconds while it compiles again, and the media clock falls
 * 15-25 ms behind (measured in issue 16, `docs/benchmarks.md`). After this warm-up those fields already have
 * their final shapes and the operations their feedback.
 *
 * It uses its own clock (driven by hand, no timer), its own sessions and drop counters, and closes everything
 * when done: nothing of it is visible to calls or metrics. Packets are handed to the sessions directly, not
 * sent to their sockets: a worker thread terminated while one of its UDP sockets receives takes the whole
 * process down (Node's AddressToJS fails), and an engine may be stopped or crash during the warm-up. What the
 * sessions send goes to 127.0.0.1's discard port (9). It takes a few hundred milliseconds of one core, once
 * per thread.
 */
import type { RemoteInfo } from 'node:dgram';
import { serialize } from 'node:v8';
import { MediaClock } from '../clock.js';
import { encodeTable } from '../g711.js';
import { RTP_HEADER_BYTES, writeRtpHeader } from '../rtp.js';
import { RtpSession } from '../session.js';

const PARTICIPANTS = 3;
const SAMPLES = 160;

/** Where the phones send from, and the sessions send to: loopback's discard port. */
const PHONE: RemoteInfo = { address: '127.0.0.1', family: 'IPv4', port: 9, size: RTP_HEADER_BYTES + SAMPLES };

/** What a phone on the far end of a participant sends: a real stream's numbers, including their wraps. */
interface Phone {
  ssrc: number;
  seq: number;
  timestamp: number;
  /** 20 ms of tone (PCMU), and the same quiet. */
  loud: Buffer;
  quiet: Buffer;
  /** A packet held back to be sent after the next one. */
  held: Buffer | null;
}

/**
 * A Buffer of `length` bytes made the way a UDP socket makes the ones it hands over: in C++, which gives them
 * another hidden class than a Buffer made in JavaScript. Fed JavaScript-made packets, V8 compiled the jitter
 * buffer's packet reads for that class alone and threw the code away at the first real packet ("wrong map").
 * `v8.serialize` returns a Buffer made in C++ the same way; its bytes are overwritten.
 */
function socketLikeBuffer(length: number): Buffer {
  for (let n = Math.max(0, length - 8); n <= length; n++) {
    const b = serialize('x'.repeat(n));
    if (b.length === length) return b;
  }
  throw new Error(`no serialized buffer of ${length} bytes`);
}

/** A copy of `src` in a socket-like Buffer. */
function packetOf(src: Buffer): Buffer {
  const b = socketLikeBuffer(src.length);
  src.copy(b);
  return b;
}

function frame(hz: number, amplitude: number): Buffer {
  const table = encodeTable('PCMU');
  const b = Buffer.alloc(RTP_HEADER_BYTES + SAMPLES);
  for (let i = 0; i < SAMPLES; i++) b[RTP_HEADER_BYTES + i] = table[Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000)) & 0xffff] ?? 0;
  return b;
}

function phone(i: number): Phone {
  // SSRCs and timestamps past 2^31 and close to their wraps, sequence numbers about to wrap.
  return { ssrc: 0xf0000000 + i, seq: 0xfff0 + i, timestamp: 0xffff0000 + i * 7, loud: frame(400 + 100 * i, 6000), quiet: frame(400, 20), held: null };
}

/** What went through, for tests: the path ran with audio, and speakers started and stopped. */
export interface WarmUpReport {
  packetsReceived: number;
  speakingChanges: number;
  /** 20 ms frames of the conference's mix (its recording) with sound in them. */
  mixedFramesWithSound: number;
}

/**
 * The warm-up's sessions, closed, kept for the thread's life (a few kilobytes). V8 forgets an object shape,
 * and drops the optimized code and type feedback that name it, once no object has that shape any more; kept,
 * their shapes (with the fields already generalized) are those every later session, jitter buffer and RTP
 * header gets.
 */
const kept: RtpSession[] = [];

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `frames` 20 ms frames through three mixed participants: quiet, two spurts of tone (speakers start and
 * stop twice), and in the first 500 frames a lost packet now and then and a run of them once, late packets,
 * duplicates and pairs out of order; later one participant on hold, then muted.
 */
export async function warmUpMediaPath(frames = 1100): Promise<WarmUpReport> {
  const report: WarmUpReport = { packetsReceived: 0, speakingChanges: 0, mixedFramesWithSound: 0 };
  let now = 0;
  const clock = new MediaClock({ phases: 10, now: () => now });
  const drops = { source: 0, ssrc: 0 };
  const sessions: RtpSession[] = [];
  const phones = Array.from({ length: PARTICIPANTS }, (_, i) => phone(i));
  try {
    for (let i = 0; i < PARTICIPANTS; i++) {
      const session = await RtpSession.open({ host: '127.0.0.1', strict: true, drops, clock });
      session.on('speaking', () => void report.speakingChanges++);
      session.setRemote(PHONE.address, PHONE.port);
      sessions.push(session);
    }
    const home = sessions[0] as RtpSession;
    for (const s of sessions) s.mix(home, { muted: false, hold: false, coach: null });
    home.startRecording(60, 'conference');
    for (let k = 0; k < frames; k++) {
      const loud = (k >= 140 && k < 420) || (k >= 700 && k < 900);
      for (let i = 0; i < PARTICIPANTS; i++) {
        const p = phones[i] as Phone;
        const src = loud ? p.loud : p.quiet;
        const packet = packetOf(src);
        writeRtpHeader(packet, k === 0, 0, p.seq, p.timestamp, p.ssrc);
        p.seq = (p.seq + 1) & 0xffff;
        p.timestamp = (p.timestamp + SAMPLES) >>> 0;
        const deliver = (sessions[i] as RtpSession).receivePacket;
        // Trouble in the first 500 frames only: the jitter buffer revises its depth every 500 (late packets
        // in one window grow it, none in the next shrink it), and both must run.
        const trouble = k < 500;
        if (trouble && (k % 50 === 17 || (k >= 300 && k < 306))) continue; // lost: one, and once a run past concealment
        if (trouble && k % 50 === 29) {
          p.held = packet; // sent after the next one: reordered
          continue;
        }
        deliver(packet, PHONE);
        if (p.held) {
          // While the held one is missing this one waits in the buffer: a copy now is a duplicate.
          deliver(packetOf(packet), PHONE);
          deliver(p.held, PHONE);
        }
        p.held = null;
        if (trouble && k % 50 === 40) {
          // A packet of 10 frames ago: late (its frame went out), and then one from a second and more ago.
          const late = packetOf(src);
          writeRtpHeader(late, false, 0, (p.seq - 11) & 0xffff, (p.timestamp - 11 * SAMPLES) >>> 0, p.ssrc);
          deliver(late, PHONE);
          const older = packetOf(src);
          writeRtpHeader(older, false, 0, (p.seq - 70) & 0xffff, (p.timestamp - 70 * SAMPLES) >>> 0, p.ssrc);
          deliver(older, PHONE);
        }
      }
      // One participant on hold for a while, then muted for a while (out of the mix, then heard by none).
      if (k === 600 || k === 640 || k === 680) {
        const third = sessions[2] as RtpSession;
        third.mix(home, { muted: k === 640, hold: k === 600, coach: null });
      }
      now += 20;
      clock.run();
      // Calls are served between frames.
      await turn();
    }
    for (const s of sessions) report.packetsReceived += s.stats.packetsReceived;
    const mix = await home.takeRecording('conference');
    for (let at = 0; mix && at + SAMPLES <= mix.length; at += SAMPLES) {
      let energy = 0;
      for (let j = at; j < at + SAMPLES; j++) energy += (mix[j] ?? 0) * (mix[j] ?? 0);
      if (energy > 1000 * 1000 * SAMPLES) report.mixedFramesWithSound++;
    }
    for (const s of sessions) s.mix(null);
    return report;
  } finally {
    for (const s of sessions) await s.close();
    kept.push(...sessions);
  }
}
