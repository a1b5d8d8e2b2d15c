// The dashboard in headless Chromium: a burst of messages shows in its tiles and charts within seconds,
// live; it reads at 360 px in light and dark. Then every console page is saved as a screenshot in light
// and dark mode (test-results/screenshots/console-<page>-<scheme>.png).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { FakeApp } from './support/app.js';
import { ensureConsoleBuilt, launchChromium, screenshot, watchPage } from './support/browser.js';
import { startTestServer, type TestServer } from './support/harness.js';

const BURST = 30;

let s: TestServer;
let app: FakeApp;
let browser: Browser;
let page: Page;
let watch: { problems: string[] };

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
