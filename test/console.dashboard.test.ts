// The dashboard in headless Chromium: a burst of messages shows in its tiles and charts within seconds,
// live; a caller waiting in a queue and an SMPP carrier are drawn on the queue and carrier charts; it
// reads at 360 px in light and dark. Then every console page is saved as a screenshot in light
// and dark mode (test-results/screenshots/console-<page>-<scheme>.png).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import twilio from 'twilio';
import { TestSmsc } from '../src/messaging/carriers/smpp/test-support/smsc.js';
import { FakeApp, eventually } from './support/app.js';
import { ensureConsoleBuilt, launchChromium, screenshot, watchPage } from './support/browser.js';
import { startTestServer, type TestServer } from './support/harness.js';

const BURST = 30;

let s: TestServer;
let app: FakeApp;
let browser: Browser;
let page: Page;
let watch: { problems: string[] };
let smsc: TestSmsc | undefined;

before(async () => {
  ensureConsoleBuilt();
  [s, app, browser] = await Promise.all([startTestServer(), new FakeApp().start(), launchChromium()]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watch = watchPage(page, [s.url]);
  await page.goto(`${s.url}/console`);
  await page.getByLabel('Account SID or API key SID').fill(s.accountSid);
  await page.getByLabel('Auth token or API key secret').fill(s.authToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Start', level: 1 }).waitFor();
});
after(async () => {
  await browser?.close();
  await s?.close();
  await app?.stop();
  await smsc?.close();
});

const text = async (testId: string) => (await page.getByTestId(testId).textContent())?.trim() ?? '';

test('a burst of messages shows on the dashboard within seconds, with a failing webhook by its alert code', async () => {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Dashboard', exact: true }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  assert.equal(await text('dashboard-messages-total'), '0');
  app.respond((r) => (r.path === '/broken' ? { status: 500, body: 'down' } : undefined));
  const from = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', smsUrl: `${app.base}/broken` })).phoneNumber;
  await Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      s.client.messages.create({ from, to: `+1555867${String(5300 + i).padStart(4, '0')}`, body: `burst ${i}`, statusCallback: `${app.base}/broken` }),
    ),
  );
  // Live: no reload. The bound is a timeout for a broken page, not a speed target.
  await page
    .getByTestId('dashboard-messages-total')
    .filter({ hasText: String(BURST) })
    .waitFor({ timeout: 15_000 });
  const messages = page.getByTestId('chart-messages');
  await messages
    .getByText(/delivered|sent|queued/)
    .first()
    .waitFor();
  // The status callbacks answer 500: alert 11200 appears under the webhook failures.
  await page.getByTestId('chart-alerts').getByText('alert 11200').first().waitFor({ timeout: 30_000 });
  assert.match(await text('dashboard-delivery-rate'), /^\d+%$|^—$/);
  assert.ok((await page.locator('.chart canvas').count()) >= 5, 'five charts drawn');
  assert.deepEqual(watch.problems, []);
});

/**
 * Pixels of a chart's canvas in its first series' colour (--c1 of the scheme in use): the axes and grid are
 * drawn in other colours, so these are the series' line or dot.
 */
async function seriesPixels(testId: string): Promise<number> {
  // A string, run in the page (the tests are compiled without the DOM's types).
  const n = await page.evaluate(`(() => {
    const canvas = document.querySelector('[data-testid="${testId}"] canvas');
    if (!canvas) return -1;
    const hex = getComputedStyle(document.documentElement).getPropertyValue('--c1').trim();
    const want = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
    const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] > 200 && Math.abs(px[i] - want[0]) + Math.abs(px[i + 1] - want[1]) + Math.abs(px[i + 2] - want[2]) < 40) n++;
    }
    return n;
  })()`);
  return Number(n);
}

test('a caller waiting in a queue shows on the queue chart, and a carrier on the carrier chart', async () => {
  const queues = page.getByTestId('chart-queues');
  const carriers = page.getByTestId('chart-carriers');
  await queues.getByText('No queues.').waitFor();
  await carriers.getByText(/No carrier configured/).waitFor();
  assert.equal(await seriesPixels('chart-queues'), 0, 'nothing drawn before there is a queue');

  // A caller waits: a virtual phone calls a number whose TwiML enqueues it (the hold music plays meanwhile).
  app.respond((r) => {
    if (r.path !== '/enqueue') return undefined;
    const vr = new twilio.twiml.VoiceResponse();
    vr.enqueue('dash-support');
    return { body: vr.toString() };
  });
  const line = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/enqueue` })).phoneNumber;
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent('+15550300001')}/Calls`, { method: 'POST', form: { To: line } });
  assert.equal(res.status, 201, await res.clone().text());
  const callSid = ((await res.json()) as { call_sid: string }).call_sid;
  await queues.getByText('dash-support: 1 waiting now').waitFor({ timeout: 30_000 });
  await eventually(async () => ((await seriesPixels('chart-queues')) > 0 ? true : undefined), 10_000);

  // A carrier through the Carriers API, bound to an SMSC on loopback: its line is drawn at "up".
  smsc = new TestSmsc({ systemId: 'sb', password: 'pw' });
  await smsc.start();
  const created = await s.fetch('/switchboard/v1/Carriers', {
    method: 'POST',
    form: { Name: 'dash-smsc', Host: '127.0.0.1', Port: String(smsc.port), SystemId: 'sb', Password: 'pw', Prefixes: '+999' },
  });
  assert.equal(created.status, 201, await created.clone().text());
  await carriers.getByText('dash-smsc:').waitFor();
  await carriers.locator('.pill-ok', { hasText: 'up' }).waitFor({ timeout: 20_000 });
  await eventually(async () => ((await seriesPixels('chart-carriers')) > 0 ? true : undefined), 10_000);
  assert.ok((await page.locator('.chart canvas').count()) >= 7, 'seven charts drawn');

  // The caller hangs up: the queue reads 0 waiting now.
  await s.client.calls(callSid).update({ status: 'completed' });
  await queues.getByText(/dash-support: 0 waiting now/).waitFor({ timeout: 20_000 });
  await screenshot(page, 'dashboard-queues-carriers');
  assert.deepEqual(watch.problems, []);
});

test('the dashboard reads at 360 px, light and dark', async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(300);
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    assert.ok(overflow <= 0, `no horizontal scrolling at 360 px in ${scheme} (overflow ${overflow}px)`);
    await screenshot(page, `dashboard-360-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('every page, light and dark, saved to test-results/screenshots', async () => {
  const nav = page.getByRole('navigation', { name: 'Console' });
  const names = await nav.getByRole('link').allTextContents();
  assert.ok(names.length >= 10, `nav pages: ${names.join(', ')}`);
  for (const name of names) {
    await nav.getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(200);
      await screenshot(page, `page-${name.toLowerCase().replace(/[^a-z]+/g, '-')}-${scheme}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(watch.problems, []);
});
