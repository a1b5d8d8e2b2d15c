/**
 * <Dial><Client> across voice nodes: a browser Voice SDK device (@twilio/voice-sdk in headless Chromium)
 * holds its WebSocket on node B; a caller's call runs on node A and dials the device's identity. Node A
 * finds the device on B, B rings it, and the answered call's media crosses between the nodes: the browser
 * hears the caller's tone and the caller the browser's microphone tone. Hanging up on the browser ends the
 * caller's Dial (DialCallStatus=completed); a reject is busy, as on one node.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import twilio from 'twilio';
import { FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { hears, phoneCalls } from './support/virtual-phones.js';
import { chromiumMissing, launchWithTone, sdkPage, shareOf, type Peak } from './support/voice-sdk-page.js';
import { admin, databaseUrl } from './support/postgres.js';

const DB = `sb_voiceclient_${process.pid}`;
const dbUrl = databaseUrl(DB);
const SID = `AC${'d'.repeat(32)}`;
const TOKEN = 'voice-client-token-0123456789abcdef';
const MIC_HZ = 1000;
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

describe('<Dial><Client> to a device on another node', { skip }, () => {
  let a: TestServer;
  let b: TestServer;
  let app: FakeApp;
  let browser: Browser;
  let key: { sid: string; secret: string };
  let shop = '';

  const state = (page: Page) => page.evaluate(() => (globalThis as unknown as { t: PageState }).t as PageState);
  const evaluate = (page: Page, script: string) => page.evaluate(script);
  const ringing = (page: Page, n = 1) =>
    page.waitForFunction((count) => (globalThis as unknown as { t: { incoming: unknown[] } }).t.incoming.length >= count, n);

  /** A page registered as `identity` on node B. */
  async function registeredOnB(identity: string): Promise<Page> {
    const t = new twilio.jwt.AccessToken(SID, key.sid, key.secret, { identity, ttl: 600 });
    t.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true }));
    const page = await sdkPage(browser, { serverUrl: b.url, token: t.toJwt() });
    await evaluate(page, 'window.t.register()');
    assert.equal(await evaluate(page, 'window.t.device.state'), 'registered');
    return page;
  }

  /** A virtual phone calls the shop through node A (the call runs on A). */
  async function callThroughA(caller: string, form: Record<string, string>): Promise<string> {
    const res = await a.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`, { method: 'POST', form: { To: shop, ...form } });
    assert.equal(res.status, 201);
    return ((await res.json()) as { call_sid: string }).call_sid;
  }

  before(async () => {
    await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${DB}`);
    const config = { databaseUrl: dbUrl, accountSid: SID, authToken: TOKEN, leaseMs: 3000 };
    a = await startTestServer(config);
    b = await startTestServer(config);
    app = await new FakeApp().start();
    const k = await a.client.newKeys.create({ friendlyName: 'cross-node voice sdk test' });
    key = { sid: k.sid, secret: k.secret };
    shop = (await a.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/shop` })).phoneNumber;
    browser = await launchWithTone(MIC_HZ);
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await a?.close();
    await b?.close();
    await app?.stop();
    await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  });

  test('the device on node B rings, answers and hears the caller on node A, who hears it; its hang-up ends the Dial', async () => {
    const page = await registeredOnB('erin');
    app.respond((r) => {
      if (r.path === '/shop') return { body: '<Response><Dial timeout="15" action="/dial-done"><Client>erin</Client></Dial></Response>' };
      return { body: '<Response/>' };
    });
    const caller = '+15550005551';
    const parent = await callThroughA(caller, { Audio: 'tone:700', HangupAfter: '30' });
    const nodeA = (await a.sb.store.db.selectFrom('call_nodes').select('id').where('control_url', '=', a.url).executeTakeFirstOrThrow()).id;
    assert.equal((await a.sb.store.db.selectFrom('calls').select('node_id').where('sid', '=', parent).executeTakeFirstOrThrow()).node_id, nodeA);
    await ringing(page);
    assert.equal(await evaluate(page, 'window.t.incoming[0].parameters.From'), caller);
    const child = (await a.client.calls.list({ parentCallSid: parent }))[0];
    assert.equal(child?.to, 'client:erin');
    assert.equal(await evaluate(page, 'window.t.incoming[0].parameters.CallSid'), child?.sid);
    await evaluate(page, 'window.t.incoming[0].accept()');
    await eventually(async () => {
      const t = await state(page);
      assert.ok(shareOf(t.peaks, 700) > 0.4 && t.peaks.length > 40, `the browser hears the caller's 700 Hz: ${JSON.stringify(t.peaks.slice(-5))}`);
    }, 15_000);
    await new Promise((r) => setTimeout(r, 2000)); // the caller hears the browser a while
    await evaluate(page, 'window.t.call.disconnect()');
    const done = await app.waitFor((r) => r.path === '/dial-done' && r.params.CallSid === parent, 30_000);
    assert.equal(done.params.DialCallStatus, 'completed');
    assert.equal(done.params.DialCallSid, child?.sid);
    assert.ok(Number(done.params.DialCallDuration) >= 2, `DialCallDuration ${done.params.DialCallDuration}`);
    await eventually(async () => assert.equal((await b.client.calls(child?.sid ?? '').fetch()).status, 'completed'), 10_000);
    await eventually(async () => assert.equal((await b.client.calls(parent).fetch()).status, 'completed'), 10_000);
    const heard = await (async () => {
      for (let i = 0; i < 100; i++) {
        const h = (await phoneCalls(a, caller)).find((c) => c.call_sid === parent)?.events.find((e) => e.type === 'heard');
        if (h) return h;
        await new Promise((r) => setTimeout(r, 100));
      }
      return undefined;
    })();
    assert.ok(hears(heard, MIC_HZ), `the caller hears the browser's ${MIC_HZ} Hz: ${JSON.stringify(heard)}`);
    await page.close();
  });

  test('a reject on node B ends the Dial on node A busy; nobody registered anywhere is no-answer', async () => {
    const page = await registeredOnB('frank');
    let next = 'frank';
    app.respond((r) => {
      if (r.path === '/shop') return { body: `<Response><Dial timeout="5" action="/dial-done"><Client>${next}</Client></Dial></Response>` };
      return { body: '<Response/>' };
    });
    const dial = async (caller: string): Promise<string> => {
      const parent = await callThroughA(caller, { HangupAfter: '20' });
      return (await app.waitFor((r) => r.path === '/dial-done' && r.params.CallSid === parent, 30_000)).params.DialCallStatus ?? '';
    };
    const rejected = dial('+15550005561');
    await ringing(page, 1);
    await evaluate(page, 'window.t.incoming[0].reject()');
    assert.equal(await rejected, 'busy');
    next = 'nobody';
    assert.equal(await dial('+15550005562'), 'no-answer');
    await page.close();
  });
});
