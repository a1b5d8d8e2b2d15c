/**
 * Strict RTP against an attacker on another address (127.0.0.2, still loopback) who learns the call's RTP
 * port from the SDP and sends first: it must not receive the call's audio, its RFC 4733 digits must not
 * reach the <Gather> while the real caller's do, and /metrics counts its dropped packets.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { createSipEndpoint, type SipEndpoint } from '../src/voice/sip/index.js';
import { createOffer, parseAnswer, RtpSession } from '../src/voice/media/index.js';
import { toolMissing } from './support/tools.js';
import { FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

const skip = toolMissing('espeak-ng');

let s: TestServer;
let app: FakeApp;
let ep: SipEndpoint;
let number = '';
let sipPort = 0;

before(async () => {
  if (skip) return;
  s = await startTestServer({ sipPort: 0, sipHost: '127.0.0.1' });
  sipPort = s.sb.voice.sipPorts().udp!;
  app = await new FakeApp().start();
  number = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
  ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  if (skip) return;
  await ep.close();
  await s.close();
  await app.stop();
});

async function until(what: string, fn: () => boolean, ms = 15_000): Promise<void> {
  for (let i = 0; i < ms / 20 && !fn(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!fn()) throw new Error(`timed out waiting for ${what}`);
}

/** RTP packets from a bare socket: audio (PCMU) and RFC 4733 events, one SSRC, sequential. */
class Attacker {
  seq = 1000;
  ts = 90_000;
  sent = 0;
  received = 0;
  private constructor(
    readonly sock: Socket,
    private readonly port: number,
  ) {
    sock.on('message', () => void this.received++);
  }
  static async open(port: number): Promise<Attacker> {
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.2', () => resolve()));
    return new Attacker(sock, port);
  }
  private send(pt: number, payload: Buffer, marker = false): void {
    const h = Buffer.alloc(12);
    h[0] = 0x80;
    h[1] = pt | (marker ? 0x80 : 0);
    h.writeUInt16BE(this.seq++ & 0xffff, 2);
    h.writeUInt32BE(this.ts >>> 0, 4);
    h.writeUInt32BE(0x5eed, 8);
    this.sock.send(Buffer.concat([h, payload]), this.port, '127.0.0.1');
    this.sent++;
  }
  audio(packets: number): void {
    for (let i = 0; i < packets; i++) {
      this.send(0, Buffer.alloc(160, 0xff));
      this.ts += 160;
    }
  }
  /** One digit as a phone sends it: growing durations, then three end packets. */
  digit(event: number): void {
    for (let d = 1; d <= 4; d++) this.send(101, Buffer.from([event, 10, (d * 160) >> 8, (d * 160) & 0xff]), d === 1);
    for (let i = 0; i < 3; i++) this.send(101, Buffer.from([event, 0x80 | 10, 0x02, 0x80]));
    this.ts += 800;
  }
  close(): void {
    this.sock.close();
  }
}

test("an attacker who sends RTP first gets no audio, and its digits do not reach <Gather>; the caller's do", { skip }, async () => {
  app.respond((r) => {
    if (r.path !== '/voice') return undefined;
    if (r.params.Digits === undefined)
      return {
        body: '<Response><Gather finishOnKey="#" timeout="10"><Say>Please enter your account number, then press hash. Take your time.</Say></Gather></Response>',
      };
    return { body: '<Response><Hangup/></Response>' };
  });
  const before = await droppedFromMetrics();
  const caller = await RtpSession.open({ host: '127.0.0.1' });
  let heardSpeech = false;
  caller.onAudio = (frame, n) => {
    for (let i = 0; i < n; i++) if (Math.abs(frame[i] ?? 0) > 2000) heardSpeech = true;
  };
  const call = ep.invite(`sip:${number}@127.0.0.1:${sipPort}`, createOffer({ address: '127.0.0.1', port: caller.port }));
  const outcome = await call.result;
  assert.equal(outcome.kind, 'answered');
  const media = outcome.kind === 'answered' ? parseAnswer(outcome.sdp) : null;
  assert.ok(media);
  const attacker = await Attacker.open(media.remotePort);
  try {
    // The attacker read the port from the SDP and sends before the caller does: audio, and a digit 9.
    attacker.audio(10);
    attacker.digit(9);
    await new Promise((r) => setTimeout(r, 100));
    caller.setCodec(media.codec, media.dtmfPayloadType);
    caller.setRemote(media.remoteAddress, media.remotePort);
    await until('the <Say> inside <Gather> to reach the caller', () => heardSpeech);
    await caller.sendDigits('1', { durationMs: 100 });
    attacker.digit(7); // injected mid-Gather, after the caller's stream was learned
    attacker.audio(5);
    await caller.sendDigits('2#', { durationMs: 100, gapMs: 80 });
    const action = await app.waitFor((r) => r.path === '/voice' && r.params.Digits !== undefined, 15_000);
    assert.equal(action.params.Digits, '12');
    assert.equal(action.params.FinishedOnKey, '#');
    assert.equal(attacker.received, 0, 'the attacker received none of the call audio');
    assert.ok(caller.stats.packetsReceived > 0);
    const after = await droppedFromMetrics();
    assert.ok(after - before >= attacker.sent, `dropped ${after - before} of the attacker's ${attacker.sent} packets`);
  } finally {
    attacker.close();
    await call.hangup().catch(() => undefined);
    await caller.close();
  }
});

async function droppedFromMetrics(): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const m = /^switchboard_rtp_packets_dropped_total\{reason="source"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}
