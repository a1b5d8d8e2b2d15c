import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGsm7 } from '../../encoding/gsm7.js';
import { decodeUcs2 } from '../../encoding/ucs2.js';
import { sendMessage } from './send.js';
import { MultipartStatus } from './status.js';
import { makeTestCertificate, startRig, until } from './test-support/harness.js';

test('transceiver: single GSM-7 message, id returned, receipt matched and mapped to delivered', async () => {
  const rig = await startRig();
  try {
    assert.ok(await rig.session.waitForBound(5000));
    const r = await sendMessage(rig.session, { from: '+15550001111', to: '+15550002222', body: 'Hello {world} €' });
    assert.ok(r.ok);
    assert.equal(r.encoding, 'GSM-7');
    const sub = rig.smsc.submits[0];
    assert.ok(sub);
    assert.equal(sub.dataCoding, 0);
    assert.equal(sub.esmClass, 0);
    assert.equal(sub.registeredDelivery, 1);
    assert.deepEqual([sub.sourceAddr, sub.sourceAddrTon, sub.sourceAddrNpi, sub.destinationAddr], ['15550001111', 1, 1, '15550002222']);
    assert.equal(decodeGsm7(sub.shortMessage), 'Hello {world} €');
    assert.ok(await until(() => rig.receipts.length === 1));
    const receipt = rig.receipts[0];
    assert.equal(receipt?.messageId, r.messageIds[0]);
    assert.deepEqual(receipt?.twilio, { status: 'delivered', errorCode: null });
    assert.equal(receipt?.idSource, 'tlv');
    assert.ok(await until(() => rig.smsc.deliverResponses.length === 1));
    assert.equal(rig.smsc.deliverResponses[0]?.status, 0, 'receipt acknowledged');
  } finally {
    await rig.close();
  }
});

test('long GSM-7 message: 3 parts with esm_class 0x40, 8-bit UDH, one id each; aggregate delivered', async () => {
  const rig = await startRig();
  try {
    const r = await sendMessage(rig.session, { from: '+15550001111', to: '+15550002222', body: 'A'.repeat(307) });
    assert.ok(r.ok);
    assert.equal(r.segments, 3);
    assert.equal(new Set(r.messageIds).size, 3);
    const subs = rig.smsc.submits;
    assert.equal(subs.length, 3);
    const ref = subs[0]?.shortMessage[3];
    subs.forEach((s, i) => {
      assert.equal(s.esmClass, 0x40);
      assert.deepEqual([...s.shortMessage.subarray(0, 6)], [5, 0, 3, ref, 3, i + 1]);
    });
    assert.equal(subs.map((s) => decodeGsm7(s.shortMessage.subarray(6))).join(''), 'A'.repeat(307));
    assert.ok(await until(() => rig.receipts.length === 3));
    const agg = new MultipartStatus(3, 'sent');
    let last = agg.current;
    for (const rec of rig.receipts) {
      const seq = r.messageIds.indexOf(rec.messageId) + 1;
      assert.ok(seq > 0);
      last = agg.update(seq, rec.twilio) ?? last;
    }
    assert.deepEqual(last, { status: 'delivered', errorCode: null });
  } finally {
    await rig.close();
  }
});

test('UCS-2 message uses data_coding 8; message_payload mode sends one submit', async () => {
  const rig = await startRig();
  try {
    const r = await sendMessage(rig.session, { from: 'Brand', to: '15550002222', body: 'Привет 😀' });
    assert.ok(r.ok);
    const s = rig.smsc.submits[0];
    assert.deepEqual([s?.dataCoding, s?.sourceAddrTon, s?.sourceAddrNpi, s?.destAddrTon], [8, 5, 0, 0]);
    assert.equal(decodeUcs2(s?.shortMessage ?? Buffer.alloc(0)), 'Привет 😀');
    const p = await sendMessage(rig.session, { from: '+1555', to: '+1666', body: 'Ж'.repeat(200), concatenation: 'payload' });
    assert.ok(p.ok);
    assert.equal(p.parts.length, 1);
    assert.equal(p.segments, 3);
    const ps = rig.smsc.submits[1];
    assert.equal(ps?.shortMessage.length, 0);
    assert.equal(decodeUcs2(ps?.tlvs.find((t) => t.tag === 0x0424)?.value ?? Buffer.alloc(0)), 'Ж'.repeat(200));
  } finally {
    await rig.close();
  }
});

test('transmitter + receiver pair: submits on one bind, receipts on the other', async () => {
  const rig = await startRig({}, { mode: 'pair' });
  try {
    assert.ok(await rig.session.waitForBound(5000));
    assert.deepEqual(rig.smsc.binds.map((b) => b.command).sort(), ['bind_receiver', 'bind_transmitter']);
    const r = await sendMessage(rig.session, { from: '+1555', to: '+1666', body: 'pair' });
    assert.ok(r.ok);
    assert.ok(await until(() => rig.receipts.length === 1));
    assert.equal(rig.receipts[0]?.messageId, r.messageIds[0]);
  } finally {
    await rig.close();
  }
});

test('TLS (node:tls) with a throwaway certificate', async () => {
  const cert = makeTestCertificate();
  const rig = await startRig({ tls: cert }, { tls: { ca: cert.cert } });
  try {
    assert.ok(await rig.session.waitForBound(5000));
    const r = await sendMessage(rig.session, { from: '+1555', to: '+1666', body: 'over TLS' });
    assert.ok(r.ok);
    assert.ok(await until(() => rig.receipts.length === 1));
  } finally {
    await rig.close();
  }
});

test('hex ids in submit_sm_resp and decimal ids in receipt text are matched', async () => {
  const rig = await startRig({ idFormat: 'hex', receipts: { tlvs: false, textIdDecimal: true } }, { submitIdFormat: 'hex', receiptIdFormat: 'decimal' });
  try {
    const r = await sendMessage(rig.session, { from: '+1555', to: '+1666', body: 'ids' });
    assert.ok(r.ok);
    assert.ok(await until(() => rig.receipts.length === 1));
    const rec = rig.receipts[0];
    assert.equal(rec?.idSource, 'text');
    assert.notEqual(rec?.rawMessageId, r.parts[0]?.ok ? r.parts[0].rawMessageId : '');
    assert.equal(rec?.messageId, r.messageIds[0]);
  } finally {
    await rig.close();
  }
});

test('receipt statuses map to Twilio: UNDELIV absent -> undelivered 30003', async () => {
  const rig = await startRig({ receipts: { stat: 'UNDELIV', err: 27 } });
  try {
    await sendMessage(rig.session, { from: '+1555', to: '+1666', body: 'x' });
    assert.ok(await until(() => rig.receipts.length === 1));
    assert.deepEqual(rig.receipts[0]?.twilio, { status: 'undelivered', errorCode: 30003 });
    assert.deepEqual(rig.receipts[0]?.networkError, { networkType: 3, errorCode: 27 });
  } finally {
    await rig.close();
  }
});

test('a receipt handler failure answers ESME_RX_T_APPN so the SMSC can redeliver', async () => {
  let calls = 0;
  const rig = await startRig(
    {},
    {
      onReceipt: () => {
        calls++;
        throw new Error('store down');
      },
    },
  );
  try {
    await sendMessage(rig.session, { from: '+1555', to: '+1666', body: 'x' });
    assert.ok(await until(() => rig.smsc.deliverResponses.length === 1));
    assert.equal(rig.smsc.deliverResponses[0]?.status, 0x64);
    assert.equal(calls, 1);
    assert.ok(rig.events.some((e) => e.type === 'warning' && e.message.includes('store down')));
  } finally {
    await rig.close();
  }
});
