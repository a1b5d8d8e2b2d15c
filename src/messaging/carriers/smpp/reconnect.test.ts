// Reconnect policy: exponential backoff that doubles up to its cap, jitter only ever shortening a delay within
// its fraction, reset after a bind, and `reconnect: false` staying down. The Backoff unit runs on an injected
// random source; the session tests read the delay the link announces for each reconnect against a closed port.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { Backoff } from './backoff.js';
import { SmppSession } from './session.js';
import type { SessionEvent } from './session.js';
import { FAST, until } from './test-support/harness.js';

const take = (b: Backoff, n: number) => Array.from({ length: n }, () => b.next());

test('backoff doubles from initialMs up to maxMs and stays there', () => {
  assert.deepEqual(take(new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 }), 7), [100, 200, 400, 800, 1000, 1000, 1000]);
  assert.deepEqual(take(new Backoff({ initialMs: 50, maxMs: 10_000, multiplier: 3, jitter: 0 }), 4), [50, 150, 450, 1350]);
});

test('jitter shortens each delay by at most its fraction, drawn from the random source', () => {
  const draws = [0, 1, 0.5, 0.25];
  let i = 0;
  const b = new Backoff({ initialMs: 1000, maxMs: 60_000, jitter: 0.5 }, () => draws[i++]!);
  // base 1000, 2000, 4000, 8000; delay = base * (1 - 0.5 * r)
  assert.deepEqual(take(b, 4), [1000, 1000, 3000, 7000]);
  // The default jitter is 0.5: over many draws the delay lies in [base/2, base] and really varies.
  const seen = take(new Backoff({ initialMs: 1000, maxMs: 1000 }), 200);
  assert.ok(seen.every((d) => d >= 500 && d <= 1000));
  assert.ok(new Set(seen).size > 20, 'jittered delays differ');
  // After many attempts the exponent is bounded and the cap holds.
  assert.deepEqual(take(new Backoff({ initialMs: 1, maxMs: 5000, jitter: 0 }), 100).slice(-1), [5000]);
});

test('reset starts again from initialMs', () => {
  const b = new Backoff({ initialMs: 10, maxMs: 1000, jitter: 0 });
  take(b, 4);
  b.reset();
  assert.equal(b.attempts, 0);
  assert.equal(b.next(), 10);
});

async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

function session(port: number, reconnect: { initialMs: number; maxMs: number; jitter: number } | false, events: SessionEvent[]): SmppSession {
  return new SmppSession({ host: '127.0.0.1', port, systemId: 'x', password: 'y', ...FAST, reconnect, onEvent: (e) => events.push(e) });
}

const announced = (events: SessionEvent[]) =>
  events.flatMap((e) => (e.type === 'state' && e.state === 'idle' ? [Number(/reconnecting in (\d+) ms/.exec(e.detail ?? '')?.[1])] : []));

test('an SMPP session reconnects to an unreachable SMSC with doubling delays up to the cap', async () => {
  const events: SessionEvent[] = [];
  const s = session(await closedPort(), { initialMs: 10, maxMs: 80, jitter: 0 }, events).start();
  try {
    assert.ok(await until(() => announced(events).length >= 6, 5000));
    assert.deepEqual(announced(events).slice(0, 6), [10, 20, 40, 80, 80, 80]);
  } finally {
    await s.close();
  }
});

test('reconnect: false connects once and stays closed', async () => {
  const events: SessionEvent[] = [];
  const s = session(await closedPort(), false, events).start();
  try {
    assert.ok(await until(() => events.some((e) => e.type === 'state' && e.state === 'closed'), 5000));
    // Long enough for several reconnects at FAST's pace, had there been any.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(events.filter((e) => e.type === 'state' && e.state === 'connecting').length, 1);
    assert.deepEqual(announced(events), []);
  } finally {
    await s.close();
  }
});
