/**
 * Switchboard against baresip, a real softphone (Debian baresip-core), over 127.0.0.1: baresip calls our
 * number and hears <Say> (its own recording of what it received is speech of the right length), presses a
 * key for <Gather> and speaks into <Record>; calls.create rings baresip; either side hangs up. Below, the SIP
 * endpoint alone (no server): baresip calls it and hears espeak-ng speech, which its sndfile module records;
 * it sends RFC 4733 digits (sndcode); and the endpoint calls baresip.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readWav, rms, generateBeep } from '../src/voice/media/index.js';
import { createSipEndpoint } from '../src/voice/sip/index.js';
import { EspeakEngine } from '../src/voice/tts/index.js';
import { startBaresip, type Baresip } from './support/baresip.js';
import { answerWithMedia, dialWithMedia } from './support/media-call.js';
import { waitFor, within } from '../src/voice/sip/test-support/peers.js';
import { toolMissing } from './support/tools.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

const skip = toolMissing('baresip') || toolMissing('espeak-ng');
const TEXT = 'Thank you for calling the bakery. Your order is ready.';

let s: TestServer;
let app: FakeApp;
let shop = '';
let sipPort = 0;

before(async () => {
  if (skip) return;
  s = await startTestServer({ sipPort: 0, sipHost: '127.0.0.1' });
  sipPort = s.sb.voice.sipPorts().udp!;
  app = await new FakeApp().start();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice`, statusCallback: `${app.base}/status` })).phoneNumber;
});
after(async () => {
  if (skip) return;
  await s.close();
  await app.stop();
});

async function withBaresip(source: Int16Array | undefined, fn: (bs: Baresip) => Promise<void>): Promise<void> {
  const bs = await startBaresip(source ? { source } : {});
  try {
    await fn(bs);
  } finally {
    bs.stop();
  }
}

const final = (sid: string) =>
  eventually(async () => {
    const c = await s.client.calls(sid).fetch();
    return ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(c.status) ? c : undefined;
  }, 20_000);

function heard(wav: Buffer | null): { seconds: number; level: number } {
  assert.ok(wav, 'baresip wrote a recording of what it received');
  const { info, pcm } = readWav(wav);
  assert.equal(info.sampleRate, 8000);
  return { seconds: pcm.length / 8000, level: rms(pcm) };
}

test('baresip calls our number and hears the words <Say> speaks; we hang up at the end of the document', { skip }, async () => {
  const speech = await new EspeakEngine().synthesize({ text: TEXT, voice: 'alice', language: 'en-US' });
  app.respond((r) => (r.path === '/voice' ? { body: `<Response><Say voice="alice">${TEXT}</Say></Response>` } : undefined));
  await withBaresip(undefined, async (bs) => {
    bs.command('dial', `sip:${shop}@127.0.0.1:${sipPort}`);
    const hook = await app.waitFor((r) => r.path === '/voice');
    assert.equal(hook.params.CallStatus, 'ringing');
    assert.equal(hook.params.Direction, 'inbound');
    assert.equal(hook.params.To, shop);
    await bs.waitEvent('CALL_ESTABLISHED');
    await bs.waitEvent('CALL_CLOSED', 20_000);
    await waitFor(() => bs.dump('dec'), 5000, 'sndfile dump');
    const got = heard(bs.dump('dec'));
    const expected = speech.length / 8000;
    assert.ok(got.seconds > expected * 0.8 && got.seconds < expected + 4, `heard ${got.seconds.toFixed(1)} s, speech is ${expected.toFixed(1)} s`);
    assert.ok(got.level > 300, `what baresip heard is not silence (rms ${got.level.toFixed(0)})`);
    const done = await final(hook.params.CallSid!);
    assert.equal(done.status, 'completed');
    const cb = await app.waitFor((r) => r.path === '/status' && r.params.CallSid === hook.params.CallSid);
    assert.equal(cb.params.CallStatus, 'completed');
  });
});

test('a key baresip presses reaches the Gather action; <Record> keeps what baresip played', { skip }, async () => {
  // What baresip sends: 700 Hz for 20 s, so the recording is far from silence.
  const tone = generateBeep({ frequency: 700, durationMs: 20_000, amplitude: 8000 });
  app.respond((r) => {
    if (r.path === '/voice' && r.params.Digits === undefined)
      return { body: '<Response><Gather numDigits="1" timeout="15"><Say>Press a key.</Say></Gather></Response>' };
    if (r.path === '/voice') return { body: '<Response><Record maxLength="3" timeout="5" playBeep="false" action="/recorded"/></Response>' };
    if (r.path === '/recorded') return { body: '<Response><Hangup/></Response>' };
    return undefined;
  });
  await withBaresip(tone, async (bs) => {
    bs.command('dial', `sip:${shop}@127.0.0.1:${sipPort}`);
    await bs.waitEvent('CALL_ESTABLISHED');
    await new Promise((r) => setTimeout(r, 1500));
    bs.command('sndcode', '5');
    const action = await app.waitFor((r) => r.path === '/voice' && r.params.Digits !== undefined, 15_000);
    assert.equal(action.params.Digits, '5');
    const recorded = await app.waitFor((r) => r.path === '/recorded', 15_000);
    const duration = Number(recorded.params.RecordingDuration);
    assert.ok(duration >= 2 && duration <= 4, `RecordingDuration ${duration}`);
    const wav = await fetch(`${recorded.params.RecordingUrl}.wav`);
    assert.equal(wav.status, 200);
    const { pcm } = readWav(Buffer.from(await wav.arrayBuffer()));
    assert.ok(pcm.length / 8000 > 2 && pcm.length / 8000 < 4, `${pcm.length / 8000} s recorded`);
    assert.ok(rms(pcm) > 1000, `the recording holds baresip's tone (rms ${rms(pcm).toFixed(0)})`);
    await bs.waitEvent('CALL_CLOSED', 10_000);
  });
});

test('calls.create to a SIP URI rings baresip and runs the TwiML; statuses and callbacks in order', { skip }, async () => {
  await withBaresip(undefined, async (bs) => {
    const call = await s.client.calls.create({
      to: `sip:bob@127.0.0.1:${bs.sipPort}`,
      from: shop,
      twiml: `<Response><Say>${TEXT}</Say></Response>`,
      statusCallback: `${app.base}/out-status`,
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    await bs.waitEvent('CALL_CLOSED', 20_000);
    assert.equal((await final(call.sid)).status, 'completed');
    await app.waitFor((r) => r.path === '/out-status' && r.params.CallSid === call.sid && r.params.CallStatus === 'completed');
    const statuses = app.received.filter((r) => r.path === '/out-status' && r.params.CallSid === call.sid).map((r) => r.params.CallStatus);
    assert.deepEqual(statuses, ['initiated', 'ringing', 'in-progress', 'completed']);
    await waitFor(() => bs.dump('dec'), 5000, 'sndfile dump');
    assert.ok(heard(bs.dump('dec')).level > 300, 'baresip heard speech');
  });
});

test('baresip hangs up during a long <Pause>: the call is completed and the callback goes out', { skip }, async () => {
  app.respond((r) => (r.path === '/voice' ? { body: '<Response><Pause length="30"/></Response>' } : undefined));
  await withBaresip(undefined, async (bs) => {
    const seen = app.received.length;
    bs.command('dial', `sip:${shop}@127.0.0.1:${sipPort}`);
    const hook = await app.waitFor((r) => r.path === '/voice' && app.received.indexOf(r) >= seen);
    await bs.waitEvent('CALL_ESTABLISHED');
    await eventually(async () => ((await s.client.calls(hook.params.CallSid!).fetch()).status === 'in-progress' ? true : undefined));
    bs.command('hangup');
    const started = Date.now();
    const done = await final(hook.params.CallSid!);
    assert.equal(done.status, 'completed');
    assert.ok(Date.now() - started < 5000, 'ended by the BYE, not by the end of the pause');
  });
});

// ----- The SIP endpoint alone, without the server -----

const ENDPOINT_TEXT = 'Hello from Switchboard. Your call is important to us.';

/** Received audio is speech-like: long enough and clearly not silence. */
function assertHeard(wav: Buffer | null, expectedSamples: number, label: string): void {
  assert.ok(wav, `${label}: baresip wrote a recording`);
  const { info, pcm } = readWav(wav);
  assert.equal(info.sampleRate, 8000);
  assert.ok(pcm.length > expectedSamples * 0.8, `${label}: ${pcm.length} samples recorded, expected about ${expectedSamples}`);
  assert.ok(pcm.length < expectedSamples + 8000 * 4, `${label}: ${pcm.length} samples is far longer than ${expectedSamples}`);
  assert.ok(rms(pcm) > 300, `${label}: recording is not silence (rms ${rms(pcm).toFixed(0)})`);
}

test('endpoint: baresip calls us: we answer with espeak speech (recorded by baresip), it sends DTMF, we hang up', { skip }, async (t) => {
  const speech = await new EspeakEngine().synthesize({ text: ENDPOINT_TEXT, voice: 'alice', language: 'en-US' });
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
  const bs = await startBaresip();
  t.after(async () => {
    bs.stop();
    await ep.close();
  });
  const digits: string[] = [];
  let heardFromBaresip = 0;
  const done = new Promise<void>((resolve, reject) => {
    ep.once('invite', async (call) => {
      try {
        assert.equal(call.requestUser, '+15551230000');
        const rtp = await answerWithMedia(call);
        assert.ok(rtp);
        rtp.on('digit', (d) => digits.push(d));
        rtp.startRecording();
        await bs.waitEvent('CALL_ESTABLISHED');
        bs.command('sndcode', '4');
        await rtp.play(speech);
        await waitFor(() => digits.length >= 1, 5000, 'a digit from baresip');
        heardFromBaresip = rms(rtp.stopRecording() ?? new Int16Array(0));
        await call.bye();
        resolve();
      } catch (err) {
        reject(err);
      }
    });
  });
  bs.command('dial', `sip:+15551230000@127.0.0.1:${ep.ports.udp}`);
  await within(done, 25000, 'the call');
  await bs.waitEvent('CALL_CLOSED');
  assert.deepEqual(digits, ['4']);
  assert.ok(heardFromBaresip > 300, `baresip's tone reached us (rms ${heardFromBaresip})`);
  await waitFor(() => bs.dump('dec'), 5000, 'sndfile dump');
  assertHeard(bs.dump('dec'), speech.length, 'baresip heard our speech');
});

test('endpoint: we call baresip (auto-answer) and play speech to it', { skip }, async (t) => {
  const speech = await new EspeakEngine().synthesize({ text: 'Goodbye.', voice: 'man', language: 'en-GB' });
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
  const bs = await startBaresip();
  t.after(async () => {
    bs.stop();
    await ep.close();
  });
  const { call, rtp, outcome } = await dialWithMedia(ep, `sip:bob@127.0.0.1:${bs.sipPort}`, { timeoutMs: 10000 });
  assert.equal(outcome.kind, 'answered');
  await rtp.play(speech);
  await call.bye();
  await bs.waitEvent('CALL_CLOSED');
  await waitFor(() => bs.dump('dec'), 5000, 'sndfile dump');
  assertHeard(bs.dump('dec'), speech.length, 'baresip heard our speech');
});
