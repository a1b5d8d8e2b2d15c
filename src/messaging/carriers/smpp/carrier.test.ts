// SmppCarrier against the test SMSC: encoding and concatenation on the wire, carrier ids per part, what each
// SMSC answer becomes for the pipeline (submitted, failed with a code, retry that does or does not use up
// an attempt), receipts as reports by carrier id, and MO reassembled with E.164 addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveryReport, InboundSms, OutboundSms } from '../types.js';
import { SmppCarrier } from './carrier.js';
import type { SmppCarrierOptions } from './carrier.js';
import { Status, Tag } from './constants.js';
import { findTlv } from './tlv.js';
import { carrierFromConfig, parseCarrierConfig } from '../config.js';
import { FAST, makeTestCertificate, until } from './test-support/harness.js';
import { TestSmsc } from './test-support/smsc.js';
import type { TestSmscOptions } from './test-support/smsc.js';

let nextSid = 0;
function sms(body: string, to = '+447700900123'): OutboundSms {
  const sid = `SM${String(++nextSid).padStart(32, '0')}`;
  return { sid, accountSid: 'AC0', from: '+15550001111', to, body, encoding: 'GSM-7', segments: 1, media: [] };
}

async function rig(smscOptions: TestSmscOptions = {}, options: Partial<SmppCarrierOptions> = {}) {
  const smsc = new TestSmsc({ systemId: 'esme', password: 'secret', ...smscOptions });
  const port = await smsc.start();
  const reports: DeliveryReport[] = [];
  const inbound: InboundSms[] = [];
  const carrier = new SmppCarrier({
    name: 'test',
    session: { host: '127.0.0.1', port, systemId: 'esme', password: 'secret', ...FAST },
    ...options,
  });
  await carrier.start({
    report: (r) => {
      reports.push(r);
    },
    inbound: (m) => {
      inbound.push(m);
    },
  });
  assert.ok(await until(() => carrier.health().up, 5000), 'bound');
  return {
    smsc,
    carrier,
    reports,
    inbound,
    async close() {
      await carrier.stop();
      await smsc.close();
    },
  };
}

test('one GSM-7 message: explicit data_coding 0, registered_delivery, one carrier id, receipt reported by that id', async () => {
  const r = await rig();
  try {
    const [result] = await r.carrier.submit([sms('Hello {world}')]);
    assert.equal(result?.kind, 'submitted');
    const ids = result?.kind === 'submitted' ? result.carrierIds : [];
    assert.equal(ids.length, 1);
    const pdu = r.smsc.submits[0]!;
    assert.deepEqual(
      [pdu.dataCoding, pdu.esmClass, pdu.registeredDelivery, pdu.destinationAddr, pdu.destAddrTon, pdu.sourceAddr],
      [0, 0, 1, '447700900123', 1, '15550001111'],
    );
    assert.ok(await until(() => r.reports.length === 1));
    assert.deepEqual(r.reports[0], { carrier: 'test', carrierId: ids[0], status: 'delivered', errorCode: null });
    assert.equal(r.carrier.counters().partsSubmitted, 1);
  } finally {
    await r.close();
  }
});

test('long messages: 8-bit UDH by default (same reference, one id per part), 16-bit and message_payload on request, UCS-2 as data_coding 8', async () => {
  const r = await rig({ receipts: false });
  const r16 = await rig({ receipts: false }, { concatenation: 'udh16' });
  const rp = await rig({ receipts: false }, { concatenation: 'payload' });
  try {
    const long = sms('x'.repeat(200));
    const [res] = await r.carrier.submit([long]);
    assert.ok(res?.kind === 'submitted' && res.carrierIds.length === 2 && res.carrierIds[0] !== res.carrierIds[1]);
    const udh = r.smsc.submits.map((p) => [...p.shortMessage.subarray(0, 6)]).sort((a, b) => a[5]! - b[5]!);
    assert.deepEqual(
      udh.map((u) => [u[0], u[1], u[2], u[4], u[5]]),
      [
        [5, 0, 3, 2, 1],
        [5, 0, 3, 2, 2],
      ],
    );
    assert.equal(udh[0]![3], udh[1]![3], 'one reference for the set');
    assert.ok(r.smsc.submits.every((p) => p.esmClass === 0x40 && p.dataCoding === 0));
    // The reference comes from the SID: a resend of the same message uses it again.
    await r.carrier.submit([long]);
    assert.equal(r.smsc.submits[2]!.shortMessage[3], udh[0]![3]);

    await r16.carrier.submit([sms('y'.repeat(200))]);
    assert.deepEqual([...r16.smsc.submits[0]!.shortMessage.subarray(0, 3)], [6, 8, 4]);

    const [one] = await rp.carrier.submit([sms('Привет '.repeat(20))]);
    assert.ok(one?.kind === 'submitted' && one.carrierIds.length === 1);
    const p = rp.smsc.submits[0]!;
    assert.equal(p.dataCoding, 8);
    assert.equal(p.shortMessage.length, 0);
    assert.equal(findTlv(p.tlvs, Tag.message_payload)?.length, 140 * 2);
  } finally {
    await Promise.all([r.close(), r16.close(), rp.close()]);
  }
});

test('throttled part: the message comes back as a free retry, and the retry resends only the parts not yet accepted', async () => {
  const t = await rig({ receipts: false, faults: { throttleEvery: 2 } });
  try {
    const m = sms('z'.repeat(300)); // 2 parts
    const [first] = await t.carrier.submit([m]);
    assert.equal(first?.kind, 'retry');
    assert.ok(first?.kind === 'retry' && first.free, 'throttling does not use up an attempt');
    assert.equal(t.smsc.submits.length, 2);
    const [second] = await t.carrier.submit([m]);
    assert.ok(second?.kind === 'submitted' && second.carrierIds.length === 2, JSON.stringify(second));
    assert.equal(t.smsc.submits.length, 3, 'the accepted part was not sent again');
    assert.equal(t.carrier.counters().throttled, 1);
  } finally {
    await t.close();
  }
});

test('SMSC errors: invalid destination fails 30005, a system error 30008; no answer is a retry that counts', async () => {
  const bad = await rig({ faults: { errorStatus: Status.ESME_RINVDSTADR } });
  const sys = await rig({ faults: { errorStatus: Status.ESME_RSYSERR } });
  const mute = await rig({ faults: { neverAnswer: true } });
  try {
    const [a] = await bad.carrier.submit([sms('a')]);
    assert.ok(a?.kind === 'failed' && a.errorCode === 30005, JSON.stringify(a));
    const [b] = await sys.carrier.submit([sms('b')]);
    assert.ok(b?.kind === 'failed' && b.errorCode === 30008, JSON.stringify(b));
    const [c] = await mute.carrier.submit([sms('c')]);
    assert.ok(c?.kind === 'retry' && !c.free, JSON.stringify(c));
  } finally {
    await Promise.all([bad.close(), sys.close(), mute.close()]);
  }
});

test('throughput limit: a part whose slot is too far off goes back to the pipeline as a free retry', async () => {
  const r = await rig({ receipts: false }, { throughput: 1, maxPaceWaitMs: 0 });
  try {
    const out = await r.carrier.submit([sms('1'), sms('2')]);
    assert.deepEqual(
      out.map((o) => o.kind),
      ['submitted', 'retry'],
    );
    assert.ok(out[1]?.kind === 'retry' && out[1].free);
    assert.equal(r.smsc.submits.length, 1);
  } finally {
    await r.close();
  }
});

test('MO: a concatenated UCS-2 message is reassembled and handed on with E.164 addresses; a short code stays as it is', async () => {
  const r = await rig();
  try {
    const text = 'Ответ '.repeat(15);
    const units = Buffer.from(text, 'utf16le').swap16();
    const half = 64;
    for (const [seq, chunk] of [
      [1, units.subarray(0, half)],
      [2, units.subarray(half)],
    ] as const) {
      await r.smsc.sendMo({
        from: '447700900123',
        to: '15550001111',
        dataCoding: 8,
        esmClass: 0x40,
        shortMessage: Buffer.concat([Buffer.from([5, 0, 3, 7, 2, seq]), chunk]),
      });
    }
    await r.smsc.sendMo({ from: '447700900124', to: '12345', shortMessage: Buffer.from('STOP') });
    assert.ok(await until(() => r.inbound.length === 2));
    assert.deepEqual(r.inbound[0], { carrier: 'test', from: '+447700900123', to: '+15550001111', body: text, media: [] });
    assert.deepEqual([r.inbound[1]?.from, r.inbound[1]?.to, r.inbound[1]?.body], ['+447700900124', '12345', 'STOP']);
  } finally {
    await r.close();
  }
});

test('from a carriers-file entry: TLS with a private CA, transmitter + receiver binds, receipt on the receiver link', async () => {
  const cert = makeTestCertificate();
  const smsc = new TestSmsc({ systemId: 'esme', password: 'secret', tls: cert });
  const port = await smsc.start();
  const config = parseCarrierConfig(
    {
      name: 'tls',
      host: '127.0.0.1',
      port,
      tls: true,
      tlsCa: cert.cert,
      systemId: 'esme',
      password: 'secret',
      bindMode: 'transmitter+receiver',
      enquireLinkSeconds: 0,
      responseTimeoutMs: 2000,
    },
    'test',
  );
  const carrier = carrierFromConfig(config, () => undefined);
  const reports: DeliveryReport[] = [];
  await carrier.start({
    report: (r) => {
      reports.push(r);
    },
    inbound: () => undefined,
  });
  try {
    assert.ok(await until(() => carrier.health().up, 5000), carrier.health().detail);
    assert.deepEqual(smsc.binds.map((b) => b.command).sort(), ['bind_receiver', 'bind_transmitter']);
    const [r] = await carrier.submit([sms('over TLS')]);
    assert.equal(r?.kind, 'submitted');
    assert.ok(await until(() => reports.length === 1));
  } finally {
    await carrier.stop();
    await smsc.close();
  }
});

test('carrier settings are checked field by field', () => {
  assert.throws(() => parseCarrierConfig({ name: 'x', host: 'h', systemId: 's', window: 0 }, 'file'), /window must be an integer from 1/);
  assert.throws(() => parseCarrierConfig({ name: 'simulator', host: 'h', systemId: 's' }, 'file'), /name/);
  assert.throws(() => parseCarrierConfig({ name: 'x', host: 'h', systemId: 's', routes: { prefix: ['+44'] } }, 'file'), /routes.prefix is not a route setting/);
  assert.throws(() => parseCarrierConfig({ name: 'x', host: 'h', systemId: 's', bindmode: 'transceiver' }, 'file'), /bindmode is not a carrier setting/);
  const c = parseCarrierConfig({ name: 'x', host: 'h', systemId: 's', routes: { prefixes: ['44', '+1415'] }, throughput: 0 }, 'file');
  assert.deepEqual([c.routes.prefixes, c.throughput, c.port, c.window, c.priority], [['+44', '+1415'], null, 2775, 10, 100]);
});
