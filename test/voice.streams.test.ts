/**
 * Media Streams end to end: a small voice agent written the way Twilio's public samples are (a `ws` server
 * beside the app's HTTP server, answering <Connect><Stream> TwiML built with the SDK's VoiceResponse), and a
 * virtual phone as the caller (real RTP; it plays a tone and reports what it heard by frequency). The agent
 * echoes the caller back followed by a mark, answers a digit with a tone, clears on barge-in and hangs up by
 * closing the socket; Connect's action then runs. A fork started through the Streams API (the official SDK)
 * sees both tracks and stops by name. A call recorded (<Record>) while a <Start><Stream> fork runs: the
 * recording holds the caller's tones and the fork received the very same samples.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { validateAgainstSpec } from './support/oai.js';
import { decodeToPcm, encodePcm } from '../src/voice/media/g711.js';
import { tone, toneShare } from '../src/voice/media/spectrum.js';
import { readWav } from '../src/voice/media/wav.js';
import { hears, type Heard } from './support/virtual-phones.js';

const API = 'twilio_api_v2010.json';
let s: TestServer;
let app: FakeApp;
let shop = '';

type Msg = Record<string, unknown> & { event: string };

/** The agent: one ws server, one path per behaviour, every message kept per connection. */
class Agent {
  readonly http = createServer((_req, res) => res.writeHead(404).end());
  readonly wss = new WebSocketServer({ server: this.http });
  readonly sessions: { path: string; headers: Record<string, unknown>; got: Msg[]; ws: WebSocket }[] = [];
  base = '';

  async start(): Promise<this> {
    await new Promise<void>((r) => this.http.listen(0, '127.0.0.1', r));
    this.base = `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    this.wss.on('connection', (ws, req) => {
      const session = { path: req.url ?? '/', headers: req.headers as Record<string, unknown>, got: [] as Msg[], ws };
      this.sessions.push(session);
      let streamSid = '';
      let heard = 0;
      let echoed = false;
      const caller: Buffer[] = [];
      const send = (m: unknown) => ws.send(JSON.stringify(m));
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as Msg;
        session.got.push(msg);
        if (session.path !== '/agent') return;
        if (msg.event === 'start') streamSid = String(msg.streamSid);
        if (msg.event === 'media' && !echoed) {
          // Echo: the caller's first second back, then a mark to know when it has been played.
          caller.push(Buffer.from(String((msg.media as Msg).payload), 'base64'));
          if (++heard === 50) {
            echoed = true;
            send({ event: 'media', streamSid, media: { payload: Buffer.concat(caller).toString('base64') } });
            send({ event: 'mark', streamSid, mark: { name: 'echo' } });
          }
        }
        if (msg.event === 'dtmf') {
          // A digit: answer with 1100 Hz for 5 s, then barge-in (the caller talks) clears it after 0.6 s.
          send({ event: 'media', streamSid, media: { payload: encodePcm('PCMU', tone(1100, 5000)).toString('base64') } });
          send({ event: 'mark', streamSid, mark: { name: 'answer' } });
          setTimeout(() => send({ event: 'clear', streamSid }), 600);
        }
        if (msg.event === 'mark' && (msg.mark as Msg).name === 'answer') setTimeout(() => ws.close(1000), 300);
      });
    });
    return this;
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise((r) => this.wss.close(r));
    await new Promise((r) => this.http.close(r));
  }
}

let agent: Agent;

before(async () => {
  s = await startTestServer();
  app = await new FakeApp().start();
  agent = await new Agent().start();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});
after(async () => {
  await s.close();
  await app.stop();
  await agent.stop();
});

describe('Media Streams', () => {
  test('<Connect><Stream>: echo after a mark, a digit answered, clear on barge-in, the app closes, then the action; a REST fork meanwhile', async () => {
    const caller = '+15550107001';
    app.respond((r) => {
      if (r.path === '/voice') {
        const vr = new twilio.twiml.VoiceResponse();
        const connect = vr.connect({ action: '/after' });
        const stream = connect.stream({ url: `${agent.base}/agent`, statusCallback: '/stream-status' });
        stream.parameter({ name: 'FirstName', value: 'Ada' });
        return { body: vr.toString() };
      }
      if (r.path === '/after') return { body: new twilio.twiml.VoiceResponse().hangup().toString() };
      return undefined;
    });
    const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`, {
      method: 'POST',
      form: { To: shop, Audio: 'tone:700', DigitsAt: '3:5' },
    });
    const body = await res.text();
    assert.equal(res.status, 201, body);
    const callSid = (JSON.parse(body) as { call_sid: string }).call_sid;

    // While the agent talks, a fork through the Streams API (both tracks), stopped by name.
    const main = await eventually(async () => agent.sessions.find((x) => x.path === '/agent' && x.got.length >= 2), 15_000);
    const fork = await s.client
      .calls(callSid)
      .streams.create({ url: `${agent.base}/fork`, name: 'tap', track: 'both_tracks', 'parameter1.name': 'k', 'parameter1.value': 'v' });
    assert.equal(fork.name, 'tap');
    assert.equal(fork.status, 'in-progress');
    assert.match(fork.sid, /^MZ[0-9a-f]{32}$/);
    const forked = await eventually(async () => {
      const f = agent.sessions.find((x) => x.path === '/fork');
      return f &&
        f.got.some((m) => m.event === 'media' && (m.media as Msg).track === 'outbound') &&
        f.got.some((m) => m.event === 'media' && (m.media as Msg).track === 'inbound')
        ? f
        : undefined;
    }, 10_000);
    const stopped = await s.client.calls(callSid).streams('tap').update({ status: 'stopped' });
    assert.equal(stopped.status, 'stopped');
    const raw = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Calls/${callSid}/Streams/tap.json`, { method: 'POST', form: { Status: 'stopped' } });
    assert.equal(raw.status, 404, 'a stopped stream is gone');
    await eventually(async () => (forked.got.some((m) => m.event === 'stop') ? true : undefined), 5000);
    const forkStart = forked.got.find((m) => m.event === 'start') as Msg;
    assert.deepEqual((forkStart.start as Msg).tracks, ['inbound', 'outbound']);
    assert.deepEqual((forkStart.start as Msg).customParameters, { k: 'v' });

    await app.waitFor((r) => r.path === '/after' && r.params.CallSid === callSid, 30_000);
    const got = main.got;
    assert.deepEqual(got[0], { event: 'connected', protocol: 'Call', version: '1.0.0' });
    const start = got[1] as Msg;
    assert.equal(start.event, 'start');
    assert.equal(start.sequenceNumber, '1');
    const meta = start.start as Msg;
    assert.equal(meta.callSid, callSid);
    assert.equal(meta.accountSid, s.accountSid);
    assert.equal(meta.streamSid, start.streamSid);
    assert.deepEqual(meta.tracks, ['inbound']);
    assert.deepEqual(meta.customParameters, { FirstName: 'Ada' });
    assert.deepEqual(meta.mediaFormat, { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 });
    // The upgrade is signed as Twilio signs a request to the stream URL with no parameters.
    assert.ok(twilio.validateRequest(s.authToken, String(main.headers['x-twilio-signature']), `${agent.base}/agent`, {}));
    // Sequence numbers count every message; chunks count media.
    const media = got.filter((m) => m.event === 'media');
    assert.ok(media.length > 100);
    assert.deepEqual(
      media.slice(0, 3).map((m) => (m.media as Msg).chunk),
      ['1', '2', '3'],
    );
    assert.deepEqual(
      got.slice(1).map((m) => m.sequenceNumber),
      got.slice(1).map((_m, i) => String(i + 1)),
    );
    const dtmf = got.find((m) => m.event === 'dtmf') as Msg;
    assert.deepEqual(dtmf.dtmf, { track: 'inbound_track', digit: '5' });
    const marks = got.filter((m) => m.event === 'mark').map((m) => (m.mark as Msg).name);
    assert.deepEqual(marks, ['echo', 'answer']);
    // The echo mark came back after its second of audio: at least 50 more caller frames arrived meanwhile.
    const echoAt = got.findIndex((m) => m.event === 'mark');
    assert.ok(got.slice(0, echoAt).filter((m) => m.event === 'media').length >= 95, 'the echo mark follows its audio');
    // The answer was cleared at 0.6 s: its mark came back well before its 5 s would have played.
    const dtmfAt = got.indexOf(dtmf);
    const answerAt = got.findIndex((m) => m.event === 'mark' && (m.mark as Msg).name === 'answer');
    assert.ok(got.slice(dtmfAt, answerAt).filter((m) => m.event === 'media').length < 100, 'clear returned the pending mark at once');

    const done = await eventually(async () => {
      const c = await s.client.calls(callSid).fetch();
      return c.status === 'completed' ? c : undefined;
    }, 30_000);
    assert.equal(done.status, 'completed');
    const events = await app.waitForCount('/stream-status', 2);
    assert.deepEqual(
      events.map((r) => r.params.StreamEvent),
      ['stream-started', 'stream-stopped'],
    );
    assert.equal(events[0]!.params.StreamSid, start.streamSid);
    assert.equal(events[0]!.params.CallSid, callSid);
    assert.match(events[0]!.params.Timestamp ?? '', /^\d{4}-\d\d-\d\dT/);
    const phone = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`);
    const call = ((await phone.json()) as { calls: { call_sid: string; events: Heard[] }[] }).calls.find((c) => c.call_sid === callSid);
    const heard = call?.events.find((e) => e.type === 'heard');
    assert.ok(hears(heard, 700), `the caller heard its echo: ${JSON.stringify(heard)}`);
    assert.ok(hears(heard, 1100), `the caller heard the answer: ${JSON.stringify(heard)}`);
    assert.deepEqual(
      validateAgainstSpec(API, 'api.v2010.account.call.stream', {
        sid: fork.sid,
        account_sid: fork.accountSid,
        call_sid: fork.callSid,
        name: fork.name,
        status: fork.status,
        date_updated: stopped.dateUpdated.toUTCString().replace('GMT', '+0000'),
        uri: fork.uri,
      }),
      [],
    );
  });

  test("recorded and streamed at once: the recording holds the caller's tones and the fork got the same samples", async () => {
    const caller = '+15550107002';
    app.respond((r) => {
      if (r.path === '/rec-voice') {
        const vr = new twilio.twiml.VoiceResponse();
        vr.start().stream({ url: `${agent.base}/rec-fork`, track: 'both_tracks', name: 'rec' });
        vr.record({ maxLength: 4, timeout: 0, playBeep: false, trim: 'do-not-trim', action: '/rec-done' });
        return { body: vr.toString() };
      }
      if (r.path === '/rec-done') return { body: new twilio.twiml.VoiceResponse().hangup().toString() };
      return undefined;
    });
    const number = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/rec-voice` })).phoneNumber;
    const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`, {
      method: 'POST',
      form: { To: number, Audio: ['tone:700:2', 'tone:1300'] },
    });
    assert.equal(res.status, 201, await res.clone().text());
    const callSid = ((await res.json()) as { call_sid: string }).call_sid;
    const done = await app.waitFor((r) => r.path === '/rec-done' && r.params.CallSid === callSid, 30_000);
    const recorded = readWav(Buffer.from(await (await fetch(`${done.params.RecordingUrl}.wav`)).arrayBuffer())).pcm;
    assert.ok(recorded.length >= 3 * 8000, `about 4 s recorded (${recorded.length} samples)`);
    assert.ok(toneShare(recorded, 700) > 0.2, `the recording holds the caller's 700 Hz (${toneShare(recorded, 700)})`);
    assert.ok(toneShare(recorded, 1300) > 0.2, `the recording holds the caller's 1300 Hz (${toneShare(recorded, 1300)})`);

    const fork = await eventually(async () => {
      const f = agent.sessions.find((x) => x.path === '/rec-fork');
      return f?.got.some((m) => m.event === 'stop') ? f : undefined;
    }, 15_000);
    const start = fork.got.find((m) => m.event === 'start') as Msg;
    assert.deepEqual((start.start as Msg).tracks, ['inbound', 'outbound']);
    const track = (name: string): Int16Array =>
      decodeToPcm(
        'PCMU',
        Buffer.concat(
          fork.got.filter((m) => m.event === 'media' && (m.media as Msg).track === name).map((m) => Buffer.from(String((m.media as Msg).payload), 'base64')),
        ),
      );
    const inbound = track('inbound');
    assert.ok(
      fork.got.some((m) => m.event === 'media' && (m.media as Msg).track === 'outbound'),
      'the outbound track is forked too',
    );
    assert.ok(toneShare(inbound, 700) > 0.2 && toneShare(inbound, 1300) > 0.2, 'the fork heard both tones');
    // The same audio, not just the same pitch: a whole second of the recording (across the change of
    // tone at 2 s) appears sample for sample in what the fork received.
    const from = 1.5 * 8000;
    const second = recorded.subarray(from, from + 8000);
    let at = -1;
    for (let i = 0; i + second.length <= inbound.length && at < 0; i++) {
      let j = 0;
      while (j < second.length && inbound[i + j] === second[j]) j++;
      if (j === second.length) at = i;
    }
    assert.ok(at >= 0, "a second of the recording is found, sample for sample, in the fork's inbound track");
  });

  test('bad input gets Twilio codes: Streams on an unknown call, a bad Url, ws:// to a public address', async () => {
    const ca = `CA${'0'.repeat(32)}`;
    const r1 = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Calls/${ca}/Streams.json`, { method: 'POST', form: { Url: 'wss://example.com/x' } });
    assert.equal(r1.status, 404);
    assert.equal(((await r1.json()) as { code: number }).code, 20404);
    const r2 = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Calls/${ca}/Streams.json`, { method: 'POST', form: { Url: 'https://example.com/x' } });
    assert.equal(r2.status, 400);
    assert.equal(((await r2.json()) as { code: number }).code, 20001);
    const r3 = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Calls/${ca}/Streams.json`, { method: 'POST', form: {} });
    assert.equal(((await r3.json()) as { code: number }).code, 20001);
  });
});
