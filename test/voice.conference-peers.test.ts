/**
 * Conferences with real SIP peers over 127.0.0.1. Three baresip softphones call our number, whose TwiML
 * (official SDK) puts them in one conference; each plays its own tone, and each one's own recording of what
 * it received holds the other two tones and not its own (frequency analysis), until one is muted through the
 * Participants API: from then on the others no longer hear it. A SIPp UAS that echoes RTP is dialled into a
 * conference through the Participants API: the baresip party in it then hears its own tone come back.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { concatPcm, generateBeep, readWav, silence, toneShare } from '../src/voice/media/index.js';
import { freePort, freePortRange, hasBinary, spawnPeer, tempDir, waitFor, within } from '../src/voice/sip/test-support/peers.js';
import { BARESIP, startBaresip, type Baresip } from './support/baresip.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { UAS_ECHO } from './support/sipp-scenarios.js';

const SIPP = '/usr/bin/sipp';
const noBaresip = hasBinary(BARESIP) ? false : 'baresip is not installed';
const noSipp = hasBinary(SIPP) ? false : 'sipp (Debian sip-tester) is not installed';
const RATE = 8000;

let s: TestServer;
let app: FakeApp;
let line = '';
let sipPort = 0;
const dir = tempDir('sb-conf-peers');

before(async () => {
  s = await startTestServer({ sipPort: 0, sipHost: '127.0.0.1' });
  sipPort = s.sb.voice.sipPorts().udp!;
  app = await new FakeApp().start();
  line = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});
after(async () => {
  dir.remove();
  await s.close();
  await app.stop();
});

const toneThenSilence = (hz: number, ms: number) => concatPcm([generateBeep({ frequency: hz, durationMs: ms, amplitude: 6000 }), silence(1000)]);
const heard = async (b: Baresip): Promise<Int16Array> => readWav(await waitFor(() => b.dump('dec'), 5000, 'sndfile dump')).pcm;
/** Seconds [from, to) counted back from the end of a recording. */
const window = (pcm: Int16Array, fromEnd: number, toEnd: number): Int16Array =>
  pcm.subarray(Math.max(0, pcm.length - fromEnd * RATE), pcm.length - toEnd * RATE);

function conferenceTwiml(name: string): string {
  const vr = new twilio.twiml.VoiceResponse();
  vr.dial().conference({ beep: 'false' }, name);
  return vr.toString();
}

describe('Conferences with real SIP peers', () => {
  test('three baresip parties: each hears the other two and not itself; a muted one is no longer heard', { skip: noBaresip }, async () => {
    const tones = [600, 1100, 1700];
    const parties = await Promise.all(tones.map((hz, i) => startBaresip({ source: toneThenSilence(hz, 20_000), user: `party${i}` })));
    try {
      app.respond((r) => (r.path === '/voice' ? { body: conferenceTwiml('Peers') } : undefined));
      for (const p of parties) {
        p.command('dial', `sip:${line}@127.0.0.1:${sipPort}`);
        await p.waitEvent('CALL_ESTABLISHED');
      }
      const conf = await eventually(async () => (await s.client.conferences.list({ friendlyName: 'Peers', status: 'in-progress' }))[0]);
      const members = await eventually(async () => {
        const list = await s.client.conferences(conf.sid).participants.list();
        return list.length === 3 ? list : undefined;
      }, 15_000);
      await new Promise((r) => setTimeout(r, 4000));
      // Party 1 (1100 Hz) is muted: participants are listed in the order they joined.
      const second = members[1]?.callSid as string;
      await s.client.conferences(conf.sid).participants(second).update({ muted: true });
      await new Promise((r) => setTimeout(r, 4000));
      for (const p of parties) p.command('hangup');
      for (const p of parties) await p.waitEvent('CALL_CLOSED', 10_000);

      const recs = await Promise.all(parties.map(heard));
      for (let i = 0; i < 3; i++) {
        // Before the mute: 7.5 s to 4.5 s before the end; after it: the last 3 s but half a second.
        const before_ = window(recs[i] as Int16Array, 7.5, 4.5);
        const after_ = window(recs[i] as Int16Array, 3.5, 0.5);
        for (let j = 0; j < 3; j++) {
          const hz = tones[j] as number;
          const share = toneShare(before_, hz);
          if (i === j) assert.ok(share < 0.05, `party ${i} does not hear itself (${share.toFixed(3)})`);
          else assert.ok(share > 0.1, `party ${i} hears party ${j} (${share.toFixed(3)})`);
        }
        if (i !== 1) {
          const share = toneShare(after_, tones[1] as number);
          assert.ok(share < 0.05, `party ${i} no longer hears the muted party (${share.toFixed(3)})`);
          const other = i === 0 ? 2 : 0;
          assert.ok(toneShare(after_, tones[other] as number) > 0.1, `party ${i} still hears party ${other}`);
        } else assert.ok(toneShare(after_, tones[0] as number) > 0.1, 'the muted party still hears');
      }
    } finally {
      for (const p of parties) p.stop();
    }
  });

  test('the Participants API dials a SIPp UAS into the conference; kicking it sends BYE', { skip: noSipp || noBaresip }, async () => {
    const a = await startBaresip({ source: toneThenSilence(800, 20_000), user: 'host' });
    const uasPort = await freePort();
    const path = join(dir.path, 'echo.xml');
    writeFileSync(path, UAS_ECHO);
    const uas = spawnPeer(
      SIPP,
      [
        '-sf',
        path,
        '-p',
        String(uasPort),
        '-mp',
        String(await freePortRange(4)),
        '-rtp_echo',
        '-i',
        '127.0.0.1',
        '-nostdin',
        '-m',
        '1',
        '-timeout',
        '40s',
        '-timeout_error',
      ],
      dir.path,
    );
    try {
      app.respond((r) => (r.path === '/voice' ? { body: conferenceTwiml('Echo Room') } : undefined));
      a.command('dial', `sip:${line}@127.0.0.1:${sipPort}`);
      await a.waitEvent('CALL_ESTABLISHED');
      const conf = await eventually(async () => (await s.client.conferences.list({ friendlyName: 'Echo Room' }))[0]);
      const created = await s.client.conferences(conf.sid).participants.create({ from: line, to: `sip:echo@127.0.0.1:${uasPort}`, label: 'echo' });
      assert.equal(created.status, 'queued');
      const joined = await eventually(async () => {
        const p = await s.client
          .conferences(conf.sid)
          .participants('echo')
          .fetch()
          .catch(() => undefined);
        return p?.status === 'connected' ? p : undefined;
      }, 15_000);
      assert.equal(joined.callSid, created.callSid);
      await new Promise((r) => setTimeout(r, 4000));
      await s.client.conferences(conf.sid).participants('echo').remove();
      assert.equal(await within(uas.exited, 15_000, 'sipp'), 0, `the UAS got our BYE: ${uas.output()}`);
      await eventually(async () => ((await s.client.calls(created.callSid).fetch()).status === 'completed' ? true : undefined));
      a.command('hangup');
      await a.waitEvent('CALL_CLOSED', 10_000);
      // The UAS echoed what the conference sent it (the host's tone) back into the conference.
      const echoed = window(await heard(a), 6, 2);
      assert.ok(toneShare(echoed, 800) > 0.1, `the host hears its tone come back through the UAS (${toneShare(echoed, 800).toFixed(3)})`);
    } finally {
      uas.kill();
      a.stop();
    }
  });
});
