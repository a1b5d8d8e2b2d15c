import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Status } from './constants.js';
import type { ReceiptStat } from './receipt.js';
import { MultipartStatus, aggregateStatus, isForward, statusFromReceipt, statusFromSubmitFailure } from './status.js';
import type { StatusUpdate } from './status.js';

const r = (stat: ReceiptStat, code: number | null = null, viaTlv = false) =>
  statusFromReceipt({ stat, err: viaTlv ? 0 : code, networkError: viaTlv && code !== null ? { networkType: 3, errorCode: code } : null });

test('receipt stat -> Twilio status and error code, as in the notes', () => {
  assert.deepEqual(r('DELIVRD'), { status: 'delivered', errorCode: null });
  assert.deepEqual(r('ENROUTE'), { status: 'sent', errorCode: null });
  assert.deepEqual(r('ACCEPTD'), { status: 'sent', errorCode: null });
  assert.deepEqual(r('EXPIRED'), { status: 'undelivered', errorCode: 30003 });
  assert.deepEqual(r('REJECTD'), { status: 'undelivered', errorCode: 30007 });
  assert.deepEqual(r('UNDELIV', 1), { status: 'undelivered', errorCode: 30005 }, 'unknown subscriber');
  assert.deepEqual(r('UNDELIV', 27, true), { status: 'undelivered', errorCode: 30003 }, 'absent (network_error_code)');
  assert.deepEqual(r('UNDELIV', 11), { status: 'undelivered', errorCode: 30006 }, 'landline');
  assert.deepEqual(r('UNDELIV', 34), { status: 'undelivered', errorCode: 30008 });
  assert.deepEqual(r('UNDELIV'), { status: 'undelivered', errorCode: 30008 });
  assert.deepEqual(r('DELETED'), { status: 'undelivered', errorCode: 30008 });
  assert.deepEqual(r('UNKNOWN'), { status: 'sent', errorCode: null });
});

test('a custom classifier decides UNDELIV codes', () => {
  assert.deepEqual(
    statusFromReceipt({ stat: 'UNDELIV', err: 99, networkError: null }, (c) => (c === 99 ? 'absent' : 'other')),
    { status: 'undelivered', errorCode: 30003 },
  );
});

test('final submit failures: invalid destination 30005, anything else 30008', () => {
  assert.deepEqual(statusFromSubmitFailure(Status.ESME_RINVDSTADR), { status: 'failed', errorCode: 30005 });
  assert.deepEqual(statusFromSubmitFailure(Status.ESME_RSYSERR), { status: 'failed', errorCode: 30008 });
  assert.deepEqual(statusFromSubmitFailure(undefined), { status: 'failed', errorCode: 30008 });
});

const S = (status: StatusUpdate['status'], errorCode: number | null = null): StatusUpdate => ({ status, errorCode });

test('aggregate: delivered only when every part is; the worst part wins', () => {
  assert.deepEqual(aggregateStatus([S('delivered'), S('delivered')]), S('delivered'));
  assert.deepEqual(aggregateStatus([S('delivered'), S('sent')]), S('sent'));
  assert.deepEqual(aggregateStatus([S('delivered'), S('undelivered', 30003), S('undelivered', 30007)]), S('undelivered', 30003));
  assert.deepEqual(aggregateStatus([S('undelivered', 30003), S('failed', 30008)]), S('failed', 30008));
  assert.deepEqual(aggregateStatus([S('sent'), S('queued')]), S('queued'));
});

test('statuses only move forward, per part and in aggregate', () => {
  assert.ok(isForward('sent', 'delivered'));
  assert.ok(!isForward('delivered', 'sent'));
  assert.ok(!isForward('undelivered', 'delivered'));
  const m = new MultipartStatus(2, 'sent');
  assert.equal(m.update(1, S('delivered')), null, 'aggregate still sent');
  assert.equal(m.update(1, S('sent')), null, 'ENROUTE after DELIVRD is ignored');
  assert.deepEqual(m.update(2, S('undelivered', 30005)), S('undelivered', 30005));
  assert.equal(m.update(2, S('delivered')), null, 'final stays final');
  assert.deepEqual(m.current, S('undelivered', 30005));
  assert.equal(m.update(3, S('delivered')), null, 'unknown part');
});
