import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually, FakeApp } from './support/app.js';
import { ensureConsoleBuilt, launchChromium, screenshot, watchPage } from './support/browser.js';
import { startTestServer, type TestServer } from './support/harness.js';

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
