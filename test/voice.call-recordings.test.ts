/**
 * Recordings of a live call through the API (Twilio's Call Recording resource), end to end with virtual
 * phones (real RTP) and the official SDK: started mid-call, paused (skip: left out; silence: kept as
 * silence), resumed and stopped by sid or Twilio.CURRENT, or finished by the call ending. The file's length
 * is what was recorded (within tolerances), a dual-channel one holds one party per channel (by frequency),
 * the status callbacks come in order with Twilio's parameters, responses validate against the spec, and the
 * errors are Twilio's (21220 for a call not in progress, 20404 for another account's call).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import twilio from 'twilio';
import { channelOf } from '../src/voice/media/dial-recorder.js';
import { toneShare } from '../src/voice/media/spectrum.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { validateAgainstSpec } from './support/oai.js';
import { behave as behaveOn } from './support/virtual-phones.js';

const API = 'twilio_api_v2010.json';
const SCHEMA = 'api.v2010.account.call.call_recording';
let s: TestServer;
let app: FakeApp;
let shop = '';

before(async () => {
  s = await startTestServer();
  app = await new FakeApp().start();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});
after(async () => {
  await s.close();
  await app.stop();
});

const behave = (phone: string, form: Record<string, string | string[]>) => behaveOn(s, phone, form);
const callWith = async (to: string, vr: twilio.twiml.VoiceResponse) => (await s.client.calls.create({ to, from: shop, twiml: vr.toString() })).sid;
const answered = (sid: string) => eventually(async () => ((await s.client.calls(sid).fetch()).status === 'in-progress' ? true : undefined), 15_000);
const recordingPath = (sid: string, rec: string) => `/2010-04-01/Accounts/${s.accountSid}/Calls/${sid}/Recordings/${rec}.json`;
const raw = async (path: string) => (await (await s.fetch(path)).json()) as Record<string, unknown>;

function wavBody(buf: Buffer): { channels: number; pcm: Int16Array } {
  assert.equal(buf.toString('ascii', 0, 4), 'RIFF');
  const channels = buf.readUInt16LE(22);
  const data = buf.subarray(44);
  return { channels, pcm: new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + (data.length & ~1))) };
}
const wavOf = async (rec: string) => wavBody(Buffer.from(await (await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Recordings/${rec}.wav`)).arrayBuffer()));

/** The longest run of 20 ms frames with no sample above `level`, in seconds. */
function longestSilence(pcm: Int16Array, level = 300): number {
  let best = 0;
  let run = 0;
  for (let at = 0; at + 160 <= pcm.length; at += 160) {
    let loud = false;
    for (let i = at; i < at + 160 && !loud; i++) loud = Math.abs(pcm[i] ?? 0) > level;
    run = loud ? 0 : run + 1;
    best = Math.max(best, run);
  }
  return (best * 160) / 8000;
}

describe('Call Recordings API', () => {
  test('dual channel, started mid-call: pause (skip), resume, stop; the file is the recorded time, one party per channel, callbacks in order', async () => {
    const alice = '+15550300001';
    const bob = '+15550300002';
    await behave(alice, { Audio: 'tone:700' });
    await behave(bob, { Audio: 'tone:1200', HangupAfter: '30' });
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial().number(bob);
    const parent = await callWith(alice, vr);
    await answered(parent);
    await eventually(async () => ((await s.client.calls.list({ parentCallSid: parent }))[0]?.status === 'in-progress' ? true : undefined), 15_000);
    await sleep(500); // the bridge carries audio both ways

    const t0 = Date.now();
    const rec = await s.client.calls(parent).recordings.create({
      recordingChannels: 'dual',
      recordingStatusCallback: `${app.base}/rec-status`,
      recordingStatusCallbackEvent: ['in-progress', 'completed'],
    });
    assert.match(rec.sid, /^RE[0-9a-f]{32}$/);
    assert.equal(rec.status, 'in-progress');
    assert.equal(rec.duration, '-1');
    assert.equal(rec.channels, 2);
    assert.equal(rec.source, 'StartCallRecordingAPI');
    assert.equal(rec.callSid, parent);
    await sleep(1500);
    const t1 = Date.now();
    const paused = await s.client.calls(parent).recordings(rec.sid).update({ status: 'paused', pauseBehavior: 'skip' });
    assert.equal(paused.status, 'paused');
    await sleep(2000);
    const t2 = Date.now();
    const resumed = await s.client.calls(parent).recordings('Twilio.CURRENT').update({ status: 'in-progress' });
    assert.equal(resumed.sid, rec.sid, 'Twilio.CURRENT is the recording going on');
    assert.equal(resumed.status, 'in-progress');
    await sleep(1500);
    const live = await raw(recordingPath(parent, 'Twilio.CURRENT'));
    assert.deepEqual(validateAgainstSpec(API, SCHEMA, live), []);
    assert.equal(live.status, 'in-progress');
    assert.equal(live.duration, '-1');
    const t3 = Date.now();
    const stopped = await s.client.calls(parent).recordings(rec.sid).update({ status: 'stopped' });
    assert.equal(stopped.status, 'stopped');

    const done = await raw(recordingPath(parent, rec.sid));
    assert.deepEqual(validateAgainstSpec(API, SCHEMA, done), []);
    assert.equal(done.status, 'completed');
    const recorded = (t1 - t0 + (t3 - t2)) / 1000;
    const wav = await wavOf(rec.sid);
    assert.equal(wav.channels, 2);
    const seconds = wav.pcm.length / 2 / 8000;
    assert.ok(Math.abs(seconds - recorded) < 0.8, `the file is ${seconds} s, recorded (without the pause) ${recorded} s`);
    assert.ok(seconds < (t3 - t0) / 1000 - 1, 'the paused time is left out');
    const left = channelOf(wav.pcm, 0);
    const right = channelOf(wav.pcm, 1);
    assert.ok(toneShare(left, 700) > 0.5 && toneShare(left, 1200) < 0.05, `the call's party on the first channel (${toneShare(left, 700)})`);
    assert.ok(toneShare(right, 1200) > 0.5 && toneShare(right, 700) < 0.05, `the other party on the second (${toneShare(right, 1200)})`);

    const statuses = await eventually(async () => {
      const got = app.received.filter((r) => r.path === '/rec-status' && r.params.RecordingSid === rec.sid);
      return got.length >= 2 ? got : undefined;
    });
    assert.deepEqual(
      statuses.map((r) => r.params.RecordingStatus),
      ['in-progress', 'completed'],
    );
    const completed = statuses[1]!.params;
    assert.equal(completed.RecordingSource, 'StartCallRecordingAPI');
    assert.equal(completed.RecordingChannels, '2');
    assert.equal(completed.CallSid, parent);
    assert.equal(completed.AccountSid, s.accountSid);
    assert.equal(completed.RecordingUrl, `${s.url}/2010-04-01/Accounts/${s.accountSid}/Recordings/${rec.sid}`);
    assert.equal(completed.RecordingDuration, done.duration);
    assert.equal(Number(completed.RecordingDuration), Math.max(1, Math.round(seconds)));
    await s.client.calls(parent).update({ status: 'completed' });
  });

  test('mono with PauseBehavior=silence keeps the paused time as silence; the call ending completes the recording', async () => {
    const alice = '+15550300011';
    await behave(alice, { Audio: 'tone:700' });
    const vr = new twilio.twiml.VoiceResponse();
    vr.pause({ length: 30 });
    const sid = await callWith(alice, vr);
    await answered(sid);
    await sleep(300);
    const t0 = Date.now();
    const rec = await s.client.calls(sid).recordings.create({ recordingStatusCallback: `${app.base}/mono-status` });
    assert.equal(rec.channels, 1);
    await assert.rejects(
      s.client.calls(sid).recordings.create(),
      (e: { status: number; code: number }) => e.status === 400 && e.code === 21220,
      'one recording at a time',
    );
    await sleep(1000);
    const t1 = Date.now();
    await s.client.calls(sid).recordings(rec.sid).update({ status: 'paused' }); // silence is the default
    await sleep(2000);
    const t2 = Date.now();
    await s.client.calls(sid).recordings(rec.sid).update({ status: 'in-progress' });
    await sleep(1000);
    const t3 = Date.now();
    await s.client.calls(sid).update({ status: 'completed' });

    const status = await app.waitFor((r) => r.path === '/mono-status' && r.params.RecordingSid === rec.sid, 15_000);
    assert.equal(status.params.RecordingStatus, 'completed', 'only completed by default');
    assert.equal((await s.client.calls(sid).recordings(rec.sid).fetch()).status, 'completed');
    const wav = await wavOf(rec.sid);
    assert.equal(wav.channels, 1);
    const seconds = wav.pcm.length / 8000;
    const whole = (t3 - t0) / 1000;
    assert.ok(Math.abs(seconds - whole) < 0.8, `the file is ${seconds} s, the recording's whole time ${whole} s`);
    const pause = (t2 - t1) / 1000;
    const silent = longestSilence(wav.pcm);
    assert.ok(Math.abs(silent - pause) < 0.5, `a ${silent} s silence for the ${pause} s pause`);
    assert.ok(toneShare(wav.pcm, 700) > 0.2, 'the tone around it');
    assert.deepEqual(
      (await s.client.calls(sid).recordings.list()).map((r) => r.sid),
      [rec.sid],
    );
  });

  test('a leg placed by <Dial> is recorded too: itself first, the caller second; its hangup completes the recording', async () => {
    const alice = '+15550300031';
    const bob = '+15550300032';
    await behave(alice, { Audio: 'tone:700' });
    await behave(bob, { Audio: 'tone:1200', HangupAfter: '4' });
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial().number(bob);
    const parent = await callWith(alice, vr);
    const child = await eventually(async () => {
      const c = (await s.client.calls.list({ parentCallSid: parent }))[0];
      return c?.status === 'in-progress' ? c.sid : undefined;
    }, 15_000);
    await sleep(300);
    const rec = await s.client.calls(child).recordings.create({ recordingChannels: 'dual', recordingStatusCallback: `${app.base}/leg-status` });
    assert.equal(rec.callSid, child);
    const status = await app.waitFor((r) => r.path === '/leg-status' && r.params.RecordingSid === rec.sid, 15_000);
    assert.equal(status.params.RecordingStatus, 'completed');
    assert.equal(status.params.CallSid, child);
    const wav = await wavOf(rec.sid);
    assert.equal(wav.channels, 2);
    const left = channelOf(wav.pcm, 0);
    const right = channelOf(wav.pcm, 1);
    assert.ok(toneShare(left, 1200) > 0.5 && toneShare(left, 700) < 0.05, `the leg's party first (${toneShare(left, 1200)})`);
    assert.ok(toneShare(right, 700) > 0.5 && toneShare(right, 1200) < 0.05, `the caller second (${toneShare(right, 700)})`);
  });

  test("Twilio's errors: a call not in progress is 21220, another account's call 20404, an unknown recording 20404", async () => {
    const alice = '+15550300021';
    await behave(alice, { Audio: 'tone:700' });
    const vr = new twilio.twiml.VoiceResponse();
    vr.pause({ length: 30 });
    const sid = await callWith(alice, vr);
    await answered(sid);

    const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'tenant' });
    const tenant = s.clientFor(sub.sid, sub.authToken);
    await assert.rejects(tenant.calls(sid).recordings.create(), (e: { status: number; code: number }) => e.status === 404 && e.code === 20404);
    await assert.rejects(
      s.client
        .calls(sid)
        .recordings(`RE${'0'.repeat(32)}`)
        .update({ status: 'paused' }),
      (e: { status: number; code: number }) => e.status === 404 && e.code === 20404,
    );
    await assert.rejects(
      s.client.calls(sid).recordings('Twilio.CURRENT').update({ status: 'stopped' }),
      (e: { status: number; code: number }) => e.status === 404 && e.code === 20404,
      'no recording going on',
    );
    const bad = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Calls/${sid}/Recordings.json`, { method: 'POST', form: { RecordingChannels: 'quad' } });
    assert.equal(bad.status, 400);

    await s.client.calls(sid).update({ status: 'completed' });
    await eventually(async () => ((await s.client.calls(sid).fetch()).status === 'completed' ? true : undefined));
    await assert.rejects(s.client.calls(sid).recordings.create(), (e: { status: number; code: number }) => e.status === 400 && e.code === 21220);
  });
});
