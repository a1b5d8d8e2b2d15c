// The console's phone in headless Chromium (the official @twilio/voice-sdk as the console bundles it, a WAV
// tone as the microphone): it calls one of the account's numbers whose TwiML says a sentence and gathers a
// key, presses the key on its keypad (the action receives it) and shows the call's legs beside the keypad;
// then a SIP softphone (baresip) calls a number whose TwiML is <Dial><Client>console</Client></Dial>, the
// console answers, and each side hears the other's tone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { generateBeep, readWav, toneShare } from '../src/voice/media/index.js';
import { eventually, FakeApp } from './support/app.js';
import { startBaresip } from './support/baresip.js';
import { ensureConsoleBuilt, screenshot, watchPage } from './support/browser.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { toolMissing } from './support/tools.js';
import { chromiumMissing, launchWithTone, shareOf, type Peak } from './support/voice-sdk-page.js';

const MIC_HZ = 1000;
const PEER_HZ = 700;
const skip = chromiumMissing() || toolMissing('baresip') || toolMissing('espeak-ng');

/**
 * Test instrumentation, not part of the console: every remote audio track the page's RTCPeerConnections
 * receive goes through a WebAudio analyser whose loudest frequency is sampled every 50 ms, and microphone
 * requests are counted.
 */
const LISTEN = `(() => {
  window.__peaks = [];
  window.__mic = 0;
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c) => {
    if (c && c.audio) window.__mic++;
    return gum(c);
  };
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('track', (e) => {
        const ctx = new AudioContext();
        const src = ctx.createMediaStreamSource(new MediaStream([e.track]));
        const an = ctx.createAnalyser();
        an.fftSize = 4096;
        src.connect(an);
        const bins = new Float32Array(an.frequencyBinCount);
        setInterval(() => {
          an.getFloatFrequencyData(bins);
          let best = 0;
          for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
          window.__peaks.push({ at: Date.now(), hz: Math.round((best * ctx.sampleRate) / an.fftSize), db: bins[best] });
        }, 50);
      });
    }
  };
})();`;

describe('the console phone', { skip }, () => {
  let s: TestServer;
  let app: FakeApp;
  let browser: Browser;
  let page: Page;
  let watch: { problems: string[] };
  let ivr = '';
  let desk = '';
  let sipPort = 0;

  const peaks = (): Promise<Peak[]> => page.evaluate(() => (globalThis as unknown as { __peaks: Peak[] }).__peaks);

  before(async () => {
    ensureConsoleBuilt();
    app = await new FakeApp().start();
    s = await startTestServer({ sipPort: 0, sipHost: '127.0.0.1' });
    sipPort = s.sb.voice.sipPorts().udp!;
    ivr = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/ivr` })).phoneNumber;
    desk = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/desk` })).phoneNumber;
    browser = await launchWithTone(MIC_HZ);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.addInitScript({ content: LISTEN });
    watch = watchPage(page, [s.url]);
    await page.goto(`${s.url}/console`);
    await page.getByLabel('Account SID or API key SID').fill(s.accountSid);
    await page.getByLabel('Auth token or API key secret').fill(s.authToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Start', level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Phone', exact: true }).click();
    await page.getByRole('heading', { name: 'Phone', level: 1 }).waitFor();
    await page.locator('[data-testid="phone-status"][data-status="ready"]').waitFor({ timeout: 60_000 });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await s?.close();
    await app?.stop();
  });

  test('calls a number whose TwiML speaks and gathers; the keypad key reaches the action; the legs show', async () => {
    app.respond((r) => {
      if (r.path === '/ivr')
        return {
          body: '<Response><Gather numDigits="1" action="/ivr-done" timeout="20"><Say>Thank you for calling the bakery. Press a key.</Say></Gather></Response>',
        };
      if (r.path === '/ivr-done') return { body: '<Response><Say>Goodbye.</Say><Hangup/></Response>' };
      return undefined;
    });
    const mic = () => page.evaluate(() => (globalThis as unknown as { __mic: number }).__mic);
    assert.equal(await mic(), 0, 'a registered phone has not asked for the microphone');
    await page.getByLabel('To', { exact: true }).fill(ivr);
    await page.getByLabel('Caller ID').selectOption(desk);
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    const first = await app.waitFor((r) => r.path === '/ivr', 30_000);
    assert.equal(first.params.To, ivr);
    assert.equal(first.params.From, desk, 'the caller ID chosen on the phone');
    await page.locator('[data-testid="phone-call"][data-state="open"]').waitFor();
    assert.ok((await mic()) >= 1, 'the call asked for the microphone');
    const parentSid = await page.locator('[data-testid="phone-call"]').getAttribute('data-sid');
    assert.match(parentSid ?? '', /^CA[0-9a-f]{32}$/);
    // The sentence is heard: loud audio for over a second.
    await eventually(async () => ((await peaks()).filter((p) => p.db > -70).length > 25 ? true : undefined), 20_000);
    // The call's legs beside the keypad: the <Dial> to the IVR number.
    await page
      .getByTestId('call-legs')
      .getByText(ivr)
      .first()
      .waitFor()
      .catch(async (err: unknown) => {
        // Seen once in 16 runs on PostgreSQL (2026-12-07): say what the API and the page had, to find why.
        const legs = await s.client.calls.list({ parentCallSid: parentSid!, limit: 5 }).catch((e: unknown) => String(e));
        const shown = await page
          .locator('[data-testid="phone-call"]')
          .innerText()
          .catch((e: unknown) => String(e));
        throw new Error(`${String(err)}\nthe API lists as legs: ${JSON.stringify(legs)}\nthe phone shows: ${shown}`);
      });
    await page.getByRole('button', { name: 'Send 4' }).click();
    const done = await app.waitFor((r) => r.path === '/ivr-done', 20_000);
    assert.equal(done.params.Digits, '4');
    await page.locator('[data-testid="phone-call"][data-state="closed"]').waitFor();
    await eventually(async () => ((await s.client.calls(parentSid!).fetch()).status === 'completed' ? true : undefined), 15_000);
    await page.getByTestId('call-timeline').getByText('<Dial>').first().waitFor();
    await screenshot(page, 'phone-call');
    assert.deepEqual(watch.problems, []);
  });

  test('answers <Dial><Client>console</Client> from a SIP softphone; both hear each other', async () => {
    app.respond((r) => {
      if (r.path === '/desk') return { body: '<Response><Dial timeout="20" action="/desk-done"><Client>console</Client></Dial></Response>' };
      if (r.path === '/desk-done') return { body: '<Response/>' };
      return undefined;
    });
    const bs = await startBaresip({ source: generateBeep({ frequency: PEER_HZ, durationMs: 20_000, amplitude: 8000 }) });
    try {
      const before = (await peaks()).length;
      bs.command('dial', `sip:${desk}@127.0.0.1:${sipPort}`);
      await page.getByTestId('phone-incoming').waitFor();
      await screenshot(page, 'phone-ringing');
      await page.getByRole('button', { name: 'Answer' }).click();
      await page.locator('[data-testid="phone-call"][data-state="open"]').waitFor();
      await eventually(async () => {
        const heard = (await peaks()).slice(before);
        return heard.length > 40 && shareOf(heard, PEER_HZ) > 0.4 ? true : undefined;
      }, 20_000);
      // Long enough for the end of what baresip received to be the browser's microphone alone.
      await new Promise((r) => setTimeout(r, 3000));
      await page.getByRole('button', { name: 'Hang up' }).click();
      const done = await app.waitFor((r) => r.path === '/desk-done', 20_000);
      assert.equal(done.params.DialCallStatus, 'completed');
      await bs.waitEvent('CALL_CLOSED', 20_000);
      const wav = await eventually(async () => bs.dump('dec') ?? undefined, 5000);
      // The last 2.5 s: before the answer baresip heard ringback, which is not what this checks.
      const pcm = readWav(wav).pcm;
      const share = toneShare(pcm.subarray(Math.max(0, pcm.length - 20_000)), MIC_HZ);
      assert.ok(share > 0.3, `baresip hears the browser's ${MIC_HZ} Hz (${share.toFixed(2)})`);
    } finally {
      bs.stop();
    }
    assert.deepEqual(watch.problems, []);
  });
});
