import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './support/harness.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

test("an account never sees another account's resources: they are 404s, not 403s", async () => {
  const a = await s.client.api.v2010.accounts.create({ friendlyName: 'A' });
  const b = await s.client.api.v2010.accounts.create({ friendlyName: 'B' });
  const clientA = s.clientFor(a.sid, a.authToken);
  const clientB = s.clientFor(b.sid, b.authToken);
  const numberB = await clientB.incomingPhoneNumbers.create({ areaCode: '415' });
  const appB = await clientB.applications.create({ friendlyName: 'B app' });
  const keyB = await clientB.newKeys.create({ friendlyName: 'B key' });

  const probes: Array<[string, string]> = [
    ['GET', `/2010-04-01/Accounts/${b.sid}.json`],
    ['POST', `/2010-04-01/Accounts/${b.sid}.json`],
    ['GET', `/2010-04-01/Accounts/${b.sid}/IncomingPhoneNumbers.json`],
    ['GET', `/2010-04-01/Accounts/${b.sid}/IncomingPhoneNumbers/${numberB.sid}.json`],
    ['DELETE', `/2010-04-01/Accounts/${b.sid}/IncomingPhoneNumbers/${numberB.sid}.json`],
    ['GET', `/2010-04-01/Accounts/${a.sid}/IncomingPhoneNumbers/${numberB.sid}.json`],
    ['DELETE', `/2010-04-01/Accounts/${a.sid}/Applications/${appB.sid}.json`],
    ['GET', `/2010-04-01/Accounts/${a.sid}/Keys/${keyB.sid}.json`],
    ['GET', `/2010-04-01/Accounts/${s.accountSid}.json`],
  ];
  const auth = `Basic ${Buffer.from(`${a.sid}:${a.authToken}`).toString('base64')}`;
  for (const [method, path] of probes) {
    const res = await fetch(s.url + path, { method, headers: { authorization: auth } });
    assert.equal(res.status, 404, `${method} ${path}`);
    const body = (await res.json()) as { code: number };
    assert.equal(body.code, 20404);
  }
  // A's lists hold only A's things; B's number still exists.
  assert.deepEqual(
    (await clientA.incomingPhoneNumbers.list()).map((n) => n.sid),
    [],
  );
  assert.deepEqual(
    (await clientA.api.v2010.accounts.list()).map((x) => x.sid),
    [a.sid],
  );
  assert.equal((await clientB.incomingPhoneNumbers(numberB.sid).fetch()).sid, numberB.sid);
  // B's API key cannot act for A either.
  const viaKeyB = s.clientFor(keyB.sid, keyB.secret, a.sid);
  await assert.rejects(viaKeyB.incomingPhoneNumbers.list(), (e: { status: number }) => e.status === 404);
  // The parent reaches both.
  assert.equal((await s.client.api.v2010.accounts(b.sid).incomingPhoneNumbers(numberB.sid).fetch()).sid, numberB.sid);
});

test('a subaccount cannot create subaccounts', async () => {
  const a = await s.client.api.v2010.accounts.create({ friendlyName: 'nested' });
  await assert.rejects(
    s.clientFor(a.sid, a.authToken).api.v2010.accounts.create({}),
    (e: { status: number; code: number }) => e.status === 403 && e.code === 20403,
  );
});
