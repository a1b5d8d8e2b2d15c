/**
 * <Dial record> end to end with two virtual phones (real RTP both ways): a dual-channel recording holds the
 * caller's tone on the first channel and the dialled party's on the second (checked by frequency), a mono
 * one from ringing holds both; the action gets RecordingUrl/RecordingSid/RecordingDuration, the Recording
 * resource says DialVerb and its channels, .wav and .mp3 download, and the status callbacks follow
 * recordingStatusCallbackEvent. An unanswered dial keeps no recording (absent).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { channelOf } from '../src/voice/media/dial-recorder.js';
import { decodeMp3To8k } from '../src/voice/media/mp3.js';
import { toneShare } from '../src/voice/media/spectrum.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { validateAgainstSpec } from './support/oai.js';
import { behave as behaveOn } from './support/virtual-phones.js';

const API = 'twilio_api_v2010.json';
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
const callWith = async (caller: string, vr: twilio.twiml.VoiceResponse) => (await s.client.calls.create({ to: caller, from: shop, twiml: vr.toString() })).sid;
const waitAction = (path: string, parent: string) => app.waitFor((r) => r.path === path && r.params.CallSid === parent, 30_000);

/** The PCM16 samples of a WAV's data chunk and its channel count (our .wav: a 44-byte header). */
function wavBody(buf: Buffer): { channels: number; pcm: Int16Array } {
  assert.equal(buf.toString('ascii', 0, 4), 'RIFF');
  const channels = buf.readUInt16LE(22);
  const data = buf.subarray(44);
  return { channels, pcm: new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + (data.length & ~1))) };
}

describe('<Dial record>', () => {
  test('record-from-answer-dual: one party per channel, the action and the Recording say so, .wav and .mp3 are stereo', async () => {
    const alice = '+15550200001';
    const bob = '+15550200002';
    await behave(alice, { Audio: 'tone:700' });
    await behave(bob, { Audio: 'tone:1200', HangupAfter: '3' });
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial({
      action: `${app.base}/rec-done`,
      record: 'record-from-answer-dual',
      recordingStatusCallback: `${app.base}/rec-status`,
      recordingStatusCallbackEvent: ['in-progress', 'completed'],
    }).number(bob);
    const parent = await callWith(alice, vr);
    const done = await waitAction('/rec-done', parent);
    assert.equal(done.params.DialCallStatus, 'completed');
    assert.match(done.params.RecordingSid!, /^RE[0-9a-f]{32}$/);
    assert.equal(done.params.RecordingUrl, `${s.url}/2010-04-01/Accounts/${s.accountSid}/Recordings/${done.params.RecordingSid}`);
    const seconds = Number(done.params.RecordingDuration);
    assert.ok(seconds >= 2 && seconds <= 5, `RecordingDuration ${seconds}`);

    const rec = await s.client.recordings(done.params.RecordingSid!).fetch();
    assert.equal(rec.source, 'DialVerb');
    assert.equal(rec.channels, 2);
    assert.equal(rec.callSid, parent, 'a Dial recording belongs to the parent call');
    const raw = await (await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Recordings/${rec.sid}.json`)).json();
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.recording', raw), []);

    const wav = wavBody(Buffer.from(await (await fetch(`${done.params.RecordingUrl}.wav`)).arrayBuffer()));
    assert.equal(wav.channels, 2);
    const left = channelOf(wav.pcm, 0);
    const right = channelOf(wav.pcm, 1);
    const share = (pcm: Int16Array, hz: number) => toneShare(pcm, hz);
    assert.ok(share(left, 700) > 0.5, `the caller's 700 Hz on the first channel (${share(left, 700)})`);
    assert.ok(share(left, 1200) < 0.05, `not the dialled party's (${share(left, 1200)})`);
    assert.ok(share(right, 1200) > 0.5, `the dialled party's 1200 Hz on the second channel (${share(right, 1200)})`);
    assert.ok(share(right, 700) < 0.05, `not the caller's (${share(right, 700)})`);

    const mp3 = await fetch(`${done.params.RecordingUrl}.mp3`);
    assert.equal(mp3.status, 200);
    const bytes = Buffer.from(await mp3.arrayBuffer());
    const frame = bytes.indexOf(0xff); // the first frame header: its channel mode (bits 7-6 of byte 3) is not mono
    assert.notEqual((bytes[frame + 3]! >> 6) & 3, 3, 'a stereo MP3');
    assert.ok((await decodeMp3To8k(new Uint8Array(bytes))).length > 8000);

    const statuses = await eventually(async () => {
      const got = app.received.filter((r) => r.path === '/rec-status' && r.params.RecordingSid === rec.sid);
      return got.length >= 2 ? got : undefined;
    });
    assert.deepEqual(
      statuses.map((r) => r.params.RecordingStatus),
      ['in-progress', 'completed'],
    );
    const completed = statuses[1]!.params;
    assert.equal(completed.RecordingSource, 'DialVerb');
    assert.equal(completed.RecordingChannels, '2');
    assert.equal(completed.CallSid, parent);
    assert.equal(completed.RecordingDuration, done.params.RecordingDuration);
  });

  test('record-from-ringing mixes both parties into one channel and includes the ringing', async () => {
    const alice = '+15550200011';
    const bob = '+15550200012';
    await behave(alice, { Audio: 'tone:700' });
    await behave(bob, { Audio: 'tone:1200', RingSeconds: '2', HangupAfter: '2' });
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial({ action: `${app.base}/ring-done`, record: 'record-from-ringing' }).number(bob);
    const parent = await callWith(alice, vr);
    const done = await waitAction('/ring-done', parent);
    assert.equal(done.params.DialCallStatus, 'completed');
    assert.ok(Number(done.params.RecordingDuration) >= 3, `ringing + bridge: ${done.params.RecordingDuration} s`);
    const rec = await s.client.recordings(done.params.RecordingSid!).fetch();
    assert.equal(rec.channels, 1);
    const wav = wavBody(Buffer.from(await (await fetch(`${done.params.RecordingUrl}.wav`)).arrayBuffer()));
    assert.equal(wav.channels, 1);
    assert.ok(toneShare(wav.pcm, 700) > 0.2, `the caller (${toneShare(wav.pcm, 700)})`);
    assert.ok(toneShare(wav.pcm, 1200) > 0.1, `the dialled party (${toneShare(wav.pcm, 1200)})`);
    const first = wav.pcm.subarray(0, 8000); // the first second: only the caller (the other still rings)
    assert.ok(toneShare(first, 1200) < 0.05, 'the dialled party is not heard before answering');
  });

  test('the caller hanging up mid-bridge still keeps the recording, and the action is told', async () => {
    const alice = '+15550200031';
    const bob = '+15550200032';
    await behave(alice, { Audio: 'tone:700', HangupAfter: '3' });
    await behave(bob, { Audio: 'tone:1200' });
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial({ action: `${app.base}/gone-done`, record: 'record-from-answer-dual' }).number(bob);
    const parent = await callWith(alice, vr);
    const done = await waitAction('/gone-done', parent);
    assert.equal(done.params.DialCallStatus, 'completed');
    assert.match(done.params.RecordingSid ?? '', /^RE/);
    const wav = wavBody(Buffer.from(await (await fetch(`${done.params.RecordingUrl}.wav`)).arrayBuffer()));
    assert.ok(toneShare(channelOf(wav.pcm, 1), 1200) > 0.5);
  });

  test('a dial nobody answers keeps no recording: no Recording* on the action, `absent` when asked for', async () => {
    const alice = '+15550200021';
    await behave('+15550200022', { Answer: 'busy' });
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial({
      action: `${app.base}/absent-done`,
      record: 'record-from-ringing-dual',
      trim: 'trim-silence',
      recordingStatusCallback: `${app.base}/absent-status`,
      recordingStatusCallbackEvent: ['completed', 'absent'],
    }).number('+15550200022');
    const parent = await callWith(alice, vr);
    const done = await waitAction('/absent-done', parent);
    assert.equal(done.params.DialCallStatus, 'busy');
    assert.equal(done.params.RecordingSid, undefined);
    const absent = await app.waitFor((r) => r.path === '/absent-status' && r.params.CallSid === parent);
    assert.equal(absent.params.RecordingStatus, 'absent');
    assert.equal((await s.client.recordings.list({ callSid: parent })).length, 0);
  });
});
