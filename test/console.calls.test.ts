import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually, FakeApp } from './support/app.js';
import { ensureConsoleBuilt, launchChromium, screenshot, watchPage } from './support/browser.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { behave as behaveOn } from './support/virtual-phones.js';

// The Calls page in a real browser: a call to a virtual phone whose TwiML comes from the developer's app,
// opened from the list, shows one timeline with the TwiML fetch and the verbs the call ran.

let s: TestServer;
let app: FakeApp;
let browser: Browser;
let page: Page;
let watch: { problems: string[] };

before(async () => {
  ensureConsoleBuilt();
  [s, app, browser] = await Promise.all([startTestServer(), new FakeApp().start(), launchChromium()]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, reducedMotion: 'reduce' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watch = watchPage(page, [s.url]);
});
after(async () => {
  await browser?.close();
  await s?.close();
  await app?.stop();
});

test('a call opened from the Calls list shows the TwiML fetch and the verbs it ran', async () => {
  app.respond((r) => (r.path === '/voice' ? { body: '<Response><Say>Hello from the timeline</Say><Hangup/></Response>' } : undefined));
  const shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
  const call = await s.client.calls.create({ to: '+15558675330', from: shop, url: `${app.base}/voice` });
  await eventually(async () => ((await s.client.calls(call.sid).fetch()).status === 'completed' ? true : undefined), 20_000);

  await page.goto(`${s.url}/console`);
  await page.getByLabel('Account SID or API key SID').fill(s.accountSid);
  await page.getByLabel('Auth token or API key secret').fill(s.authToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Start', level: 1 }).waitFor();
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Calls', exact: true }).click();
  await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
  await page.getByRole('link', { name: new RegExp(`Call ${call.sid}`) }).click();

  await page.getByRole('heading', { name: new RegExp(`Call ${call.sid}`), level: 1 }).waitFor();
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await timeline.getByText('TwiML fetch').waitFor();
  await timeline.getByText('<Say>').waitFor();
  await timeline.getByText('Hello from the timeline').waitFor();
  await timeline.getByText(`${app.base}/voice`).first().waitFor();
  const rows = await timeline.locator('li').allTextContents();
  const fetchAt = rows.findIndex((r) => r.includes('TwiML fetch'));
  const sayAt = rows.findIndex((r) => r.includes('<Say>'));
  const hangupAt = rows.findIndex((r) => r.includes('<Hangup>'));
  assert.ok(fetchAt >= 0 && fetchAt < sayAt && sayAt < hangupAt, `timeline order: ${JSON.stringify(rows)}`);
  await page.getByText('completed').first().waitFor();
  await screenshot(page, 'call-timeline');
  assert.deepEqual(watch.problems, []);
});

const behave = (phone: string, form: Record<string, string | string[]>) => behaveOn(s, phone, form);

test("a call that dialled another phone lists its leg, and the leg's page links back to its parent", async () => {
  const shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
  await behave('+15550177002', { HangupAfter: '2' });
  const call = await s.client.calls.create({
    to: '+15550177001',
    from: shop,
    twiml: '<Response><Dial timeout="10"><Number>+15550177002</Number></Dial></Response>',
  });
  const leg = await eventually(async () => (await s.client.calls.list({ parentCallSid: call.sid }))[0], 20_000);
  await eventually(async () => ((await s.client.calls(call.sid).fetch()).status === 'completed' ? true : undefined), 30_000);

  await page.goto(`${s.url}/console/calls/${call.sid}`);
  await page.getByRole('heading', { name: new RegExp(`Call ${call.sid}`), level: 1 }).waitFor();
  const legs = page.getByRole('list', { name: 'Legs' });
  await legs.getByRole('link', { name: new RegExp(`Leg ${leg.sid} to \\+15550177002`) }).click();
  await page.getByRole('heading', { name: new RegExp(`Call ${leg.sid}`), level: 1 }).waitFor();
  await page.getByRole('link', { name: `Parent call ${call.sid}` }).waitFor();
  assert.deepEqual(watch.problems, []);
});

test('the Queues page shows a waiting caller live, and it leaves the list when dequeued', async () => {
  const shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
  await page.goto(`${s.url}/console/queues`);
  await page.getByRole('heading', { name: 'Queues', level: 1 }).waitFor();
  const call = await s.client.calls.create({ to: '+15550177003', from: shop, twiml: '<Response><Enqueue>support</Enqueue></Response>' });
  const waiting = page.getByRole('list', { name: 'Calls waiting in support, front first' });
  await waiting.getByRole('link', { name: new RegExp(`Call ${call.sid}, position 1`) }).waitFor();
  const queue = (await s.client.queues.list()).find((q) => q.friendlyName === 'support')!;
  await s.client.queues(queue.sid).members('Front').update({ url: 'http://127.0.0.1:9/unused', method: 'POST' });
  await page.getByText('Nobody is waiting.').waitFor();
  await s.client
    .calls(call.sid)
    .update({ status: 'completed' })
    .catch(() => undefined);
  assert.deepEqual(watch.problems, []);
});

test("a call's page plays its recording, draws its waveform and shows AnsweredBy", async () => {
  const shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
  await behave('+15550177021', { Audio: ['pause:0.4', 'tone:700:8'], HangupAfter: '15' });
  const call = await s.client.calls.create({
    to: '+15550177021',
    from: shop,
    machineDetection: 'Enable',
    twiml: '<Response><Record maxLength="3" playBeep="false" trim="do-not-trim"/><Hangup/></Response>',
  });
  await eventually(async () => ((await s.client.calls(call.sid).fetch()).status === 'completed' ? true : undefined), 30_000);
  await eventually(async () => ((await s.client.recordings.list({ callSid: call.sid }))[0]?.status === 'completed' ? true : undefined), 15_000);

  await page.goto(`${s.url}/console/calls/${call.sid}`);
  await page.getByRole('heading', { name: new RegExp(`Call ${call.sid}`), level: 1 }).waitFor();
  const recording = page.getByTestId('recording');
  const audio = recording.locator('audio');
  await audio.waitFor();
  // The test compiles without DOM types: the element's few members it reads, spelled out.
  type Media = { readyState: number; duration: number; addEventListener(e: string, f: () => void, o: { once: boolean }): void };
  type Canvas = {
    width: number;
    height: number;
    getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
  };
  const seconds = await audio.evaluate(
    (a: Media) =>
      new Promise<number>((resolve) => {
        if (a.readyState >= 1) resolve(a.duration);
        else a.addEventListener('loadedmetadata', () => resolve(a.duration), { once: true });
      }),
  );
  assert.ok(seconds > 2 && seconds < 4.5, `the player has the 3 s recording (${seconds} s)`);
  // The waveform is drawn from the audio: the tone's bar in the middle column is far taller than the
  // one-pixel line silence would draw.
  await eventually(async () => {
    const share = await recording.locator('canvas').evaluate((c: Canvas) => {
      const column = c.getContext('2d')?.getImageData(Math.floor(c.width / 2), 0, 1, c.height).data ?? new Uint8ClampedArray();
      let inked = 0;
      for (let i = 3; i < column.length; i += 4) if ((column[i] ?? 0) > 0) inked++;
      return inked / c.height;
    });
    return share > 0.1 ? true : undefined;
  }, 10_000);
  assert.match(
    (await page.getByTestId('answered-by').textContent()) ?? '',
    /^(human|machine_start|machine_end_beep|machine_end_silence|machine_end_other|fax|unknown)$/,
  );
  await screenshot(page, 'call-recording');
  assert.deepEqual(watch.problems, []);
});

test('the Conferences page lists the participants; Mute, Hold and Kick act on them', async () => {
  const shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
  const twiml = '<Response><Dial><Conference>standup</Conference></Dial></Response>';
  await behave('+15550177031', { HangupAfter: '60' });
  await behave('+15550177032', { HangupAfter: '60' });
  const a = await s.client.calls.create({ to: '+15550177031', from: shop, twiml });
  const b = await s.client.calls.create({ to: '+15550177032', from: shop, twiml });
  await page.goto(`${s.url}/console/conferences`);
  await page.getByRole('heading', { name: 'Conferences', level: 1 }).waitFor();
  const list = page.getByRole('list', { name: 'Participants of standup' });
  const rowA = list.locator(`li[data-sid="${a.sid}"]`);
  const rowB = list.locator(`li[data-sid="${b.sid}"]`);
  await rowA.waitFor({ timeout: 20_000 });
  await rowB.waitFor({ timeout: 20_000 });
  const conference = (await s.client.conferences.list({ friendlyName: 'standup' }))[0]!;
  const participant = (sid: string) => s.client.conferences(conference.sid).participants(sid).fetch();

  await rowA.getByRole('button', { name: 'Mute' }).click();
  await rowA.getByRole('button', { name: 'Unmute' }).waitFor();
  assert.equal((await participant(a.sid)).muted, true);
  await rowA.getByRole('button', { name: 'Hold' }).click();
  await rowA.getByRole('button', { name: 'Resume' }).waitFor();
  assert.equal((await participant(a.sid)).hold, true);
  await screenshot(page, 'conference');
  await rowB.getByRole('button', { name: 'Kick' }).click();
  await rowB.waitFor({ state: 'detached', timeout: 15_000 });
  await eventually(async () => ((await s.client.calls(b.sid).fetch()).status === 'completed' ? true : undefined), 15_000);
  await s.client
    .calls(a.sid)
    .update({ status: 'completed' })
    .catch(() => undefined);
  assert.deepEqual(watch.problems, []);
});
