import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeGsm7 } from '../../encoding/gsm7.js';
import { splitForCarrier } from '../../encoding/split.js';
import { encodeUcs2 } from '../../encoding/ucs2.js';
import { Tag } from './constants.js';
import { ConcatReassembler, alphabetOf, decodeInbound, parseUdh } from './inbound.js';
import type { InboundMessage } from './inbound.js';
import type { DeliverSmPdu } from './pdu.js';
import { shortMessageDefaults } from './pdu.js';
import { startRig, until } from './test-support/harness.js';
import { tlv } from './tlv.js';

function deliver(fields: Partial<DeliverSmPdu>): DeliverSmPdu {
  return { command: 'deliver_sm', status: 0, sequence: 1, ...shortMessageDefaults(), sourceAddr: '15551110000', destinationAddr: '15552220000', ...fields };
}

test('decodes by data_coding: GSM-7 (0), IA5 (1), Latin-1 (3), UCS-2 (8), coding groups', () => {
  assert.equal(decodeInbound(deliver({ dataCoding: 0, shortMessage: encodeGsm7('Hi €{}') })).text, 'Hi €{}');
  assert.equal(decodeInbound(deliver({ dataCoding: 1, shortMessage: Buffer.from('plain') })).text, 'plain');
  assert.equal(
    decodeInbound(deliver({ dataCoding: 0, shortMessage: Buffer.from([0xe9, 0x40]) }), 'latin1').text,
    'é@',
    'SMSC whose default alphabet is Latin-1',
  );
  assert.equal(decodeInbound(deliver({ dataCoding: 3, shortMessage: Buffer.from([0xe7, 0x61]) })).text, 'ça');
  assert.equal(decodeInbound(deliver({ dataCoding: 8, shortMessage: encodeUcs2('Жук 😀') })).text, 'Жук 😀');
  assert.deepEqual([alphabetOf(0x18), alphabetOf(0xf0), alphabetOf(0xf4), alphabetOf(0x04), alphabetOf(0x11)], ['ucs2', 'gsm7', 'binary', 'binary', 'gsm7']);
});

test('message_payload TLV is used when short_message is empty', () => {
  const p = decodeInbound(deliver({ dataCoding: 8, tlvs: [tlv.octets(Tag.message_payload, encodeUcs2('long text'))] }));
  assert.equal(p.text, 'long text');
});

test('concatenation from an 8-bit UDH, a 16-bit UDH, and sar_* TLVs', () => {
  const u8 = decodeInbound(deliver({ esmClass: 0x40, shortMessage: Buffer.concat([Buffer.from([5, 0, 3, 9, 2, 1]), encodeGsm7('ab')]) }));
  assert.deepEqual(u8.concat, { ref: 9, total: 2, seq: 1, via: 'udh8' });
  assert.equal(u8.text, 'ab');
  const u16 = decodeInbound(deliver({ esmClass: 0x40, shortMessage: Buffer.concat([Buffer.from([6, 8, 4, 1, 2, 3, 3]), encodeGsm7('c')]) }));
  assert.deepEqual(u16.concat, { ref: 258, total: 3, seq: 3, via: 'udh16' });
  const sar = decodeInbound(
    deliver({ shortMessage: encodeGsm7('d'), tlvs: [tlv.u16(Tag.sar_msg_ref_num, 77), tlv.u8(Tag.sar_total_segments, 2), tlv.u8(Tag.sar_segment_seqnum, 2)] }),
  );
  assert.deepEqual(sar.concat, { ref: 77, total: 2, seq: 2, via: 'sar' });
  // A UDH with other IEs before the concatenation IE (port addressing, 4 bytes).
  const mixed = parseUdh(Buffer.from([11, 5, 4, 0, 1, 0, 2, 0, 3, 1, 2, 2, 0x41]));
  assert.deepEqual(mixed?.concat, { ref: 1, total: 2, seq: 2, via: 'udh8' });
  assert.equal(parseUdh(Buffer.from([9, 0, 3])), null, 'UDH longer than the data');
});

test('reassembler: out-of-order parts, duplicates, release, and expiry of an incomplete set', async () => {
  const expired: InboundMessage[] = [];
  const r = new ConcatReassembler({ timeoutMs: 50, onExpired: (m) => expired.push(m) });
  const parts = splitForCarrier('x'.repeat(200) + 'END', { udh: '16bit' }).parts.map((p) =>
    decodeInbound(deliver({ esmClass: 0x40, shortMessage: Buffer.concat([p.udh, p.payload]) })),
  );
  assert.equal(parts.length, 2);
  assert.equal(r.add(parts[1]!), null);
  assert.equal(r.add(parts[1]!), null, 'duplicate part');
  const done = r.add(parts[0]!);
  assert.ok(done);
  assert.equal(done.message.text, 'x'.repeat(200) + 'END');
  assert.equal(done.message.parts, 2);
  // Not released yet: the final part completes the set again (a redelivery after a refused ack).
  assert.ok(r.add(parts[0]!));
  r.release(done.key);
  assert.equal(r.pendingSets, 0);
  assert.equal(r.add(parts[0]!), null);
  assert.ok(await until(() => expired.length === 1, 2000));
  assert.deepEqual(
    { ...expired[0], text: expired[0]?.text.length },
    { from: '15551110000', to: '15552220000', text: 152, dataCoding: 0, parts: 1, incomplete: true },
  );
  r.clear();
});

test('session: MO single, 8-bit and 16-bit UDH sets, SAR set; all acknowledged', async () => {
  const rig = await startRig();
  try {
    assert.ok(await rig.session.waitForBound(5000));
    await rig.smsc.sendMo({ from: '15551110000', to: '15552220000', shortMessage: encodeGsm7('STOP') });
    for (const udh of ['8bit', '16bit'] as const) {
      const body = `${udh} ` + 'Ж'.repeat(100);
      for (const p of splitForCarrier(body, { udh }).parts.reverse()) {
        await rig.smsc.sendMo({ from: '15551110000', to: '15552220000', dataCoding: 8, esmClass: 0x40, shortMessage: Buffer.concat([p.udh, p.payload]) });
      }
    }
    const sar = splitForCarrier('sar ' + 'y'.repeat(200)).parts;
    for (const p of sar) {
      await rig.smsc.sendMo({
        from: '15551110000',
        to: '15552220000',
        shortMessage: p.payload,
        tlvs: [tlv.u16(Tag.sar_msg_ref_num, 4242), tlv.u8(Tag.sar_total_segments, sar.length), tlv.u8(Tag.sar_segment_seqnum, p.seq)],
      });
    }
    assert.ok(await until(() => rig.messages.length === 4));
    assert.deepEqual(
      rig.messages.map((m) => m.text),
      ['STOP', '8bit ' + 'Ж'.repeat(100), '16bit ' + 'Ж'.repeat(100), 'sar ' + 'y'.repeat(200)],
    );
    assert.ok(rig.smsc.deliverResponses.every((r) => r.status === 0));
  } finally {
    await rig.close();
  }
});

test('session: MO handler failure on the last part is refused (RX_T_APPN); the redelivered part completes it', async () => {
  let fail = true;
  const got: string[] = [];
  const rig = await startRig(
    {},
    {
      onMessage: (m) => {
        if (fail) {
          fail = false;
          throw new Error('db busy');
        }
        got.push(m.text);
      },
    },
  );
  try {
    assert.ok(await rig.session.waitForBound(5000));
    const parts = splitForCarrier('z'.repeat(170)).parts;
    const pdus = parts.map((p) => ({ from: '1', to: '2', esmClass: 0x40, shortMessage: Buffer.concat([p.udh, p.payload]) }));
    assert.equal((await rig.smsc.sendMo(pdus[0]!))?.status, 0);
    assert.equal((await rig.smsc.sendMo(pdus[1]!))?.status, 0x64);
    assert.equal((await rig.smsc.sendMo(pdus[1]!))?.status, 0);
    assert.deepEqual(got, ['z'.repeat(170)]);
  } finally {
    await rig.close();
  }
});
