import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import twilio from 'twilio';
import { newSid } from '../src/core/sid.js';
import { WebhookLogRepository } from '../src/store/repositories/webhook-log.js';
import { FakeApp, eventually } from './support/app.js';
import { ensureConsoleBuilt, launchChromium, screenshot, watchPage } from './support/browser.js';
import { startTestServer, type TestServer } from './support/harness.js';

// The web console in a real browser (Debian's Chromium driven by playwright-core): a developer signs in,
// buys a number, points it at their app, texts it from a virtual phone and watches the reply arrive, then
// opens the inspector entry of a webhook their app failed. One browser and one server for the whole file.

let s: TestServer;
let app: FakeApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let watch: { problems: string[] };
const CUSTOMER = '+15558675310';
let shopNumber = '';
const T = { timeout: 15_000 };

before(async () => {
  ensureConsoleBuilt();
  [s, app, browser] = await Promise.all([startTestServer(), new FakeApp().start(), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 860 }, reducedMotion: 'reduce' });
  page = await context.newPage();
  page.setDefaultTimeout(T.timeout);
  watch = watchPage(page, [s.url]);
});
after(async () => {
  await browser?.close();
  await s?.close();
  await app?.stop();
});

const nav = (name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true }).click();

test('signs in with the account SID and auth token; the token stays hidden until revealed', async () => {
  await page.goto(`${s.url}/console`);
  await page.getByLabel('Account SID or API key SID').fill(s.accountSid);
  await page.getByLabel('Auth token or API key secret').fill(s.authToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Start', level: 1 }).waitFor();
  assert.equal(await page.getByTestId('account-sid').textContent(), s.accountSid);
  assert.ok(!(await page.content()).includes(s.authToken), 'the token is not in the page before it is revealed');
  await page.getByRole('button', { name: 'Reveal' }).click();
  await page.getByTestId('auth-token').getByText(s.authToken).waitFor();
  assert.match((await page.getByLabel('Node.js snippet', { exact: true }).textContent()) ?? '', /httpClient\('http:\/\/127\.0\.0\.1:\d+'\)/);
  await page.getByRole('button', { name: 'Hide' }).click();
  await page.locator('.live-live').waitFor();
  await screenshot(page, 'start');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'switchboard_console');
  assert.ok(session?.httpOnly && session.sameSite === 'Strict');
});

test('buys a number from the pool and sets its SMS URL', async () => {
  await nav('Phone numbers');
  await page.getByLabel('Area code').fill('415');
  await page.getByRole('button', { name: 'Search' }).click();
  const buy = page.getByRole('list', { name: 'Available numbers' }).getByRole('button').first();
  shopNumber = ((await buy.getAttribute('aria-label')) ?? '').replace('Buy ', '');
  assert.match(shopNumber, /^\+1415\d{7}$/);
  await buy.click();
  const settings = page.getByRole('form', { name: `Settings of ${shopNumber}` });
  await settings.getByLabel('SmsUrl').fill(`${app.base}/sms`);
  await settings.getByLabel('SmsMethod').selectOption('POST');
  await settings.getByRole('button', { name: 'Save' }).click();
  await settings.getByRole('status').getByText('Saved').waitFor();
  await screenshot(page, 'numbers');
  const [owned] = await s.client.incomingPhoneNumbers.list({ phoneNumber: shopNumber });
  assert.equal(owned?.smsUrl, `${app.base}/sms`);
});

test('texts the app from a virtual phone and sees the TwiML reply arrive live', async () => {
  app.respond((r) => {
    if (r.path !== '/sms') return undefined;
    if (r.params.Body === 'fail') return { status: 500, body: 'boom' };
    const twiml = new twilio.twiml.MessagingResponse();
    twiml.message(`Thanks! You said: ${r.params.Body}`);
    return { body: twiml.toString() };
  });
  await nav('Virtual phones');
  await page.getByLabel('Open a phone').fill(CUSTOMER);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('heading', { name: `Phone ${CUSTOMER}` }).waitFor();
  // The recipient defaults to the account's number once the numbers list has loaded, a moment after the heading.
  const to = page.getByLabel('To (your number)');
  await eventually(async () => ((await to.inputValue()) === '' ? undefined : true));
  assert.equal(await to.inputValue(), shopNumber);
  await page.getByLabel('Message', { exact: true }).fill('Where is my order?');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const log = page.getByRole('log', { name: `Conversation of ${CUSTOMER}` });
  await log.getByText('Where is my order?', { exact: true }).waitFor();
  // The reply comes back through the app's webhook and the carrier simulator: nothing reloads the page.
  await log.getByText('Thanks! You said: Where is my order?').waitFor();
  await page.getByRole('complementary', { name: 'Virtual phones' }).getByText('2 messages').waitFor();
  const hook = await app.waitFor((r) => r.path === '/sms' && r.params.Body === 'Where is my order?');
  assert.ok(twilio.validateRequest(s.authToken, String(hook.headers['x-twilio-signature']), hook.url, hook.params));
  await screenshot(page, 'virtual-phone');

  // STOP is one click; the app's number then cannot text this phone (21610), as with Twilio.
  await page.getByRole('button', { name: 'Send STOP' }).click();
  await log.getByText('STOP', { exact: true }).waitFor();
  await assert.rejects(s.client.messages.create({ from: shopNumber, to: CUSTOMER, body: 'still there?' }), (e: { code: number }) => e.code === 21610);
  await page.getByRole('button', { name: 'Send START' }).click();
  await log.getByText('START', { exact: true }).waitFor();
});

test('the message log updates live and a message shows its timeline, segments and encoding', async () => {
  await nav('Messages');
  const rows = page.getByRole('list', { name: 'Messages, newest first' });
  await rows.getByText('Thanks! You said: Where is my order?').waitFor();
  // A message sent through the SDK while the page is open appears on top without a reload.
  const sent = await s.client.messages.create({
    from: shopNumber,
    to: '+15558675311',
    body: 'Your order ships today — merci!',
    statusCallback: `${app.base}/status`,
  });
  await rows.locator(`[data-sid="${sent.sid}"]`).getByText('delivered').waitFor();
  assert.equal(await rows.locator('li').first().getAttribute('data-sid'), sent.sid);
  await rows.locator(`[data-sid="${sent.sid}"] a`).click();
  await page.getByRole('heading', { name: `Message ${sent.sid}` }).waitFor();
  await page.getByTestId('encoding').getByText('UCS-2').waitFor();
  assert.equal(await page.getByTestId('segments').textContent(), '1');
  const timeline = page.getByRole('list', { name: 'Status timeline' });
  await timeline.getByText('Status callback reported').filter({ hasText: 'delivered' }).first().waitFor();
  // Each callback (sent, delivered: Twilio posts none for sending) with the answer it got.
  await timeline.getByText(`POST ${app.base}/status`).nth(1).waitFor();
  assert.equal(await timeline.getByText(`POST ${app.base}/status`).count(), 2);
  await screenshot(page, 'message-detail');
});

test('the inspector shows a failing webhook live, with its response, latency and alert code', async () => {
  await nav('Webhook inspector');
  const rows = page.getByRole('list', { name: 'Webhook requests, newest first' });
  await rows.locator('li').first().waitFor();
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(CUSTOMER)}/Messages`, {
    method: 'POST',
    form: { To: shopNumber, Body: 'fail' },
  });
  assert.equal(res.status, 201);
  const failing = rows.locator('li').filter({ hasText: '500 · 11200' }).first();
  await failing.waitFor();
  await failing.getByRole('link').click();
  const detail = page.getByTestId('webhook-detail');
  await detail.getByTestId('error-code').getByText('11200').waitFor();
  await detail.getByText('Alert 11200').waitFor();
  await detail.getByRole('table', { name: 'Request body parameters' }).getByText('fail', { exact: true }).waitFor();
  await detail.getByLabel('Response body').getByText('boom').waitFor();
  assert.match((await detail.textContent()) ?? '', /\d+ ms/);
  await screenshot(page, 'inspector');
  // The entry is linkable: a reload of its address shows it again.
  await page.reload();
  await page.getByTestId('webhook-detail').getByTestId('error-code').getByText('11200').waitFor();
});

test("a log of thousands pages through the API's next links and takes live rows on top without duplicates", async () => {
  // 2,000 old records straight into the store: building them through webhooks would take minutes.
  const oldest = Date.now() - 86_400_000;
  await new WebhookLogRepository(s.sb.store.db, s.sb.store.dialect).insertRequests(
    Array.from({ length: 2000 }, (_, i) => ({
      sid: newSid('WR'),
      account_sid: s.accountSid,
      resource_sid: null,
      purpose: 'sms-status',
      method: 'POST',
      url: `${app.base}/old/${i}`,
      request_headers: '{}',
      request_body: `N=${i}`,
      response_status: 200,
      response_headers: '{}',
      response_body: '',
      latency_ms: 1,
      error_code: null,
      error_message: null,
      attempt: 1,
      date_created: oldest + i,
    })),
  );
  await nav('Start');
  await nav('Webhook inspector');
  const rows = page.getByRole('list', { name: 'Webhook requests, newest first' }).locator('li');
  await page.getByText('50 requests shown').waitFor();
  for (const shown of [100, 150, 200]) {
    await page.getByRole('button', { name: 'Load older' }).click();
    await page.getByText(`${shown} requests shown`).waitFor();
  }
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(CUSTOMER)}/Messages`, {
    method: 'POST',
    form: { To: shopNumber, Body: 'fail' },
  });
  assert.equal(res.status, 201);
  await page.getByText('201 requests shown').waitFor();
  const sids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-sid')));
  assert.equal(new Set(sids).size, 201, 'no row twice');
  assert.match((await rows.first().textContent()) ?? '', /500 · 11200/, 'the live row is on top');
  // Pages continue exactly where the previous one ended: the seeded rows shown run 1999, 1998, ... unbroken.
  const labels = await rows.locator('a').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  const seeded = labels
    .map((t) => /\/old\/(\d+),/.exec(t)?.[1])
    .filter((n) => n !== undefined)
    .map(Number);
  assert.ok(seeded.length > 150);
  assert.deepEqual(
    seeded,
    seeded.map((_, i) => 1999 - i),
  );
  assert.ok(await page.getByRole('button', { name: 'Load older' }).isVisible(), 'more pages remain');
});

test('Calls and Verify read their APIs and say when the module is not enabled, with no made-up data', async () => {
  const calls = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Calls.json`);
  await nav('Calls');
  if (calls.status === 200) await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
  else await page.getByTestId('calls-notice').getByText('Voice calls will appear here once the voice module is enabled.').waitFor();
  await screenshot(page, 'calls');
  const verify = await s.fetch('/verify/v2/Services');
  if (verify.status === 200) {
    const bakery = await s.client.verify.v2.services.create({ friendlyName: 'Bakery login' });
    await s.client.verify.v2.services(bakery.sid).verifications.create({ to: '+15558675399', channel: 'sms' });
    await nav('Verify');
    await page.getByRole('list', { name: 'Verify services' }).getByText('Bakery login').waitFor();
    const attempt = page.getByRole('list', { name: 'Verify attempts, newest first' }).getByRole('listitem').filter({ hasText: '+15558675399' });
    await attempt.getByText('unconverted').waitFor();
    assert.ok(await attempt.getByText('Bakery login').isVisible(), 'the attempt names its service');
  } else {
    await nav('Verify');
    await page.getByTestId('verify-notice').waitFor();
  }
  await screenshot(page, 'verify');
});

test('works at 360 px wide, in light and dark, with visible keyboard focus', async () => {
  await page.setViewportSize({ width: 360, height: 760 });
  await nav('Messages');
  await page.getByRole('list', { name: 'Messages, newest first' }).locator('li').first().waitFor();
  // Strings, not functions: they run in the page, and the test's TypeScript has no DOM types.
  const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
  await page.getByLabel('To', { exact: true }).focus();
  await page.keyboard.press('Tab');
  const outline = String(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle'));
  assert.notEqual(outline, 'none', 'the focused control shows a focus ring');
  await screenshot(page, 'mobile-messages');
  // The dark scheme follows the system setting: same page, other colours.
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'mobile-messages-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 860 });
});

test('no script errors, no CSP refusals, no request beyond this server', () => {
  assert.deepEqual(watch.problems, []);
});
