// SMPP carriers end to end: the server boots with a carriers file pointing at test SMSCs (our codec, server
// side), the official twilio SDK sends, and everything after that goes over SMPP: submit_sm, receipts per
// part aggregated into the message status, MO to the number's SmsUrl, the Carriers API, routing and
// failover, Prometheus counters, a receipt landing after a restart, and every SMSC fault mode.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import twilio from 'twilio';
import { Status } from '../src/messaging/carriers/smpp/constants.js';
import { TestSmsc } from '../src/messaging/carriers/smpp/test-support/smsc.js';
import type { TestSmscOptions } from '../src/messaging/carriers/smpp/test-support/smsc.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

const SHOP = '+15017122661';
const dir = mkdtempSync(join(tmpdir(), 'sb-smpp-'));
const smscs: TestSmsc[] = [];
let s: TestServer;
let app: FakeApp;
let main: TestSmsc;

async function smsc(options: TestSmscOptions = {}): Promise<TestSmsc> {
  const x = new TestSmsc({ systemId: 'sb', password: 'pw', ...options });
  await x.start();
  smscs.push(x);
  return x;
}

function carrier(name: string, port: number, extra: Record<string, unknown> = {}) {
  return { name, host: '127.0.0.1', port, systemId: 'sb', password: 'pw', responseTimeoutMs: 500, enquireLinkSeconds: 0, ...extra };
}

function carriersFile(list: unknown[]): string {
  const file = join(dir, `carriers-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ carriers: list }));
  return file;
}

const statusOf = async (server: TestServer, sid: string) => (await server.client.messages(sid).fetch()).status;
const final = (st: string) => ['delivered', 'undelivered', 'failed'].includes(st);

before(async () => {
  main = await smsc({ receipts: { retry: true } });
  s = await startTestServer({ carriersFile: carriersFile([carrier('main', main.port)]), mpsLongCode: 1000 });
  app = await new FakeApp().start();
  await s.client.incomingPhoneNumbers.create({ phoneNumber: SHOP, smsUrl: `${app.base}/sms` });
  await eventually(async () => ((await (await s.fetch('/switchboard/v1/Carriers/main')).json()) as { health: { up: boolean } }).health.up || undefined);
});
after(async () => {
  await s?.close();
  await app?.stop();
  for (const x of smscs) await x.close();
  rmSync(dir, { recursive: true, force: true });
});

test('SDK create -> submit_sm -> receipt -> delivered with signed callbacks; an MO reaches SmsUrl', async () => {
  const msg = await s.client.messages.create({ to: '+447700900123', from: SHOP, body: 'Your code is 1234', statusCallback: `${app.base}/status` });
  await app.waitFor((r) => r.path === '/status' && r.params.MessageSid === msg.sid && r.params.MessageStatus === 'delivered');
  const hooks = app.received.filter((r) => r.path === '/status' && r.params.MessageSid === msg.sid);
  assert.deepEqual(
    hooks.map((r) => r.params.MessageStatus),
    ['sent', 'delivered'],
  );
  for (const h of hooks) assert.ok(twilio.validateRequest(s.authToken, String(h.headers['x-twilio-signature']), h.url, h.params));
  const pdu = main.accepted.find((a) => a.pdu.destinationAddr === '447700900123')!.pdu;
  assert.deepEqual([pdu.sourceAddr, pdu.dataCoding, pdu.registeredDelivery, pdu.shortMessage.toString('latin1')], ['15017122661', 0, 1, 'Your code is 1234']);

  await main.sendMo({ from: '447700900999', to: SHOP.slice(1), shortMessage: Buffer.from('Thanks!') });
  const mo = await app.waitFor((r) => r.path === '/sms' && r.params.Body === 'Thanks!');
  assert.deepEqual([mo.params.From, mo.params.To, mo.params.SmsStatus], ['+447700900999', SHOP, 'received']);
  assert.ok(twilio.validateRequest(s.authToken, String(mo.headers['x-twilio-signature']), mo.url, mo.params));
});

test('multipart: carrier ids of every part stored; delivered only when every part is; the worst part wins', async () => {
  main.receiptRule = (pdu) => (pdu.destinationAddr === '447700900201' && pdu.shortMessage[5] === 2 ? { stat: 'UNDELIV', err: 1 } : {});
  try {
    const statusCallback = `${app.base}/multipart-status`;
    const ok = await s.client.messages.create({ to: '+447700900200', from: SHOP, body: 'a'.repeat(400), statusCallback });
    const bad = await s.client.messages.create({ to: '+447700900201', from: SHOP, body: 'b'.repeat(400), statusCallback });
    assert.equal(ok.numSegments, '3');
    await eventually(async () => (final(await statusOf(s, ok.sid)) && final(await statusOf(s, bad.sid))) || undefined);
    const [o, b] = [await s.client.messages(ok.sid).fetch(), await s.client.messages(bad.sid).fetch()];
    assert.deepEqual([o.status, o.errorCode], ['delivered', null]);
    assert.deepEqual([b.status, b.errorCode], ['undelivered', 30005]);
    assert.equal(main.accepted.filter((a) => a.pdu.destinationAddr === '447700900200').length, 3);
    // Both receipt outcomes carry the receipt's done date (YYMMDDhhmm), as Twilio's callbacks do.
    const okHook = await app.waitFor((r) => r.params.MessageSid === ok.sid && r.params.MessageStatus === 'delivered');
    const badHook = await app.waitFor((r) => r.params.MessageSid === bad.sid && r.params.MessageStatus === 'undelivered');
    assert.match(okHook.params.RawDlrDoneDate ?? '', /^\d{10}$/);
    assert.match(badHook.params.RawDlrDoneDate ?? '', /^\d{10}$/);
    assert.equal(badHook.params.ErrorCode, '30005');
  } finally {
    main.receiptRule = null;
  }
});

test('a receipt that arrives after a restart still lands (part ids are in the store)', async () => {
  const held = await smsc({ receipts: false });
  const file = carriersFile([carrier('held', held.port)]);
  const a = await startTestServer({ carriersFile: file, mpsLongCode: 1000 });
  let b: TestServer | undefined;
  try {
    await a.client.incomingPhoneNumbers.create({ phoneNumber: SHOP });
    await eventually(async () => (held.connectionCount > 0 ? true : undefined));
    await eventually(async () => ((await (await a.fetch('/switchboard/v1/Carriers/held')).json()) as { health: { up: boolean } }).health.up || undefined);
    const m = await a.client.messages.create({ to: '+447700900300', from: SHOP, body: 'c'.repeat(200) });
    await eventually(async () => ((await statusOf(a, m.sid)) === 'sent' ? true : undefined));
    await a.sb.close();
    b = await startTestServer({ carriersFile: file, mpsLongCode: 1000, databaseUrl: a.config.databaseUrl, accountSid: a.accountSid, authToken: a.authToken });
    await eventually(async () => (held.connectionCount > 0 && (await held.deliverReceipt(0)) !== null ? true : undefined));
    assert.equal(await statusOf(b, m.sid), 'sent', 'one part delivered is not enough');
    await held.deliverReceipt(1);
    await eventually(async () => ((await statusOf(b!, m.sid)) === 'delivered' ? true : undefined));
  } finally {
    await b?.close();
    await a.close();
  }
});

test('Carriers API: root only, create/list/fetch/delete, prefix routing with priority, failover while a bind is down, metrics', async () => {
  const sub = await s.client.api.accounts.create({ friendlyName: 'tenant' });
  const subFetch = (path: string, init: RequestInit = {}) =>
    s.fetch(path, { ...init, headers: { authorization: `Basic ${Buffer.from(`${sub.sid}:${sub.authToken}`).toString('base64')}` } });
  assert.equal((await subFetch('/switchboard/v1/Carriers')).status, 404);
  assert.equal((await subFetch('/switchboard/v1/Carriers/main')).status, 404);

  const uk = await smsc({ receipts: { retry: true } });
  const bad = await s.fetch('/switchboard/v1/Carriers', {
    method: 'POST',
    form: { Name: 'uk', Host: '127.0.0.1', Port: String(uk.port), SystemId: 'sb', Window: 'lots' },
  });
  assert.equal(bad.status, 400);
  const created = await s.fetch('/switchboard/v1/Carriers', {
    method: 'POST',
    form: {
      Name: 'uk',
      Host: '127.0.0.1',
      Port: String(uk.port),
      SystemId: 'sb',
      Password: 'pw',
      Prefixes: '+44',
      Priority: '10',
      Throughput: '200',
      ResponseTimeoutMs: '500',
    },
  });
  assert.equal(created.status, 201, await created.clone().text());
  assert.equal((await s.fetch('/switchboard/v1/Carriers', { method: 'POST', form: { Name: 'uk', Host: 'x', SystemId: 'y' } })).status, 400);
  await eventually(async () => ((await (await s.fetch('/switchboard/v1/Carriers/uk')).json()) as { health: { up: boolean } }).health.up || undefined);
  const list = (await (await s.fetch('/switchboard/v1/Carriers')).json()) as {
    carriers: { name: string; source: string; password?: string; routes: { prefixes: string[] } }[];
  };
  assert.deepEqual(
    list.carriers.map((c) => [c.name, c.source]),
    [
      ['uk', 'api'],
      ['main', 'file'],
    ],
  );
  assert.ok(list.carriers.every((c) => c.password === undefined));

  const toUk = await s.client.messages.create({ to: '+447700900400', from: SHOP, body: 'via uk' });
  const toUs = await s.client.messages.create({ to: '+15558675400', from: SHOP, body: 'via main' });
  await eventually(async () => ((await statusOf(s, toUk.sid)) === 'delivered' && (await statusOf(s, toUs.sid)) === 'delivered') || undefined);
  assert.equal(uk.accepted.length, 1);
  assert.ok(main.accepted.some((a) => a.pdu.destinationAddr === '15558675400'));

  // The uk SMSC goes away: +44 fails over to the next matching route (main) instead of waiting.
  await uk.close();
  await eventually(async () => !((await (await s.fetch('/switchboard/v1/Carriers/uk')).json()) as { health: { up: boolean } }).health.up || undefined);
  const failover = await s.client.messages.create({ to: '+447700900401', from: SHOP, body: 'failover' });
  await eventually(async () => ((await statusOf(s, failover.sid)) === 'delivered' ? true : undefined));
  assert.ok(main.accepted.some((a) => a.pdu.destinationAddr === '447700900401'));

  const fetched = (await (await s.fetch('/switchboard/v1/Carriers/main')).json()) as { counters: { submitted: number; receipts: number; inbound: number } };
  assert.ok(fetched.counters.submitted >= 3 && fetched.counters.receipts >= 3, JSON.stringify(fetched.counters));
  const metrics = await (await fetch(`${s.url}/metrics`)).text();
  assert.match(metrics, /switchboard_carrier_up\{carrier="main"\} 1/);
  assert.match(metrics, /switchboard_carrier_up\{carrier="uk"\} 0/);
  assert.match(metrics, /switchboard_carrier_messages_total\{carrier="main",outcome="submitted"\} \d+/);

  assert.equal((await s.fetch('/switchboard/v1/Carriers/main', { method: 'DELETE' })).status, 403);
  assert.equal((await s.fetch('/switchboard/v1/Carriers/uk', { method: 'DELETE' })).status, 204);
  assert.equal((await s.fetch('/switchboard/v1/Carriers/uk')).status, 404);
});

test('faults: drop mid-window, throttling, no answer, error answers, malformed PDU: every message ends delivered or failed with a code, duplicates only where the policy allows', async () => {
  const modes: Record<string, TestSmscOptions['faults']> = {
    drop: { dropOnSubmit: 3 },
    throttle: { throttleEvery: 2 },
    mute: { neverAnswer: true },
    errors: { errorStatus: Status.ESME_RSYSERR, errorEvery: 3 },
    malformed: { malformedAfterSubmit: 2, malformedKind: 'length' },
  };
  // A server of its own, where each faulty carrier is the only route for its sender: no failover to hide a fault.
  const senders: Record<string, string> = {};
  const faulty: Record<string, TestSmsc> = {};
  const list: unknown[] = [];
  for (const [i, [name, faults]] of Object.entries(modes).entries()) {
    faulty[name] = await smsc({ faults, receipts: { retry: true } });
    senders[name] = `+1415555020${i}`;
    list.push(carrier(`f-${name}`, faulty[name]!.port, { routes: { senders: [senders[name]] }, responseTimeoutMs: 300, window: 4 }));
  }
  const f = await startTestServer({ carriersFile: carriersFile(list), mpsLongCode: 1000 });
  try {
    for (const name of Object.keys(modes)) {
      await f.client.incomingPhoneNumbers.create({ phoneNumber: senders[name]! });
      await eventually(
        async () => ((await (await f.fetch(`/switchboard/v1/Carriers/f-${name}`)).json()) as { health: { up: boolean } }).health.up || undefined,
      );
    }
    await faultRun(f, modes, senders, faulty);
  } finally {
    await f.close();
  }
});

async function faultRun(f: TestServer, modes: Record<string, unknown>, senders: Record<string, string>, faulty: Record<string, TestSmsc>): Promise<void> {
  const sent: Record<string, string[]> = {};
  for (const [n, name] of Object.keys(modes).entries()) {
    sent[name] = [];
    for (let k = 0; k < 6; k++) {
      const m = await f.client.messages.create({ to: `+4477009005${n}${k}`, from: senders[name]!, body: `${name} ${k}` });
      sent[name]!.push(m.sid);
    }
  }
  // An SMSC that never answers recovers after a while; until then every submit times out.
  setTimeout(() => {
    faulty.mute!.faults.neverAnswer = false;
  }, 1500).unref();
  const all = Object.values(sent).flat();
  await eventually(
    async () => {
      const statuses = await Promise.all(all.map((sid) => statusOf(f, sid)));
      return statuses.every(final) ? true : undefined;
    },
    60_000,
    250,
  );
  for (const [n, name] of Object.keys(modes).entries()) {
    for (const [k, sid] of sent[name]!.entries()) {
      const m = await f.client.messages(sid).fetch();
      assert.ok(m.status === 'delivered' || (m.status === 'failed' && m.errorCode === 30008), `${name} ${k}: ${m.status} ${m.errorCode}`);
      const accepted = faulty[name]!.accepted.filter((a) => a.pdu.destinationAddr === `4477009005${n}${k}`).length;
      // Throttled or refused submits are never duplicates; a dropped link or a lost answer may be (docs/smpp.md).
      if (name === 'throttle' || name === 'errors') assert.ok(accepted <= 1, `${name} ${k} accepted ${accepted} times`);
      if (m.status === 'delivered') assert.ok(accepted >= 1);
    }
  }
  assert.ok((await Promise.all(sent.errors!.map((sid) => statusOf(f, sid)))).includes('failed'), 'ESME_RSYSERR fails the message (30008)');
  assert.equal((await fetch(`${f.url}/healthz`)).status, 200);
}
