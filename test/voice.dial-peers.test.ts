/**
 * <Dial> against real SIP peers over 127.0.0.1. baresip A calls our number, whose TwiML (built by the
 * official SDK) dials baresip B by SIP URI with a dual-channel recording: each softphone's own recording of
 * what it received holds the other's tone, and the Recording has A on its first channel and B on its second
 * (checked by frequency). SIPp: two UAS dialled at once, one answers and the other gets CANCEL; a 486 gives
 * DialCallStatus=busy and a UAS that only rings gives no-answer (and gets CANCEL when the timeout runs out).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { channelOf } from '../src/voice/media/dial-recorder.js';
import { concatPcm, generateBeep, readWav, silence, toneShare } from '../src/voice/media/index.js';
import { freePort, freePortRange, spawnPeer, tempDir, waitFor, waitForUdpListener, within } from '../src/voice/sip/test-support/peers.js';
import { toolMissing } from './support/tools.js';
import { startBaresip } from './support/baresip.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { UAS_BUSY, UAS_ECHO, UAS_RING_CANCEL } from './support/sipp-scenarios.js';

const SIPP = '/usr/bin/sipp';
const noBaresip = toolMissing('baresip');
const noSipp = toolMissing('sipp');

let s: TestServer;
let app: FakeApp;
let shop = '';
let sipPort = 0;
const dir = tempDir('sb-dial-peers');

before(async () => {
  s = await startTestServer({ sipPort: 0, sipHost: '127.0.0.1' });
  sipPort = s.sb.voice.sipPorts().udp!;
  app = await new FakeApp().start();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});
after(async () => {
  dir.remove();
  await s.close();
  await app.stop();
});

/** A tone for `ms`, then silence (baresip hangs up when its source file ends). */
const toneThenSilence = (hz: number, ms: number) => concatPcm([generateBeep({ frequency: hz, durationMs: ms, amplitude: 8000 }), silence(1000)]);

function sipp(name: string, xml: string, args: string[]) {
  const path = join(dir.path, name);
  writeFileSync(path, xml);
  return spawnPeer(SIPP, ['-sf', path, ...args, '-i', '127.0.0.1', '-nostdin', '-m', '1', '-timeout', '25s', '-timeout_error'], dir.path);
}
async function exitCode(peer: ReturnType<typeof spawnPeer>): Promise<number | null> {
  try {
    return await within(peer.exited, 30_000, 'sipp');
  } finally {
    peer.kill();
  }
}
const waitAction = (path: string, parent?: string) => app.waitFor((r) => r.path === path && (parent === undefined || r.params.CallSid === parent), 30_000);
const callWith = async (caller: string, vr: twilio.twiml.VoiceResponse) => (await s.client.calls.create({ to: caller, from: shop, twiml: vr.toString() })).sid;

describe('<Dial> with real SIP peers', () => {
  test("baresip A dials baresip B through us: each hears the other's tone, the dual recording has one per channel", { skip: noBaresip }, async () => {
    const a = await startBaresip({ source: toneThenSilence(700, 12_000), user: 'alice' });
    const b = await startBaresip({ source: toneThenSilence(1200, 12_000), user: 'bob' });
    try {
      app.respond((r) => {
        if (r.path !== '/voice') return undefined;
        const vr = new twilio.twiml.VoiceResponse();
        vr.dial({ action: '/peers-done', record: 'record-from-answer-dual', timeout: 10 }).sip(`sip:bob@127.0.0.1:${b.sipPort}`);
        return { body: vr.toString() };
      });
      a.command('dial', `sip:${shop}@127.0.0.1:${sipPort}`);
      await a.waitEvent('CALL_ESTABLISHED');
      await b.waitEvent('CALL_ESTABLISHED');
      await new Promise((r) => setTimeout(r, 4000));
      a.command('hangup');
      const done = await waitAction('/peers-done');
      assert.equal(done.params.DialCallStatus, 'completed');
      const child = await s.client.calls(done.params.DialCallSid!).fetch();
      assert.equal(child.to, `sip:bob@127.0.0.1:${b.sipPort}`);
      assert.equal(child.direction, 'outbound-dial');
      await b.waitEvent('CALL_CLOSED', 10_000);
      await a.waitEvent('CALL_CLOSED', 10_000);

      const got = async (bs: typeof a) => readWav(await waitFor(() => bs.dump('dec'), 5000, 'sndfile dump')).pcm;
      const heardByA = await got(a);
      const heardByB = await got(b);
      assert.ok(toneShare(heardByA, 1200) > 0.3, `A heard B's 1200 Hz (${toneShare(heardByA, 1200).toFixed(2)})`);
      assert.ok(toneShare(heardByA, 700) < 0.05, `A did not hear itself (${toneShare(heardByA, 700).toFixed(2)})`);
      assert.ok(toneShare(heardByB, 700) > 0.3, `B heard A's 700 Hz (${toneShare(heardByB, 700).toFixed(2)})`);
      assert.ok(toneShare(heardByB, 1200) < 0.05, `B did not hear itself (${toneShare(heardByB, 1200).toFixed(2)})`);

      assert.equal((await s.client.recordings(done.params.RecordingSid!).fetch()).channels, 2);
      const wav = Buffer.from(await (await fetch(`${done.params.RecordingUrl}.wav`)).arrayBuffer());
      const stereo = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length - ((wav.length - 44) & 1)));
      const left = channelOf(stereo, 0);
      const right = channelOf(stereo, 1);
      assert.ok(toneShare(left, 700) > 0.5 && toneShare(left, 1200) < 0.05, `A on the first channel (${toneShare(left, 700).toFixed(2)})`);
      assert.ok(toneShare(right, 1200) > 0.5 && toneShare(right, 700) < 0.05, `B on the second channel (${toneShare(right, 1200).toFixed(2)})`);
    } finally {
      a.stop();
      b.stop();
    }
  });

  test('two SIPp UAS dialled at once: one answers and is bridged, the other gets CANCEL', { skip: noSipp }, async () => {
    const echoPort = await freePort();
    const ringPort = await freePort();
    const echo = sipp('echo.xml', UAS_ECHO, ['-p', String(echoPort), '-mp', String(await freePortRange(4)), '-rtp_echo']);
    const ring = sipp('ring.xml', UAS_RING_CANCEL, ['-p', String(ringPort)]);
    await Promise.all([waitForUdpListener(echoPort), waitForUdpListener(ringPort)]);
    const vr = new twilio.twiml.VoiceResponse();
    const dial = vr.dial({ action: `${app.base}/race-done`, timeLimit: 3 });
    dial.sip(`sip:ring@127.0.0.1:${ringPort}`);
    dial.sip(`sip:echo@127.0.0.1:${echoPort}`);
    const parent = await callWith('+15550400001', vr);
    const done = await waitAction('/race-done', parent);
    assert.equal(done.params.DialCallStatus, 'completed');
    assert.equal(done.params.DialBridged, 'true');
    const byTo = new Map((await s.client.calls.list({ parentCallSid: parent })).map((c) => [c.to, c]));
    assert.equal(done.params.DialCallSid, byTo.get(`sip:echo@127.0.0.1:${echoPort}`)!.sid);
    assert.equal(await exitCode(ring), 0, `the ringing UAS got CANCEL: ${ring.output()}`);
    assert.equal(await exitCode(echo), 0, `the answering UAS got our BYE at timeLimit: ${echo.output()}`);
    await eventually(async () => {
      const c = await s.client.calls(byTo.get(`sip:ring@127.0.0.1:${ringPort}`)!.sid).fetch();
      return c.status === 'canceled' ? c : undefined;
    });
  });

  test('SIPp busy (486) gives DialCallStatus=busy; one that only rings gives no-answer and gets CANCEL', { skip: noSipp }, async () => {
    const busyPort = await freePort();
    const busy = sipp('busy.xml', UAS_BUSY, ['-p', String(busyPort)]);
    await waitForUdpListener(busyPort);
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial({ action: `${app.base}/busy-done` }).sip(`sip:busy@127.0.0.1:${busyPort}`);
    const parent = await callWith('+15550400011', vr);
    const busyDone = await waitAction('/busy-done', parent);
    assert.equal(busyDone.params.DialCallStatus, 'busy');
    assert.equal((await s.client.calls(busyDone.params.DialCallSid!).fetch()).status, 'busy');
    assert.equal(await exitCode(busy), 0, busy.output());

    const ringPort = await freePort();
    const ring = sipp('ring-out.xml', UAS_RING_CANCEL, ['-p', String(ringPort)]);
    await waitForUdpListener(ringPort);
    const vr2 = new twilio.twiml.VoiceResponse();
    vr2.dial({ action: `${app.base}/noans-done`, timeout: 2 }).sip(`sip:ring@127.0.0.1:${ringPort}`);
    const parent2 = await callWith('+15550400012', vr2);
    const noAnswer = await waitAction('/noans-done', parent2);
    assert.equal(noAnswer.params.DialCallStatus, 'no-answer');
    assert.equal((await s.client.calls(noAnswer.params.DialCallSid!).fetch()).status, 'no-answer');
    assert.equal(await exitCode(ring), 0, `the UAS got CANCEL when the timeout ran out: ${ring.output()}`);
  });
});
