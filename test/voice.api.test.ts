/**
 * Programmable Voice without any SIP peer: calls to virtual phones (the developer story), virtual phones
 * calling the app, status callbacks, live updates, errors, recordings, spec validation, restart recovery.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { concatPcm, generateBeep, silence, writeWav } from '../src/voice/media/index.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { validateAgainstSpec } from './support/oai.js';
import { decodeMp3To8k } from '../src/voice/media/mp3.js';

let s: TestServer;
let app: FakeApp;
let files: Server;
let filesBase = '';
let shop = '';
const API = 'twilio_api_v2010.json';
const TONE = writeWav(concatPcm([generateBeep({ durationMs: 600 }), silence(200)]));

before(async () => {
  s = await startTestServer();
  app = await new FakeApp().start();
  // FakeApp answers text; audio needs bytes.
  files = createServer((_req, res) => res.writeHead(200, { 'content-type': 'audio/wav' }).end(TONE));
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesBase = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});
after(async () => {
  await s.close();
  await app.stop();
  files.close();
});

interface PhoneCall {
  call_sid: string;
  status: string;
  direction: string;
  events: Array<{ type: string; text?: string; url?: string; digits?: string; frequencies?: Array<{ hz: number; share: number }>; seconds?: number }>;
}
async function phoneCalls(phone: string): Promise<PhoneCall[]> {
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Calls`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { calls: PhoneCall[] }).calls;
}
const signed = (r: { headers: Record<string, unknown>; url: string; params: Record<string, string> }) =>
  twilio.validateRequest(s.authToken, String(r.headers['x-twilio-signature']), r.url, r.params);
async function rawCall(sid: string): Promise<unknown> {
  return (await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Calls/${sid}.json`)).json();
}
const final = (sid: string) =>
  eventually(async () => {
    const c = await s.client.calls(sid).fetch();
    return ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(c.status) ? c : undefined;
  }, 20_000);

describe('calls to a virtual phone', () => {
  test('the developer story: calls.create, signed status callbacks in order, and what the phone heard', async () => {
    const phone = '+15558675310';
    const twiml = new twilio.twiml.VoiceResponse();
    twiml.say({ voice: 'alice' }, 'Your order has shipped.');
    twiml.play(`${filesBase}/tone.wav`);
    twiml.pause({ length: 1 });
    twiml.hangup();
    const call = await s.client.calls.create({
      to: phone,
      from: shop,
      twiml: twiml.toString(),
      statusCallback: `${app.base}/status`,
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    assert.match(call.sid, /^CA[0-9a-f]{32}$/);
    assert.equal(call.status, 'queued');
    assert.equal(call.direction, 'outbound-api');
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.call', await rawCall(call.sid)), []);
    const done = await final(call.sid);
    assert.equal(done.status, 'completed');
    assert.ok(Number(done.duration) >= 2, `duration ${done.duration}`);
    assert.ok(done.startTime instanceof Date && done.endTime instanceof Date);
    await app.waitFor((r) => r.path === '/status' && r.params.CallStatus === 'completed');
    const callbacks = app.received.filter((r) => r.path === '/status' && r.params.CallSid === call.sid);
    assert.deepEqual(
      callbacks.map((r) => r.params.CallStatus),
      ['initiated', 'ringing', 'in-progress', 'completed'],
    );
    assert.deepEqual(
      callbacks.map((r) => r.params.SequenceNumber),
      ['0', '1', '2', '3'],
    );
    for (const r of callbacks) {
      assert.ok(signed(r), 'signature validates');
      assert.equal(r.params.CallbackSource, 'call-progress-events');
      assert.ok(r.params.Timestamp);
    }
    assert.equal(callbacks[3]!.params.CallDuration, done.duration);
    const heard = (await phoneCalls(phone)).find((c) => c.call_sid === call.sid)!;
    assert.deepEqual(
      heard.events.map((e) => e.type),
      ['ringing', 'answered', 'say', 'play', 'pause', 'hangup', 'heard'],
    );
    assert.equal(heard.events[2]!.text, 'Your order has shipped.');
    assert.equal(heard.events[3]!.url, `${filesBase}/tone.wav`);
    // The phone really heard the call: the played WAV is a 1000 Hz beep.
    const summary = heard.events[6]!;
    assert.ok(summary.seconds! >= 2, `heard ${summary.seconds} s`);
    assert.ok(
      summary.frequencies!.some((f) => Math.abs(f.hz - 1000) < 15),
      JSON.stringify(summary.frequencies),
    );
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.call', await rawCall(call.sid)), []);
  });

  for (const [answer, status] of [
    ['busy', 'busy'],
    ['fail', 'failed'],
    ['no-answer', 'no-answer'],
  ] as const) {
    test(`a phone set to ${answer} ends the call as ${status}, with the completed callback`, async () => {
      const phone = `+1555867${answer.length}${answer.length}${answer.length}0`;
      const set = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/CallBehavior`, { method: 'POST', form: { Answer: answer } });
      assert.equal(set.status, 200);
      const call = await s.client.calls.create({ to: phone, from: shop, url: `${app.base}/never`, timeout: 1, statusCallback: `${app.base}/status` });
      const done = await final(call.sid);
      assert.equal(done.status, status);
      // Twilio's Call schema: duration empty for busy, failed and unanswered calls, end_time empty when the call
      // did not complete successfully, start_time set once it was dialed (was: duration '0' and an end_time).
      assert.equal(done.duration, null);
      assert.equal(done.endTime, null);
      assert.ok(done.startTime instanceof Date, 'the call was dialed');
      assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.call', await rawCall(call.sid)), []);
      const cb = await app.waitFor((r) => r.path === '/status' && r.params.CallSid === call.sid);
      assert.equal(cb.params.CallStatus, status);
      assert.equal(cb.params.CallDuration, '0', 'the completed event carries CallDuration');
      assert.ok(!app.received.some((r) => r.path === '/never'), 'no TwiML is fetched for an unanswered call');
    });
  }
});

describe('virtual phones calling the app', () => {
  test('Gather: the phone presses keys, the action gets Digits, a Redirect loops without recursion', async () => {
    app.respond((r) => {
      if (r.path === '/voice')
        return { body: '<Response><Gather numDigits="4" timeout="3"><Say>Enter your PIN.</Say></Gather><Say>No input.</Say></Response>' };
      if (r.path === '/voice' || r.params.Digits === undefined) return undefined;
      return { body: '<Response><Say>Thanks</Say><Redirect>/bye</Redirect></Response>' };
    });
    app.respond((r) => {
      if (r.path === '/voice' && r.params.Digits === undefined)
        return { body: '<Response><Gather numDigits="4" timeout="3"><Say>Enter your PIN.</Say></Gather><Say>No input.</Say></Response>' };
      if (r.path === '/voice') return { body: '<Response><Say>Thanks</Say><Redirect>/bye</Redirect></Response>' };
      if (r.path === '/bye') return { body: '<Response><Hangup/></Response>' };
      return undefined;
    });
    const caller = '+15550001111';
    const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`, { method: 'POST', form: { To: shop, Digits: '1234' } });
    assert.equal(res.status, 201);
    const { call_sid: sid } = (await res.json()) as { call_sid: string };
    const first = await app.waitFor((r) => r.path === '/voice' && r.params.CallSid === sid);
    assert.ok(signed(first));
    assert.equal(first.params.CallStatus, 'ringing');
    assert.equal(first.params.Direction, 'inbound');
    assert.equal(first.params.From, caller);
    assert.equal(first.params.To, shop);
    assert.equal(first.params.Caller, caller);
    assert.equal(first.params.ApiVersion, '2010-04-01');
    const action = await app.waitFor((r) => r.path === '/voice' && r.params.CallSid === sid && r.params.Digits !== undefined);
    assert.equal(action.params.Digits, '1234');
    assert.equal(action.params.CallStatus, 'in-progress');
    await app.waitFor((r) => r.path === '/bye' && r.params.CallSid === sid);
    const done = await final(sid);
    assert.equal(done.status, 'completed');
    assert.equal(done.direction, 'inbound');
    const heard = (await phoneCalls(caller)).find((c) => c.call_sid === sid)!;
    assert.equal(heard.direction, 'made');
    assert.deepEqual(
      heard.events.map((e) => e.type),
      ['answered', 'say', 'pressed', 'say', 'hangup', 'heard'],
    );
  });

  test('Gather with no input falls through; Reject refuses without answering', async () => {
    app.respond((r) => {
      if (r.path === '/voice') return { body: '<Response><Gather timeout="1"><Say>Press a key.</Say></Gather><Say>Goodbye.</Say></Response>' };
      return undefined;
    });
    const caller = '+15550002222';
    const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`, { method: 'POST', form: { To: shop } });
    const { call_sid: sid } = (await res.json()) as { call_sid: string };
    assert.equal((await final(sid)).status, 'completed');
    const heard = (await phoneCalls(caller)).find((c) => c.call_sid === sid)!;
    assert.deepEqual(
      heard.events.filter((e) => e.type === 'say').map((e) => e.text),
      ['Press a key.', 'Goodbye.'],
    );

    app.respond((r) => (r.path === '/voice' ? { body: '<Response><Reject reason="busy"/></Response>' } : undefined));
    const busy = (await (
      await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`, { method: 'POST', form: { To: shop } })
    ).json()) as { call_sid: string };
    assert.equal((await final(busy.call_sid)).status, 'busy');
    app.respond((r) => (r.path === '/voice' ? { body: '<Response><Reject/></Response>' } : undefined));
    const rejected = (await (
      await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`, { method: 'POST', form: { To: shop } })
    ).json()) as { call_sid: string };
    assert.equal((await final(rejected.call_sid)).status, 'no-answer');
  });
});

describe('the Calls and Recordings resources', () => {
  test("validation errors carry Twilio's codes", async () => {
    const post = async (form: Record<string, string>) => {
      const res = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Calls.json`, { method: 'POST', form });
      return { status: res.status, code: ((await res.json()) as { code: number }).code };
    };
    assert.deepEqual(await post({ From: shop, Url: `${app.base}/x` }), { status: 400, code: 21201 });
    assert.deepEqual(await post({ To: '+15558675310', Url: `${app.base}/x` }), { status: 400, code: 21213 });
    assert.deepEqual(await post({ To: '+15558675310', From: shop }), { status: 400, code: 21205 });
    assert.deepEqual(await post({ To: 'not a number', From: shop, Url: `${app.base}/x` }), { status: 400, code: 21211 });
    assert.deepEqual(await post({ To: '+15558675310', From: '+14155550199', Url: `${app.base}/x` }), { status: 400, code: 21210 });
    assert.deepEqual(await post({ To: '+15558675310', From: shop, Url: 'ftp://x' }), { status: 400, code: 21502 });
    assert.deepEqual(await post({ To: 'sip:bob@127.0.0.1', From: shop, Url: `${app.base}/x` }), { status: 400, code: 20001 }, 'SIP is disabled here');
  });

  test('a live call is redirected at once, then hung up; a ringing call is canceled', async () => {
    const phone = '+15558670042';
    const call = await s.client.calls.create({ to: phone, from: shop, twiml: '<Response><Pause length="30"/></Response>' });
    await eventually(async () => ((await s.client.calls(call.sid).fetch()).status === 'in-progress' ? true : undefined));
    const redirected = await s.client.calls(call.sid).update({ twiml: '<Response><Say>Redirected.</Say><Pause length="30"/></Response>' });
    assert.equal(redirected.status, 'in-progress');
    await eventually(async () => (await phoneCalls(phone)).find((c) => c.call_sid === call.sid)?.events.find((e) => e.text === 'Redirected.'));
    const ended = await s.client.calls(call.sid).update({ status: 'completed' });
    assert.equal(ended.status, 'completed');
    await assert.rejects(s.client.calls(call.sid).update({ url: `${app.base}/late` }), (e: { code: number }) => e.code === 21220);

    await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/CallBehavior`, { method: 'POST', form: { RingSeconds: '20' } });
    const ringing = await s.client.calls.create({ to: phone, from: shop, url: `${app.base}/voice` });
    await eventually(async () => ((await s.client.calls(ringing.sid).fetch()).status === 'ringing' ? true : undefined));
    assert.equal((await s.client.calls(ringing.sid).update({ status: 'canceled' })).status, 'canceled');
    await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/CallBehavior`, { method: 'DELETE' });
  });

  test('malformed TwiML raises 12100 and the fallback URL runs; an unsupported verb raises 12200 and ends the call', async () => {
    app.respond((r) => {
      if (r.path === '/broken') return { body: '<Response><Say>unclosed</Response>' };
      if (r.path === '/fallback') return { body: '<Response><Say>From the fallback.</Say></Response>' };
      if (r.path === '/unsupported') return { body: '<Response><Say>Before.</Say><Connect><Room>standup</Room></Connect><Say>Never.</Say></Response>' };
      return undefined;
    });
    const phone = '+15558670043';
    const a = await s.client.calls.create({ to: phone, from: shop, url: `${app.base}/broken`, fallbackUrl: `${app.base}/fallback` });
    assert.equal((await final(a.sid)).status, 'completed');
    const alertCodes = async (sid: string) => {
      const res = await s.fetch(`/switchboard/v1/Alerts?ResourceSid=${sid}`);
      assert.equal(res.status, 200);
      return ((await res.json()) as { alerts: Array<{ error_code: string }> }).alerts.map((x) => Number(x.error_code));
    };
    assert.ok((await alertCodes(a.sid)).includes(12100));
    assert.ok((await phoneCalls(phone)).find((c) => c.call_sid === a.sid)!.events.some((e) => e.text === 'From the fallback.'));

    const b = await s.client.calls.create({ to: phone, from: shop, url: `${app.base}/unsupported` });
    assert.equal((await final(b.sid)).status, 'completed');
    const said = (await phoneCalls(phone))
      .find((c) => c.call_sid === b.sid)!
      .events.filter((e) => e.type === 'say')
      .map((e) => e.text);
    assert.deepEqual(said, ['Before.']);
    assert.ok((await alertCodes(b.sid)).includes(12200));
  });

  test('list filters, Record=true makes a recording; recordings list, fetch, .wav, .mp3 and delete', async () => {
    const phone = '+15558670044';
    const call = await s.client.calls.create({ to: phone, from: shop, twiml: '<Response><Pause length="1"/></Response>', record: true });
    await final(call.sid);
    const listed = await s.client.calls.list({ to: phone, status: 'completed' });
    assert.deepEqual(
      listed.map((c) => c.sid),
      [call.sid],
    );
    const page = (await (await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Calls.json?To=${encodeURIComponent(phone)}`)).json()) as { calls: unknown[] };
    for (const c of page.calls) assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.call', c), []);

    const recs = await eventually(async () => {
      const r = await s.client.recordings.list({ callSid: call.sid });
      return r.length ? r : undefined;
    });
    const rec = recs[0]!;
    assert.equal(rec.source, 'OutboundAPI');
    assert.equal(rec.status, 'completed');
    const raw = await (await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Recordings/${rec.sid}.json`)).json();
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.recording', raw), []);
    assert.equal((await s.client.calls(call.sid).recordings.list()).length, 1);
    const wav = await fetch(`${s.url}/2010-04-01/Accounts/${s.accountSid}/Recordings/${rec.sid}.wav`);
    assert.equal(wav.status, 200, 'media needs no credentials');
    assert.equal(wav.headers.get('content-type'), 'audio/x-wav');
    assert.equal(Buffer.from(await wav.arrayBuffer()).toString('ascii', 0, 4), 'RIFF');
    const mp3 = await fetch(`${s.url}/2010-04-01/Accounts/${s.accountSid}/Recordings/${rec.sid}.mp3`);
    assert.equal(mp3.status, 200);
    assert.equal(mp3.headers.get('content-type'), 'audio/mpeg');
    // Our own MP3 decoder reads it back: about as long as the WAV.
    const wavSamples =
      (Buffer.from(await (await fetch(`${s.url}/2010-04-01/Accounts/${s.accountSid}/Recordings/${rec.sid}.wav`)).arrayBuffer()).length - 44) / 2;
    const decoded = await decodeMp3To8k(new Uint8Array(await mp3.arrayBuffer()));
    assert.ok(Math.abs(decoded.length - wavSamples) < 8000 * 0.2, `mp3 ${decoded.length} samples, wav ${wavSamples}`);
    await s.client.recordings(rec.sid).remove();
    assert.equal((await s.client.recordings.list({ callSid: call.sid })).length, 0);
    await s.client.calls(call.sid).remove();
    await assert.rejects(s.client.calls(call.sid).fetch(), (e: { status: number }) => e.status === 404);
  });

  test('a call left in progress by a node that died is completed by the next node to start', async () => {
    const sid = `CA${'d'.repeat(32)}`;
    const past = Date.now() - 120_000;
    await s.sb.store.db
      .insertInto('calls')
      .values({
        sid,
        account_sid: s.accountSid,
        parent_call_sid: null,
        direction: 'outbound-api',
        from_number: shop,
        to_number: '+15558670045',
        phone_number_sid: null,
        status: 'in-progress',
        endpoint: 'virtual',
        start_time: past - 30_000,
        end_time: null,
        duration: null,
        forwarded_from: null,
        caller_name: null,
        url: null,
        method: 'POST',
        fallback_url: null,
        fallback_method: 'POST',
        twiml: '<Response/>',
        application_sid: null,
        status_callback: `${app.base}/status`,
        status_callback_method: 'POST',
        status_callback_events: '["completed"]',
        callback_seq: -1,
        answered_by: null,
        timeout: 60,
        time_limit: 14400,
        send_digits: null,
        record: 0,
        node_id: 'dead-node',
        lease_until: past,
        date_created: past - 31_000,
        date_updated: past,
      })
      .execute();
    const other = await startTestServer({ databaseUrl: s.config.databaseUrl });
    try {
      const c = await s.client.calls(sid).fetch();
      assert.equal(c.status, 'completed');
      assert.ok(Number(c.duration) >= 0);
      const cb = await app.waitFor((r) => r.path === '/status' && r.params.CallSid === sid);
      assert.equal(cb.params.CallStatus, 'completed');
    } finally {
      await other.close();
    }
  });
});

test("Verify's call channel places a call that says the code to the phone", async () => {
  const service = await s.client.verify.v2.services.create({ friendlyName: 'Bakery' });
  const phone = '+15558670046';
  const v = await s.client.verify.v2.services(service.sid).verifications.create({ to: phone, channel: 'call' });
  assert.equal(v.channel, 'call');
  const said = await eventually(async () => {
    const calls = await phoneCalls(phone);
    return calls[0]?.events.find((e) => e.type === 'say')?.text;
  }, 15_000);
  assert.match(said, /Bakery verification code is: (\d, ){5}\d\. I repeat/);
});
