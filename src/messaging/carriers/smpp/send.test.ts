import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConcatRefAllocator } from '../../encoding/split.js';
import { Tag } from './constants.js';
import { addressFor, prepareMessage, relativeTime, sendMessage, submitParts } from './send.js';
import type { SubmitParams } from './session.js';
import type { SubmitResult } from './submit-window.js';

test('address forms: +E.164, national digits, alphanumeric', () => {
  assert.deepEqual(addressFor('+15550001111'), { addr: '15550001111', ton: 1, npi: 1 });
  assert.deepEqual(addressFor('12345'), { addr: '12345', ton: 0, npi: 1 });
  assert.deepEqual(addressFor('Switchbrd'), { addr: 'Switchbrd', ton: 5, npi: 0 });
});

test('relative validity period', () => {
  assert.equal(relativeTime(3600), '000000010000000R');
  assert.equal(relativeTime(36000), '000000100000000R');
  assert.equal(relativeTime(90061), '000001010101000R');
});

test('prepareMessage: UDH parts, SAR parts, payload, smart encoding, registered_delivery off', () => {
  const refs = new ConcatRefAllocator(() => 0);
  const udh = prepareMessage({ from: '+1', to: '+2', body: 'Ж'.repeat(71), refs, validityPeriodSeconds: 60 });
  assert.equal(udh.submits.length, 2);
  assert.deepEqual(
    udh.submits.map((s) => [s.esmClass, s.dataCoding, s.registeredDelivery, s.validityPeriod]),
    [
      [0x40, 8, 1, '000000000100000R'],
      [0x40, 8, 1, '000000000100000R'],
    ],
  );
  assert.deepEqual([...(udh.submits[1]?.shortMessage?.subarray(0, 6) ?? [])], [5, 0, 3, 1, 2, 2]);
  const sar = prepareMessage({ from: '+1', to: '+2', body: 'A'.repeat(200), concatenation: 'sar', refs });
  assert.deepEqual(
    sar.submits.map((s) => [s.esmClass ?? 0, s.tlvs?.map((t) => t.tag)]),
    [
      [0, [Tag.sar_msg_ref_num, Tag.sar_total_segments, Tag.sar_segment_seqnum]],
      [0, [Tag.sar_msg_ref_num, Tag.sar_total_segments, Tag.sar_segment_seqnum]],
    ],
  );
  assert.equal(sar.submits[0]?.shortMessage?.length, 153);
  const smart = prepareMessage({ from: '+1', to: '+2', body: '“quoted” — yes…', smartEncoding: true, registeredDelivery: false });
  assert.deepEqual([smart.encoding, smart.body, smart.submits[0]?.dataCoding, smart.submits[0]?.registeredDelivery], ['GSM-7', '"quoted" - yes...', 0, 0]);
});

test('sendMessage reports per part; submitParts retries only the failed part with the same UDH', async () => {
  const seen: SubmitParams[] = [];
  let n = 0;
  const fake = {
    submit: (p: SubmitParams): Promise<SubmitResult> => {
      seen.push(p);
      n++;
      return Promise.resolve(
        n === 2 ? { ok: false, reason: 'timeout', retryable: true, message: 't' } : { ok: true, messageId: `id${n}`, rawMessageId: `id${n}` },
      );
    },
  };
  const params = { from: '+1', to: '+2', body: 'B'.repeat(320) };
  const r = await sendMessage(fake, params);
  assert.deepEqual([r.ok, r.retryable, r.messageIds], [false, true, ['id1', null, 'id3']]);
  const prepared = prepareMessage({ ...params, refs: new ConcatRefAllocator(() => 0) });
  const again = await submitParts(fake, prepared, [2]);
  assert.ok(again[0]?.ok);
  assert.deepEqual([...(seen[3]?.shortMessage?.subarray(0, 6) ?? [])], [5, 0, 3, 1, 3, 2]);
});
