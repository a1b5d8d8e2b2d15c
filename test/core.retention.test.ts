/**
 * Retention on a running server (both stores): the webhook log goes after 7 days by default, alerts after
 * 30, and message bodies when asked. The server's clock is real time plus an offset the test moves, and a
 * pruning round is run directly instead of waiting for its timer.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Clock } from '../src/core/clock.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

const DAY = 86_400_000;
let offset = 0;
const clock: Clock = { now: () => Date.now() + offset };

let s: TestServer;
let app: FakeApp;

before(async () => {
  // Only message bodies differ from the defaults (webhook log 7d, alerts 30d).
  s = await startTestServer({}, { SWITCHBOARD_MESSAGE_BODY_RETENTION: '10d' }, { clock });
  app = await new FakeApp().statuses('/ok', 200).statuses('/gone', 404).start();
});
after(async () => {
  await app.stop();
  await s.close();
});

interface Listed {
  webhook_requests?: { sid: string }[];
  alerts?: { sid: string }[];
}
const list = async (path: string): Promise<Listed> => {
  const res = await s.fetch(path);
  assert.equal(res.status, 200);
  return (await res.json()) as Listed;
};

test('webhook records, alerts and message bodies are pruned by age, each by its own retention', async () => {
  const from = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
  const kept = await s.client.messages.create({ from, to: '+14155550199', body: 'kept a while', statusCallback: `${app.base}/ok` });
  await s.client.messages.create({ from, to: '+14155550198', body: 'callback refused', statusCallback: `${app.base}/gone` });
  // sent and delivered for each: four records, and alerts for the refused ones.
  await app.waitForCount('/ok', 2);
  await app.waitForCount('/gone', 2);
  const requests = await eventually(async () => {
    const r = (await list('/switchboard/v1/WebhookRequests?PageSize=50')).webhook_requests ?? [];
    return r.length >= 4 ? r : undefined;
  });
  const alerts = (await list('/switchboard/v1/Alerts?PageSize=50')).alerts ?? [];
  assert.ok(alerts.length >= 1, 'a refused callback raises an alert');

  // Six days on nothing has expired.
  offset = 6 * DAY;
  assert.deepEqual(await s.sb.retention.runOnce(), { webhookLog: 0, alerts: 0, messageBodies: 0 });

  // Eight days: the webhook log (7 days) is gone; alerts and bodies stay.
  offset = 8 * DAY;
  assert.deepEqual(await s.sb.retention.runOnce(), { webhookLog: requests.length, alerts: 0, messageBodies: 0 });
  assert.deepEqual((await list('/switchboard/v1/WebhookRequests')).webhook_requests, []);
  const gone = await s.fetch(`/switchboard/v1/WebhookRequests/${requests[0]!.sid}`);
  assert.equal(gone.status, 404);
  assert.equal((await list('/switchboard/v1/Alerts')).alerts?.length, alerts.length);
  assert.equal((await s.client.messages(kept.sid).fetch()).body, 'kept a while');

  // Eleven days: bodies (10 days) are redacted, the messages themselves stay; the virtual phones' copies
  // of the two texts are deleted (2 + 2).
  offset = 11 * DAY;
  assert.deepEqual(await s.sb.retention.runOnce(), { webhookLog: 0, alerts: 0, messageBodies: 4 });
  const redacted = await s.client.messages(kept.sid).fetch();
  assert.equal(redacted.body, '');
  assert.equal(redacted.status, 'delivered');

  // Thirty-one days: alerts (30 days) go.
  offset = 31 * DAY;
  assert.deepEqual(await s.sb.retention.runOnce(), { webhookLog: 0, alerts: alerts.length, messageBodies: 0 });
  assert.deepEqual((await list('/switchboard/v1/Alerts')).alerts, []);
});
