/**
 * Media Streams with a real SIP peer as the caller: baresip (Debian baresip-core) calls a number whose TwiML,
 * built with the SDK's VoiceResponse().connect().stream(), connects it to a voice agent written the way
 * Twilio's public samples are (a `ws` server; every media frame echoed back as it arrives, a mark to learn
 * when the echo was heard, a digit answered with a tone that barge-in clears). baresip hears its own 700 Hz
 * back, its RFC 4733 key reaches the agent as a dtmf message, the cleared answer stops short, and the app's
 * close moves the call on to Connect's action.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import twilio from 'twilio';
import { WebSocketServer } from 'ws';
import { decodeToPcm, encodePcm, generateBeep, readWav, rms, tone, toneShare } from '../src/voice/media/index.js';
import { waitFor } from '../src/voice/sip/test-support/peers.js';
import { toolMissing } from './support/tools.js';
import { startBaresip } from './support/baresip.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

const skip = toolMissing('baresip');

type Msg = Record<string, unknown> & { event: string };

let s: TestServer;
let app: FakeApp;
let sipPort = 0;
const agentHttp = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: agentHttp });
const got: Msg[] = [];
let agentBase = '';

/** The agent, as the samples write one: parse each message, answer by event. */
wss.on('connection', (ws) => {
  let streamSid = '';
  let frames = 0;
  let talking = false;
  const send = (m: unknown) => ws.send(JSON.stringify(m));
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as Msg;
    got.push(msg);
    if (msg.event === 'start') streamSid = String(msg.streamSid);
    if (msg.event === 'media' && !talking) {
      // Echo: each caller frame straight back; after a second of it, a mark.
      send({ event: 'media', streamSid, media: { payload: (msg.media as Msg).payload } });
      if (++frames === 50) send({ event: 'mark', streamSid, mark: { name: 'echo' } });
    }
    if (msg.event === 'dtmf') {
      // A key: answer with 5 s of 1100 Hz; the caller "talks over it" 0.6 s later and the agent clears.
      talking = true;
      send({ event: 'media', streamSid, media: { payload: encodePcm('PCMU', tone(1100, 5000)).toString('base64') } });
      send({ event: 'mark', streamSid, mark: { name: 'answer' } });
      setTimeout(() => send({ event: 'clear', streamSid }), 600);
    }
    if (msg.event === 'mark' && (msg.mark as Msg).name === 'answer') setTimeout(() => ws.close(1000), 500);
  });
});

before(async () => {
  if (skip) return;
  // Media on the main thread here (voice.streams.test.ts runs on engine threads): both ways a session gets its streams factory.
  s = await startTestServer({ sipPort: 0, sipHost: '127.0.0.1', mediaWorkers: 0 });
  sipPort = s.sb.voice.sipPorts().udp!;
  app = await new FakeApp().start();
  await new Promise<void>((r) => agentHttp.listen(0, '127.0.0.1', r));
  agentBase = `ws://127.0.0.1:${(agentHttp.address() as AddressInfo).port}`;
});
after(async () => {
  if (skip) return;
  await s.close();
  await app.stop();
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(r));
  await new Promise((r) => agentHttp.close(r));
});

/** Milliseconds of `pcm` (20 ms frames) that are mostly `hz` and not silence. */
function toneMs(pcm: Int16Array, hz: number): number {
  let ms = 0;
  for (let at = 0; at + 160 <= pcm.length; at += 160) {
    const frame = pcm.subarray(at, at + 160);
    if (rms(frame) > 300 && toneShare(frame, hz) > 0.5) ms += 20;
  }
  return ms;
}

test('baresip calls a <Connect><Stream> number: it hears its own audio echoed, its key reaches the agent, clear cuts the answer', { skip }, async () => {
  const number = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
  app.respond((r) => {
    if (r.path === '/voice') {
      const vr = new twilio.twiml.VoiceResponse();
      vr.connect({ action: '/after' }).stream({ url: `${agentBase}/agent` });
      return { body: vr.toString() };
    }
    if (r.path === '/after') return { body: new twilio.twiml.VoiceResponse().hangup().toString() };
    return undefined;
  });
  // baresip sends 700 Hz for 2 s, then silence.
  const bs = await startBaresip({ source: generateBeep({ frequency: 700, durationMs: 2000, amplitude: 8000 }) });
  try {
    bs.command('dial', `sip:${number}@127.0.0.1:${sipPort}`);
    await bs.waitEvent('CALL_ESTABLISHED');
    // The echo mark comes back once its second of echoed audio has been played to baresip.
    await eventually(async () => (got.some((m) => m.event === 'mark') ? true : undefined), 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    bs.command('sndcode', '5');
    const after = await app.waitFor((r) => r.path === '/after', 20_000);
    assert.equal(after.params.To, number);
    await bs.waitEvent('CALL_CLOSED', 15_000);

    assert.deepEqual(got[0], { event: 'connected', protocol: 'Call', version: '1.0.0' });
    assert.equal(got[1]?.event, 'start');
    assert.equal(((got[1] as Msg).start as Msg).callSid, after.params.CallSid);
    const dtmf = got.filter((m) => m.event === 'dtmf');
    assert.deepEqual(
      dtmf.map((m) => m.dtmf),
      [{ track: 'inbound_track', digit: '5' }],
    );
    assert.deepEqual(
      got.filter((m) => m.event === 'mark').map((m) => (m.mark as Msg).name),
      ['echo', 'answer'],
    );
    // What baresip sent reached the agent.
    const inbound = decodeToPcm(
      'PCMU',
      Buffer.concat(got.filter((m) => m.event === 'media').map((m) => Buffer.from(String((m.media as Msg).payload), 'base64'))),
    );
    assert.ok(toneMs(inbound, 700) >= 1500, `the agent got baresip's 700 Hz (${toneMs(inbound, 700)} ms)`);

    // What baresip heard: its own tone back, and the answer cut short by clear (0.6 s of 5 s).
    await waitFor(() => bs.dump('dec'), 5000, 'sndfile dump');
    const heard = readWav(bs.dump('dec') as Buffer).pcm;
    const echoed = toneMs(heard, 700);
    const answered = toneMs(heard, 1100);
    assert.ok(echoed >= 1500, `baresip heard its 700 Hz echoed (${echoed} ms)`);
    assert.ok(answered >= 300 && answered <= 1500, `baresip heard the answer until clear, not its 5 s (${answered} ms)`);
    const done = await eventually(async () => {
      const c = await s.client.calls(after.params.CallSid!).fetch();
      return c.status === 'completed' ? c : undefined;
    }, 15_000);
    assert.equal(done.status, 'completed');
  } finally {
    bs.stop();
  }
});
