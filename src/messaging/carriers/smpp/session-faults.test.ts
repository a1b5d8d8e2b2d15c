// Each fault mode of the test SMSC against a session: every submit resolves exactly once, as ok or as a
// retryable failure (or a documented non-retryable rejection), and the session recovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Status } from './constants.js';
import { SmppSession } from './session.js';
import { statusFromSubmitFailure } from './status.js';
import type { SubmitResult } from './submit-window.js';
import { FAST, startRig, until } from './test-support/harness.js';

function submitMany(session: SmppSession, n: number): { results: Array<SubmitResult | undefined>; settled: number[]; all: Promise<void> } {
  const results: Array<SubmitResult | undefined> = new Array(n);
  const settled = new Array<number>(n).fill(0);
  const all = Promise.all(
    Array.from({ length: n }, (_, i) =>
      session.submit({ destinationAddr: `1555000${i}`, shortMessage: Buffer.from(`m${i}`) }).then((r) => {
        results[i] = r;
        settled[i] = (settled[i] ?? 0) + 1;
      }),
    ),
  ).then(() => undefined);
  return { results, settled, all };
}

function assertNoneLost(results: Array<SubmitResult | undefined>, settled: number[]): void {
  assert.ok(
    settled.every((n) => n === 1),
    `settled counts ${settled.join(',')}`,
  );
  for (const r of results) {
    assert.ok(r, 'every submit resolved');
    assert.ok(r.ok || r.retryable, `non-retryable failure: ${JSON.stringify(r)}`);
  }
}

test('window: never more than `window` submits outstanding', async () => {
  const rig = await startRig({ faults: { neverAnswer: true } }, { window: 3, responseTimeoutMs: 10_000 });
  try {
    assert.ok(await rig.session.waitForBound(5000));
    const { results, settled, all } = submitMany(rig.session, 7);
    assert.ok(await until(() => rig.smsc.submits.length >= 3));
    assert.equal(rig.session.outstanding, 3);
    assert.equal(rig.session.queued, 4);
    assert.equal(rig.smsc.submits.length, 3);
    // Heal the SMSC and cut the link: the 3 in flight fail retryable, the 4 queued go out after rebind.
    rig.smsc.faults.neverAnswer = false;
    rig.smsc.dropAll();
    await all;
    assertNoneLost(results, settled);
    assert.deepEqual(
      results.map((r) => (r?.ok ? 'ok' : r?.reason)),
      ['disconnected', 'disconnected', 'disconnected', 'ok', 'ok', 'ok', 'ok'],
    );
  } finally {
    await rig.close();
  }
});

test('drop the connection mid-window: in-flight submits fail retryable, the session rebinds, retries succeed', async () => {
  const rig = await startRig({ faults: { dropOnSubmit: 3 } }, { window: 5 });
  try {
    assert.ok(await rig.session.waitForBound(5000));
    const { results, settled, all } = submitMany(rig.session, 6);
    await all;
    assertNoneLost(results, settled);
    const failed = results.filter((r) => r && !r.ok);
    assert.ok(failed.length >= 1);
    assert.ok(failed.every((r) => r && !r.ok && r.reason === 'disconnected'));
    assert.ok(await until(() => rig.smsc.binds.length >= 2 && rig.session.isBound));
    // Retrying the failed ones now works (at-least-once: the dropped one may have reached the SMSC).
    const retried = await Promise.all(failed.map(() => rig.session.submit({ destinationAddr: '15550009', shortMessage: Buffer.from('retry') })));
    assert.ok(retried.every((r) => r.ok));
  } finally {
    await rig.close();
  }
});

test('throttle every 2nd submit: reported as retryable throttled and the session pauses', async () => {
  const rig = await startRig({ faults: { throttleEvery: 2 } }, { window: 1 });
  try {
    const { results, settled, all } = submitMany(rig.session, 6);
    await all;
    assertNoneLost(results, settled);
    const throttled = results.filter((r) => r && !r.ok && r.reason === 'throttled');
    assert.equal(throttled.length, 3);
    assert.ok(throttled.every((r) => r && !r.ok && r.commandStatus === Status.ESME_RTHROTTLED));
    assert.equal(rig.events.filter((e) => e.type === 'throttled').length, 3);
  } finally {
    await rig.close();
  }
});

test('a throttle answer pauses the queue: with a long pause, queued submits are not sent and time out', async () => {
  const rig = await startRig(
    { faults: { throttleEvery: 1 } },
    { window: 1, queueTimeoutMs: 200, throttleBackoff: { initialMs: 60_000, maxMs: 60_000, jitter: 0 } },
  );
  try {
    const { results, settled, all } = submitMany(rig.session, 3);
    await all;
    assertNoneLost(results, settled);
    assert.deepEqual(
      results.map((r) => (r && !r.ok ? r.reason : 'ok')),
      ['throttled', 'queue_timeout', 'queue_timeout'],
    );
    assert.equal(rig.smsc.submits.length, 1, 'nothing sent during the pause');
  } finally {
    await rig.close();
  }
});

test('ESME_RMSGQFUL is a throttle too', async () => {
  const rig = await startRig({ faults: { throttleEvery: 1, throttleStatus: Status.ESME_RMSGQFUL } });
  try {
    const r = await rig.session.submit({ destinationAddr: '1' });
    assert.ok(!r.ok && r.reason === 'throttled' && r.retryable);
  } finally {
    await rig.close();
  }
});

test('never answer: submits time out as retryable, the link stays up, close does not hang', async () => {
  const rig = await startRig({ faults: { neverAnswer: true } }, { window: 4, responseTimeoutMs: 200 });
  try {
    const { results, settled, all } = submitMany(rig.session, 4);
    await all;
    assertNoneLost(results, settled);
    assert.ok(results.every((r) => r && !r.ok && r.reason === 'timeout'));
    assert.ok(rig.session.isBound);
    // Pending at close: resolved (timeout or disconnected), never left hanging.
    const pending = submitMany(rig.session, 3);
    await until(() => rig.session.outstanding === 3);
    await rig.session.close();
    await pending.all;
    assertNoneLost(pending.results, pending.settled);
  } finally {
    await rig.close();
  }
});

test('error status answers: bad destination is final (30005), system error final (30008), temporary app error retryable', async () => {
  const cases: Array<[number, boolean, number | null]> = [
    [Status.ESME_RINVDSTADR, false, 30005],
    [Status.ESME_RSYSERR, false, 30008],
    [Status.ESME_RX_T_APPN, true, null],
  ];
  for (const [status, retryable, code] of cases) {
    const rig = await startRig({ faults: { errorStatus: status } });
    try {
      const r = await rig.session.submit({ destinationAddr: '1' });
      assert.ok(!r.ok);
      assert.equal(r.reason, 'rejected');
      assert.equal(r.retryable, retryable);
      assert.equal(r.commandStatus, status);
      if (code !== null) assert.deepEqual(statusFromSubmitFailure(r.commandStatus), { status: 'failed', errorCode: code });
    } finally {
      await rig.close();
    }
  }
});

test('malformed PDU (absurd command_length): generic_nack, close, rebind, and sending goes on', async () => {
  const rig = await startRig({ faults: { malformedAfterSubmit: 1, malformedKind: 'length' } });
  try {
    const first = await rig.session.submit({ destinationAddr: '1' });
    assert.ok(first.ok);
    assert.ok(await until(() => rig.events.some((e) => e.type === 'warning' && e.message.includes('invalid command_length'))));
    assert.ok(await until(() => rig.smsc.binds.length >= 2 && rig.session.isBound));
    assert.ok(
      rig.smsc.warnings.some((w) => w.includes('generic_nack')),
      'the SMSC saw our generic_nack',
    );
    const second = await rig.session.submit({ destinationAddr: '2' });
    assert.ok(second.ok);
  } finally {
    await rig.close();
  }
});

test('malformed PDU (undecodable deliver_sm body): answered with an error status, link stays bound', async () => {
  const rig = await startRig({ faults: { malformedAfterSubmit: 1, malformedKind: 'body' } });
  try {
    assert.ok((await rig.session.submit({ destinationAddr: '1' })).ok);
    assert.ok(await until(() => rig.smsc.warnings.some((w) => w.includes('deliver_sm_resp'))));
    assert.equal(rig.smsc.binds.length, 1);
    assert.ok((await rig.session.submit({ destinationAddr: '2' })).ok);
  } finally {
    await rig.close();
  }
});

test('enquire_link unanswered: link declared dead and rebound', async () => {
  const rig = await startRig({ faults: { ignoreEnquireLink: true } }, { enquireLinkIntervalMs: 60, responseTimeoutMs: 100 });
  try {
    assert.ok(await until(() => rig.events.some((e) => e.type === 'warning' && e.message.includes('link dead'))));
    assert.ok(await until(() => rig.smsc.binds.length >= 2));
  } finally {
    await rig.close();
  }
});

test('SMSC unreachable: submits fail with queue_timeout (retryable), reconnect keeps trying, close is clean', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  const states: string[] = [];
  const session = new SmppSession({
    host: '127.0.0.1',
    port,
    systemId: 'x',
    password: 'y',
    ...FAST,
    queueTimeoutMs: 150,
    onEvent: (e) => {
      if (e.type === 'state') states.push(e.state);
    },
  }).start();
  try {
    const r = await session.submit({ destinationAddr: '1' });
    assert.ok(!r.ok && r.reason === 'queue_timeout' && r.retryable);
    assert.ok(await until(() => states.filter((s) => s === 'connecting').length >= 2));
  } finally {
    await session.close();
  }
  const after = await session.submit({ destinationAddr: '1' });
  assert.ok(!after.ok && after.reason === 'closed');
});

test('wrong password: bind refused, waitForBound false, retries with backoff', async () => {
  const rig = await startRig({}, { password: 'wrong' });
  try {
    assert.equal(await rig.session.waitForBound(300), false);
    assert.ok(await until(() => rig.smsc.binds.length >= 2));
    assert.ok(rig.events.some((e) => e.type === 'warning' && e.message.includes('ESME_RINVPASWD')));
  } finally {
    await rig.close();
  }
});

test('a deliver_sm read together with the bind response is handled once bound, not refused as not bound', async () => {
  const rig = await startRig({ faults: { moWithBindResp: { from: '+447700900111', to: '12345', shortMessage: Buffer.from('right after bind') } } });
  try {
    assert.ok(await until(() => rig.smsc.deliverResponses.length === 1));
    assert.equal(rig.smsc.deliverResponses[0]!.status, Status.ESME_ROK);
    assert.ok(await until(() => rig.messages.length === 1));
    assert.equal(rig.messages[0]!.text, 'right after bind');
  } finally {
    await rig.close();
  }
});
