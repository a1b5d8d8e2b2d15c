// The browser Voice SDK (@twilio/voice-sdk from npm, unmodified) against Switchboard in headless Chromium:
// a Device registers with an access token made by twilio-node, places a call to its TwiML App (it hears
// the app's tone, its digits reach <Gather>, its microphone's tone is recorded), and takes calls to
// client:<identity> from the Calls API and from <Dial><Client> (accept, reject, ignore).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import twilio from 'twilio';
import { readWav, tone, toneShare, writeWav } from '../src/voice/media/index.js';
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
});
