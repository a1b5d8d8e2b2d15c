// The lookup cache on one node (store/cache/): each lookup is made once so it is cached, then the write
// that changes it, then the very next request must see the change, with no waiting.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

let s: TestServer;
const app = new FakeApp();

before(async () => {
  await app.start();
  s = await startTestServer();
});
after(async () => {
  await s.close();
  await app.stop();
});

const refused = (code: number) => (e: { code: number }) => e.code === code;

test('a released number stops sending at once; bought again, it sends again', async () => {
  const number = await s.client.incomingPhoneNumbers.create({ phoneNumber: '+14155550191' });
  assert.equal((await s.client.messages.create({ from: number.phoneNumber, to: '+15558671001', body: 'one' })).status, 'queued');
  await s.client.incomingPhoneNumbers(number.sid).remove();
  await assert.rejects(s.client.messages.create({ from: number.phoneNumber, to: '+15558671001', body: 'two' }), refused(21606));
  await s.client.incomingPhoneNumbers.create({ phoneNumber: '+14155550191' });
  assert.equal((await s.client.messages.create({ from: number.phoneNumber, to: '+15558671001', body: 'three' })).status, 'queued');
});

test('a suspended subaccount is refused at once; reactivated, it is served again', async () => {
  const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'shop' });
  const asSub = s.clientFor(sub.sid, sub.authToken);
  assert.equal((await asSub.api.v2010.accounts(sub.sid).fetch()).status, 'active');
  await s.client.api.v2010.accounts(sub.sid).update({ status: 'suspended' });
  await assert.rejects(asSub.api.v2010.accounts(sub.sid).fetch(), refused(20005));
  await s.client.api.v2010.accounts(sub.sid).update({ status: 'active' });
  assert.equal((await asSub.api.v2010.accounts(sub.sid).fetch()).status, 'active');
});

test("a number's new SmsUrl gets the very next inbound message", async () => {
  const number = await s.client.incomingPhoneNumbers.create({ phoneNumber: '+14155550192', smsUrl: `${app.base}/first` });
  const text = async (body: string) => {
    const res = await s.fetch('/switchboard/v1/VirtualPhones/%2B15558671002/Messages', { method: 'POST', form: { To: number.phoneNumber, Body: body } });
    assert.equal(res.status, 201);
  };
  const arrived = (path: string, body: string) =>
    eventually(async () => (app.received.some((r) => r.path === path && r.params.Body === body) ? true : undefined));
  await text('to the first');
  await arrived('/first', 'to the first');
  await s.client.incomingPhoneNumbers(number.sid).update({ smsUrl: `${app.base}/second` });
  await text('to the second');
  await arrived('/second', 'to the second');
  assert.equal(app.received.filter((r) => r.path === '/first').length, 1);
});

test('a Messaging Service sends once a number is attached, and no longer once it is detached', async () => {
  const svc = await s.client.messaging.v1.services.create({ friendlyName: 'pool' });
  await assert.rejects(s.client.messages.create({ messagingServiceSid: svc.sid, to: '+15558671003', body: 'none yet' }), refused(21703));
  const number = await s.client.incomingPhoneNumbers.create({ phoneNumber: '+14155550193' });
  await s.client.messaging.v1.services(svc.sid).phoneNumbers.create({ phoneNumberSid: number.sid });
  assert.equal((await s.client.messages.create({ messagingServiceSid: svc.sid, to: '+15558671003', body: 'pooled' })).status, 'accepted');
  await s.client.messaging.v1.services(svc.sid).phoneNumbers(number.sid).remove();
  await assert.rejects(s.client.messages.create({ messagingServiceSid: svc.sid, to: '+15558671003', body: 'gone' }), refused(21703));
  await s.client.messaging.v1.services(svc.sid).remove();
  await assert.rejects(s.client.messages.create({ messagingServiceSid: svc.sid, to: '+15558671003', body: 'deleted' }), refused(21705));
});
