import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tag } from './constants.js';
import type { DeliverSmPdu } from './pdu.js';
import { shortMessageDefaults } from './pdu.js';
import { isReceipt, normalizeMessageId, parseReceiptText, receiptFromPdu } from './receipt.js';
import { tlv } from './tlv.js';

const TEXT = 'id:0123456789 sub:001 dlvrd:001 submit date:2406111200 done date:2406111201 stat:DELIVRD err:000 text:Hello stat:REJECTD';

function deliver(fields: Partial<DeliverSmPdu>): DeliverSmPdu {
  return { command: 'deliver_sm', status: 0, sequence: 1, ...shortMessageDefaults(), esmClass: 0x04, sourceAddr: '1666', destinationAddr: '1555', ...fields };
}

test('parses the conventional receipt text; user text cannot forge fields', () => {
  assert.deepEqual(parseReceiptText(TEXT), {
    id: '0123456789',
    sub: '001',
    dlvrd: '001',
    submitDate: '2406111200',
    doneDate: '2406111201',
    stat: 'DELIVRD',
    err: '000',
    text: 'Hello stat:REJECTD',
  });
});

test('tolerates case, long stat spellings and missing fields', () => {
  const f = parseReceiptText('Id:ab12 Stat:UNDELIVERABLE Err:027');
  assert.deepEqual([f.id, f.stat, f.err, f.text, f.submitDate], ['ab12', 'UNDELIV', '027', null, null]);
  assert.equal(parseReceiptText('id:1 stat:WEIRD').stat, null);
});

test('TLVs win over the text', () => {
  const r = receiptFromPdu(
    deliver({
      shortMessage: Buffer.from(TEXT),
      tlvs: [tlv.cstring(Tag.receipted_message_id, 'ABCDEF'), tlv.u8(Tag.message_state, 5), tlv.octets(Tag.network_error_code, Buffer.from([3, 0, 1]))],
    }),
  );
  assert.ok(r);
  assert.deepEqual([r.messageId, r.idSource, r.stat, r.err, r.networkError], ['ABCDEF', 'tlv', 'UNDELIV', 0, { networkType: 3, errorCode: 1 }]);
  assert.deepEqual([r.from, r.to], ['1666', '1555']);
});

test('text-only receipt, receipt in message_payload, and non-receipts', () => {
  assert.equal(receiptFromPdu(deliver({ shortMessage: Buffer.from(TEXT) }))?.messageId, '0123456789');
  assert.equal(receiptFromPdu(deliver({ tlvs: [tlv.octets(Tag.message_payload, Buffer.from('id:77 stat:EXPIRED err:000'))] }))?.stat, 'EXPIRED');
  assert.equal(receiptFromPdu(deliver({ esmClass: 0, shortMessage: Buffer.from(TEXT) })), null, 'MO that looks like a receipt');
  assert.equal(receiptFromPdu(deliver({ shortMessage: Buffer.from('garbage') })), null);
  assert.ok(isReceipt(deliver({ esmClass: 0x20 })), 'intermediate notification');
});

test('message ids: hex and decimal forms normalize to the submit format', () => {
  assert.equal(normalizeMessageId('6699', 'decimal', 'hex'), '1a2b');
  assert.equal(normalizeMessageId('00001A2B', 'hex', 'hex'), '1a2b');
  assert.equal(normalizeMessageId('1A2B', 'hex', 'decimal'), '6699');
  assert.equal(normalizeMessageId('007', 'decimal', 'string'), '7');
  assert.equal(normalizeMessageId(' abc-1 ', 'hex', 'hex'), 'abc-1', 'not a number: unchanged');
  assert.equal(normalizeMessageId('0A', 'string', 'hex'), '0A');
  assert.equal(normalizeMessageId('18446744073709551617', 'decimal', 'hex'), '10000000000000001', 'beyond 64 bits');
});
