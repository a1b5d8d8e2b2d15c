// The browser Voice SDK (@twilio/voice-sdk from npm, unmodified) against Switchboard in headless Chromium:
// a Device registers with an access token made by twilio-node, places a call to its TwiML App (it hears
// the app's tone, its digits reach <Gather>, its microphone's tone is recorded), and takes calls to
// client:<identity> from the Calls API and from <Dial><Client> (accept, reject, ignore).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import twilio from 'twilio';
import { CallsRepository } from '../src/store/repositories/calls.js';
import { readWav, tone, toneShare, writeWav } from '../src/voice/media/index.js';
import { hears, phoneCalls } from './support/virtual-phones.js';
import { FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { chromiumMissing, launchWithTone, sdkPage, shareOf, type Peak } from './support/voice-sdk-page.js';

const MIC_HZ = 1000;
const APP_HZ = 440;
const skip = chromiumMissing();

/** Retries `check` until its assertions pass (bounded), rethrowing its last failure. */
async function eventually(check: () => Promise<void>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

interface PageState {
  events: Array<{ device?: string; call?: string; code?: number }>;
  peaks: Peak[];
}

describe('the browser Voice SDK', { skip }, () => {
  let s: TestServer;
  let app: FakeApp;
  let browser: Browser;
  let key: { sid: string; secret: string };
  let appSid: string;
  let shop: string;

  function token(identity: string, o: { ttl?: number; incoming?: boolean; outgoing?: boolean } = {}): string {
    const t = new twilio.jwt.AccessToken(s.accountSid, key.sid, key.secret, { identity, ttl: o.ttl ?? 600 });
    t.addGrant(
      new twilio.jwt.AccessToken.VoiceGrant({
        ...(o.outgoing === false ? {} : { outgoingApplicationSid: appSid, outgoingApplicationParams: { fromToken: 'yes' } }),
        incomingAllow: o.incoming !== false,
      }),
    );
    return t.toJwt();
  }

  const state = (page: Page) => page.evaluate(() => (globalThis as unknown as { t: PageState }).t as PageState);
  const evaluate = (page: Page, script: string) => page.evaluate(script);

  before(async () => {
    app = await new FakeApp().start();
    app.on('/tone.wav', (_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/wav' }).end(writeWav(tone(APP_HZ, 2500, 12_000)));
    });
    s = await startTestServer();
    const k = await s.client.newKeys.create({ friendlyName: 'voice sdk test' });
    key = { sid: k.sid, secret: k.secret };
    appSid = (await s.client.applications.create({ friendlyName: 'browser phone', voiceUrl: `${app.base}/voice`, voiceMethod: 'POST' })).sid;
    shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/shop` })).phoneNumber;
    browser = await launchWithTone(MIC_HZ);
  });
  after(async () => {
    if (process.env.SWITCHBOARD_TEST_DEBUG)
      console.log(
        'app saw',
        app.received.map((r) => `${r.path} ${JSON.stringify(r.params).slice(0, 300)}`),
      );
    await browser?.close().catch(() => undefined);
    await s?.close();
    await app?.stop();
  });

  test('device.connect(): the app runs with client:identity and the params; audio both ways; digits reach Gather', async () => {
    app.respond((r) => {
      if (r.path === '/voice') {
        return {
          body:
            '<Response><Play>' + `${app.base}/tone.wav</Play><Gather numDigits="1" action="/gathered" timeout="15"><Pause length="15"/></Gather></Response>`,
        };
      }
      if (r.path === '/gathered') return { body: '<Response><Record maxLength="3" playBeep="false" action="/recorded" trim="do-not-trim"/></Response>' };
      return { body: '<Response/>' };
    });
    const page = await sdkPage(browser, { serverUrl: s.url, token: token('alice') });
    await evaluate(
      page,
      `(async () => { const call = await window.t.device.connect({ params: { To: '+15551230000', flavour: 'mint choc' } }); window.t.listen(call); })()`,
    );
    const first = await app.waitFor((r) => r.path === '/voice', 20_000);
    assert.equal(first.params.From, 'client:alice');
    assert.equal(first.params.Caller, 'client:alice');
    assert.equal(first.params.To, '+15551230000');
    assert.equal(first.params.flavour, 'mint choc');
    assert.equal(first.params.fromToken, 'yes', "the token's outgoing params");
    assert.equal(first.params.ApplicationSid, appSid);
    assert.equal(first.params.Direction, 'inbound');
    assert.equal(first.params.CallStatus, 'ringing');
    const callSid = first.params.CallSid!;
    assert.match(callSid, /^CA[0-9a-f]{32}$/);

    await page.waitForFunction(() => (globalThis as unknown as { t: { call: { status(): string } } }).t.call?.status() === 'open');
    assert.equal(await evaluate(page, 'window.t.call.parameters.CallSid'), callSid, 'the SDK learned the CallSid');
    // The app's 440 Hz for 2.5 s, then silence while <Gather> waits.
    await eventually(async () => {
      const t = await state(page);
      assert.ok(shareOf(t.peaks, APP_HZ) > 0.5 && t.peaks.length > 30, `heard ${JSON.stringify(t.peaks.slice(-5))}; events ${JSON.stringify(t.events)}`);
    }, 15_000);
    // Digits count once <Gather> runs, after the tone: wait for the quiet.
    await eventually(async () => {
      const recent = (await state(page)).peaks.slice(-10);
      assert.ok(recent.length === 10 && shareOf(recent, APP_HZ) === 0, 'the tone is over');
    }, 10_000);
    await evaluate(page, `window.t.call.sendDigits('7')`);
    const gathered = await app.waitFor((r) => r.path === '/gathered', 15_000);
    assert.equal(gathered.params.Digits, '7');
    assert.equal(gathered.params.CallSid, callSid);

    const recorded = await app.waitFor((r) => r.path === '/recorded', 15_000);
    const wav = readWav(Buffer.from(await (await fetch(`${recorded.params.RecordingUrl}.wav`)).arrayBuffer()));
    const share = toneShare(wav.pcm ?? new Int16Array(0), MIC_HZ);
    assert.ok(share > 0.3, `the recording holds the browser's ${MIC_HZ} Hz microphone (${share.toFixed(2)})`);

    await evaluate(page, 'window.t.call.disconnect()');
    await eventually(async () => assert.equal((await s.client.calls(callSid).fetch()).status, 'completed'), 10_000);
    await page.close();
  });

  test('the CallSid the SDK learns from ringing is a call the API has, even when storing it is slow', async () => {
    app.respond((r) => (r.path === '/voice' ? { body: '<Response><Pause length="10"/></Response>' } : undefined));
    // The console's phone opens the call's page as soon as the SDK has its CallSid. Only PostgreSQL can show
    // the fault: SQLite's one connection makes the API's read wait for the insert's transaction.
    const insert = CallsRepository.prototype.insert;
    CallsRepository.prototype.insert = async function (this: CallsRepository, ...args: Parameters<typeof insert>) {
      await new Promise((r) => setTimeout(r, 1500));
      return insert.apply(this, args);
    };
    try {
      const page = await sdkPage(browser, { serverUrl: s.url, token: token('slowstore') });
      await evaluate(page, `(async () => { const call = await window.t.device.connect({ params: { To: 'desk' } }); window.t.listen(call); })()`);
      await eventually(
        async () =>
          assert.ok(
            (await state(page)).events.some((e) => e.call === 'ringing'),
            'ringing',
          ),
        20_000,
      );
      const sid = String(await evaluate(page, 'window.t.call.parameters.CallSid'));
      assert.equal((await s.client.calls(sid).fetch()).from, 'client:slowstore');
      await evaluate(page, 'window.t.call.disconnect()');
      await eventually(async () => assert.equal((await s.client.calls(sid).fetch()).status, 'completed'), 10_000);
      await page.close();
    } finally {
      CallsRepository.prototype.insert = insert;
    }
  });

  test('the WebSocket drops during a call: the SDK reconnects with its token and the call carries on', async () => {
    app.respond((r) => {
      if (r.path === '/voice') return { body: '<Response><Gather numDigits="1" action="/after-drop" timeout="30"><Pause length="30"/></Gather></Response>' };
      if (r.path === '/after-drop') return { body: `<Response><Play>${app.base}/tone.wav</Play><Pause length="20"/></Response>` };
      return { body: '<Response/>' };
    });
    const page = await sdkPage(browser, { serverUrl: s.url, token: token('grace') });
    await evaluate(page, `(async () => { const call = await window.t.device.connect({ params: { To: 'desk' } }); window.t.listen(call); })()`);
    const callSid = (await app.waitFor((r) => r.path === '/voice' && r.params.From === 'client:grace', 20_000)).params.CallSid!;
    await page.waitForFunction(() => (globalThis as unknown as { t: { call: { status(): string } } }).t.call?.status() === 'open');
    // The server ends the socket without a close frame, as a network failure would.
    assert.equal(s.sb.voice.clients.gateway.dropLinks(s.accountSid, 'grace'), 1);
    await eventually(async () => {
      const calls = (await state(page)).events.map((e) => e.call);
      assert.ok(calls.includes('reconnecting') && calls.includes('reconnected'), `call events ${JSON.stringify(calls)}`);
    }, 30_000);
    assert.equal(await evaluate(page, 'window.t.call.status()'), 'open');
    assert.equal((await s.client.calls(callSid).fetch()).status, 'in-progress');
    // The call carries on: a digit reaches <Gather>, the app's tone is heard, and a hang-up over the new socket ends it.
    await evaluate(page, `window.t.call.sendDigits('3')`);
    const after = await app.waitFor((r) => r.path === '/after-drop', 15_000);
    assert.equal(after.params.Digits, '3');
    const from = (await state(page)).peaks.length;
    await eventually(async () => {
      const heard = (await state(page)).peaks.slice(from);
      assert.ok(heard.length > 20 && shareOf(heard, APP_HZ) > 0.5, `heard ${JSON.stringify(heard.slice(-5))}`);
    }, 15_000);
    await evaluate(page, 'window.t.call.disconnect()');
    await eventually(async () => assert.equal((await s.client.calls(callSid).fetch()).status, 'completed'), 10_000);
    await page.close();
  });

  /** A page registered as `identity`, its incoming calls in window.t.incoming. */
  async function registered(identity: string): Promise<Page> {
    const page = await sdkPage(browser, { serverUrl: s.url, token: token(identity) });
    await evaluate(page, 'window.t.register()');
    assert.equal(await evaluate(page, 'window.t.device.state'), 'registered');
    return page;
  }
  const ringing = (page: Page, n = 1) =>
    page.waitForFunction((count) => (globalThis as unknown as { t: { incoming: unknown[] } }).t.incoming.length >= count, n);

  test('calls.create to client:identity rings the registered device; accepted, it hears the TwiML', async () => {
    const page = await registered('bob');
    const sid = (
      await s.client.calls.create({
        to: 'client:bob',
        from: '+15550001111',
        twiml: `<Response><Play>${app.base}/tone.wav</Play><Pause length="2"/></Response>`,
      })
    ).sid;
    await ringing(page);
    const params = (await evaluate(page, 'window.t.incoming[0].parameters')) as Record<string, string>;
    assert.equal(params.CallSid, sid);
    assert.equal(params.From, '+15550001111');
    assert.equal(params.To, 'client:bob');
    assert.equal(params.AccountSid, s.accountSid);
    assert.equal((await s.client.calls(sid).fetch()).status, 'ringing');
    await evaluate(page, 'window.t.incoming[0].accept()');
    await eventually(async () => {
      const t = await state(page);
      assert.ok(shareOf(t.peaks, APP_HZ) > 0.4 && t.peaks.length > 30, `heard ${JSON.stringify(t.peaks.slice(-5))}`);
    }, 15_000);
    // The TwiML ends: the call is over for the browser too.
    await eventually(
      async () =>
        assert.ok(
          (await state(page)).events.some((e) => e.call === 'disconnect'),
          'disconnect',
        ),
      15_000,
    );
    assert.equal((await s.client.calls(sid).fetch()).status, 'completed');
    await page.close();
  });

  test('<Dial><Client>: the device gets the caller and the <Parameter>s; accepted, caller and browser hear each other', async () => {
    const page = await registered('carol');
    const caller = '+15550002222';
    app.respond((r) => {
      if (r.path === '/shop') {
        return {
          body: '<Response><Dial timeout="15" action="/dial-done"><Client><Identity>carol</Identity><Parameter name="ticket" value="42"/></Client></Dial></Response>',
        };
      }
      return { body: '<Response/>' };
    });
    const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`, {
      method: 'POST',
      form: { To: shop, Audio: 'tone:700', HangupAfter: '8' },
    });
    assert.equal(res.status, 201);
    const parent = ((await res.json()) as { call_sid: string }).call_sid;
    await ringing(page);
    assert.equal(await evaluate(page, `window.t.incoming[0].customParameters.get('ticket')`), '42');
    assert.equal(await evaluate(page, 'window.t.incoming[0].parameters.From'), caller);
    await evaluate(page, 'window.t.incoming[0].accept()');
    await eventually(async () => {
      const t = await state(page);
      assert.ok(shareOf(t.peaks, 700) > 0.4 && t.peaks.length > 40, `the browser hears the caller's 700 Hz: ${JSON.stringify(t.peaks.slice(-5))}`);
    }, 15_000);
    const done = await app.waitFor((r) => r.path === '/dial-done' && r.params.CallSid === parent, 30_000);
    assert.equal(done.params.DialCallStatus, 'completed');
    const heard = (await phoneCalls(s, caller)).find((c) => c.call_sid === parent)?.events.find((e) => e.type === 'heard');
    assert.ok(hears(heard, MIC_HZ), `the caller hears the browser's ${MIC_HZ} Hz: ${JSON.stringify(heard)}`);
    const child = (await s.client.calls.list({ parentCallSid: parent }))[0];
    assert.equal(child?.to, 'client:carol');
    assert.equal(child?.sid, done.params.DialCallSid);
    await page.close();
  });

  test('reject ends the <Dial> busy; ignore lets it ring out (no-answer); nobody registered is no-answer', async () => {
    const page = await registered('dave');
    let next = 'dave';
    app.respond((r) => {
      if (r.path === '/shop') return { body: `<Response><Dial timeout="3" action="/dial-done"><Client>${next}</Client></Dial></Response>` };
      return { body: '<Response/>' };
    });
    const dial = async (caller: string): Promise<string> => {
      const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`, { method: 'POST', form: { To: shop, HangupAfter: '20' } });
      const parent = ((await res.json()) as { call_sid: string }).call_sid;
      return (await app.waitFor((r) => r.path === '/dial-done' && r.params.CallSid === parent, 30_000)).params.DialCallStatus ?? '';
    };
    const rejected = dial('+15550003331');
    await ringing(page, 1);
    await evaluate(page, 'window.t.incoming[0].reject()');
    assert.equal(await rejected, 'busy');

    const ignored = dial('+15550003332');
    await ringing(page, 2);
    await evaluate(page, 'window.t.incoming[1].ignore()');
    assert.equal(await ignored, 'no-answer');
    // The SDK heard the cancel when the ring timed out.
    await eventually(
      async () =>
        assert.ok(
          (await state(page)).events.some((e) => e.call === 'cancel'),
          'cancel',
        ),
      5_000,
    );

    next = 'nobody';
    assert.equal(await dial('+15550003333'), 'no-answer');
    await page.close();
  });

  test('token errors: a bad signature is 20101 and register() fails; expiry is 20104; updateToken re-registers', async () => {
    const forged = new twilio.jwt.AccessToken(s.accountSid, key.sid, 'not the secret', { identity: 'eve', ttl: 600 });
    forged.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true }));
    const bad = await sdkPage(browser, { serverUrl: s.url, token: forged.toJwt() });
    // register() waits for a `connected` that never comes: not awaited.
    await evaluate(bad, 'void window.t.device.register().catch(() => undefined)');
    await eventually(
      async () =>
        assert.ok(
          (await state(bad)).events.some((e) => e.device === 'error' && e.code === 20101),
          'error 20101',
        ),
      10_000,
    );
    assert.notEqual(await evaluate(bad, 'window.t.device.state'), 'registered');
    await evaluate(bad, 'window.t.device.destroy()');
    await bad.close();

    // The SDK bundle takes seconds to load on a busy machine: the short-lived token comes by updateToken().
    const page = await sdkPage(browser, { serverUrl: s.url, token: token('frank') });
    await evaluate(page, 'window.t.register()');
    await evaluate(page, `window.t.device.updateToken(${JSON.stringify(token('frank', { ttl: 4 }))})`);
    await eventually(
      async () =>
        assert.ok(
          (await state(page)).events.some((e) => e.device === 'error' && e.code === 20104),
          'error 20104',
        ),
      20_000,
    );
    await page.waitForFunction(() => (globalThis as unknown as { t: { device: { state: string } } }).t.device.state === 'unregistered');
    // Expired, frank is no longer reachable; a fresh token brings him back (the SDK registers again itself).
    const missed = (await s.client.calls.create({ to: 'client:frank', from: '+15550004444', twiml: '<Response><Pause length="1"/></Response>', timeout: 2 }))
      .sid;
    await eventually(async () => assert.equal((await s.client.calls(missed).fetch()).status, 'no-answer'), 15_000);
    await evaluate(page, `window.t.device.updateToken(${JSON.stringify(token('frank'))})`);
    await page.waitForFunction(() => (globalThis as unknown as { t: { device: { state: string } } }).t.device.state === 'registered');
    await s.client.calls.create({ to: 'client:frank', from: '+15550004444', twiml: '<Response><Pause length="1"/></Response>' });
    await ringing(page);
    await page.close();
  });
});
