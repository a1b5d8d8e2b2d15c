import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransactionLayer } from './transaction-layer.js';
import type { ClientTransactionUser } from './transaction-client.js';
import { createResponse } from './serialize.js';
import type { SipRequest, SipResponse } from './message.js';
import { parseVia } from './header-values.js';
import { DEFAULT_TIMERS } from './timers.js';
import type { Destination } from './transport.js';
import { VirtualScheduler } from './test-support/virtual-scheduler.js';

const DEST: Destination = { protocol: 'udp', host: '127.0.0.1', port: 5060 };

function req(method: string, branch = 'z9hG4bKtest'): SipRequest {
  return {
    type: 'request',
    method,
    uri: 'sip:bob@127.0.0.1',
    headers: [
      { name: 'Via', value: `SIP/2.0/UDP 127.0.0.1:5070;branch=${branch}` },
      { name: 'From', value: '<sip:alice@127.0.0.1>;tag=a1' },
      { name: 'To', value: '<sip:bob@127.0.0.1>' },
      { name: 'Call-ID', value: 'tx-test' },
      { name: 'CSeq', value: `1 ${method}` },
    ],
    body: Buffer.alloc(0),
  };
}

function setup() {
  const sched = new VirtualScheduler();
  const sent: Array<{ at: number; kind: string }> = [];
  const layer = new TransactionLayer(
    (msg) => {
      sent.push({ at: sched.now, kind: msg.type === 'request' ? msg.method : String(msg.status) });
    },
    sched,
    DEFAULT_TIMERS,
  );
  const events: string[] = [];
  const tu: ClientTransactionUser = {
    response: (r) => events.push(`response ${r.status}`),
    timeout: () => events.push(`timeout@${sched.now}`),
    transportError: () => events.push('transport-error'),
  };
  return { sched, sent, layer, events, tu };
}

const times = (sent: Array<{ at: number; kind: string }>, kind: string) => sent.filter((s) => s.kind === kind).map((s) => s.at);

test('INVITE client: timer A doubles from T1, timer B gives up at 64*T1', () => {
  const { sched, sent, layer, events, tu } = setup();
  layer.request(req('INVITE'), DEST, false, tu);
  sched.advance(40000);
  assert.deepEqual(times(sent, 'INVITE'), [0, 500, 1500, 3500, 7500, 15500, 31500]);
  assert.deepEqual(events, ['timeout@32000']);
  assert.equal(layer.size.clients, 0);
});

test('INVITE client: a provisional stops timer A and disarms timer B', () => {
  const { sched, sent, layer, events, tu } = setup();
  const invite = req('INVITE');
  layer.request(invite, DEST, false, tu);
  sched.advance(700);
  assert.ok(layer.response(createResponse(invite, 180, { toTag: 'b' })));
  sched.advance(60000);
  assert.deepEqual(times(sent, 'INVITE'), [0, 500]);
  assert.deepEqual(events, ['response 180']);
});

test('INVITE client: a non-2xx final is ACKed once per retransmission and timer D absorbs repeats', () => {
  const { sched, sent, layer, events, tu } = setup();
  const invite = req('INVITE');
  layer.request(invite, DEST, false, tu);
  const busy = createResponse(invite, 486, { toTag: 'b' });
  assert.ok(layer.response(busy));
  sched.advance(1000);
  assert.ok(layer.response(busy), 'retransmitted final still matches during timer D');
  assert.deepEqual(events, ['response 486'], 'the TU hears the final response once');
  assert.equal(times(sent, 'ACK').length, 2);
  sched.advance(32000);
  assert.equal(layer.response(busy), false, 'after timer D the transaction is gone');
});

test('INVITE client over a reliable transport: no retransmissions, no timer D', () => {
  const { sched, sent, layer, tu } = setup();
  const invite = req('INVITE');
  layer.request(invite, { ...DEST, protocol: 'tcp' }, true, tu);
  sched.advance(10000);
  assert.deepEqual(times(sent, 'INVITE'), [0]);
  layer.response(createResponse(invite, 603, { toTag: 'b' }));
  assert.equal(layer.size.clients, 0);
});

test('INVITE client: a 2xx ends the transaction at once (the UA core ACKs 2xx)', () => {
  const { layer, events, tu, sent } = setup();
  const invite = req('INVITE');
  layer.request(invite, DEST, false, tu);
  layer.response(createResponse(invite, 200, { toTag: 'b' }));
  assert.deepEqual(events, ['response 200']);
  assert.equal(layer.size.clients, 0);
  assert.equal(times(sent, 'ACK').length, 0);
});

test('non-INVITE client: timer E doubles up to T2, then T2; timer F at 64*T1', () => {
  const { sched, sent, layer, events, tu } = setup();
  layer.request(req('OPTIONS'), DEST, false, tu);
  sched.advance(33000);
  assert.deepEqual(times(sent, 'OPTIONS'), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  assert.deepEqual(events, ['timeout@32000']);
});

test('non-INVITE client: in proceeding it retransmits every T2; timer K then ends it', () => {
  const { sched, sent, layer, events, tu } = setup();
  const bye = req('BYE');
  layer.request(bye, DEST, false, tu);
  sched.advance(600);
  layer.response(createResponse(bye, 100));
  sched.advance(9000); // E fired at 500; next at 1500 (T1*2), then every T2
  assert.deepEqual(times(sent, 'BYE'), [0, 500, 1500, 5500, 9500]);
  layer.response(createResponse(bye, 200));
  assert.ok(layer.response(createResponse(bye, 200)), 'absorbed in completed');
  assert.deepEqual(events, ['response 100', 'response 200']);
  sched.advance(5000); // timer K = T4
  assert.equal(layer.size.clients, 0);
});

function incoming(layer: TransactionLayer, r: SipRequest, reliable = false) {
  const via = parseVia(r.headers[0]?.value ?? '');
  assert.ok(via);
  return layer.incoming(r, via, DEST, reliable);
}

test('INVITE server: timer G retransmits the final response until the ACK, then timer I', () => {
  const { sched, sent, layer } = setup();
  const invite = req('INVITE');
  const m = incoming(layer, invite);
  assert.equal(m.kind, 'new');
  if (m.kind !== 'new') return;
  m.tx.respond(createResponse(invite, 486, { toTag: 'x' }));
  sched.advance(8000);
  assert.deepEqual(times(sent, '486'), [0, 500, 1500, 3500, 7500]);
  assert.equal(incoming(layer, req('ACK')).kind, 'absorbed');
  assert.equal(m.tx.state, 'confirmed');
  sched.advance(20000);
  assert.deepEqual(times(sent, '486'), [0, 500, 1500, 3500, 7500], 'no retransmission after ACK');
  assert.equal(m.tx.state, 'terminated');
});

test('INVITE server: timer G caps at T2 and timer H fires without an ACK', () => {
  const { sched, sent, layer } = setup();
  const invite = req('INVITE');
  const m = incoming(layer, invite);
  if (m.kind !== 'new') return assert.fail();
  let ackTimeout = -1;
  m.tx.events.onAckTimeout = () => (ackTimeout = sched.now);
  m.tx.respond(createResponse(invite, 500));
  sched.advance(40000);
  const t = times(sent, '500');
  assert.deepEqual(t.slice(0, 6), [0, 500, 1500, 3500, 7500, 11500]);
  assert.equal(ackTimeout, 32000);
  assert.equal(m.tx.state, 'terminated');
});

test('INVITE server: a retransmitted INVITE gets the last provisional; after a 2xx it is absorbed (RFC 6026)', () => {
  const { sched, sent, layer } = setup();
  const invite = req('INVITE');
  const m = incoming(layer, invite);
  if (m.kind !== 'new') return assert.fail();
  m.tx.respond(createResponse(invite, 180, { toTag: 't' }));
  assert.equal(incoming(layer, req('INVITE')).kind, 'absorbed');
  assert.deepEqual(times(sent, '180'), [0, 0]);
  m.tx.respond(createResponse(invite, 200, { toTag: 't' }));
  assert.equal(incoming(layer, req('INVITE')).kind, 'absorbed');
  assert.equal(incoming(layer, req('ACK')).kind, 'core', 'ACK for 2xx goes to the UA core');
  sched.advance(32000); // timer L
  assert.equal(incoming(layer, req('INVITE')).kind, 'new');
});

test('non-INVITE server: retransmissions get the last response; timer J (64*T1) over UDP, 0 over TCP', () => {
  const { sched, sent, layer } = setup();
  const options = req('OPTIONS');
  const m = incoming(layer, options);
  if (m.kind !== 'new') return assert.fail();
  assert.equal(incoming(layer, req('OPTIONS')).kind, 'absorbed');
  assert.equal(sent.length, 0, 'nothing to resend before a response');
  m.tx.respond(createResponse(options, 200));
  assert.equal(incoming(layer, req('OPTIONS')).kind, 'absorbed');
  assert.deepEqual(times(sent, '200'), [0, 0]);
  sched.advance(31999);
  assert.equal(m.tx.state, 'completed');
  sched.advance(1);
  assert.equal(m.tx.state, 'terminated');

  const tcp = req('OPTIONS', 'z9hG4bKtcp');
  const m2 = incoming(layer, tcp, true);
  if (m2.kind !== 'new') return assert.fail();
  m2.tx.respond(createResponse(tcp, 200));
  assert.equal(m2.tx.state, 'terminated');
});

test('CANCEL finds its INVITE server transaction by branch', () => {
  const { layer } = setup();
  const invite = req('INVITE', 'z9hG4bKcancelme');
  const m = incoming(layer, invite);
  if (m.kind !== 'new') return assert.fail();
  const cancel = req('CANCEL', 'z9hG4bKcancelme');
  const via = parseVia(cancel.headers[0]?.value ?? '');
  assert.ok(via);
  assert.equal(layer.inviteFor(cancel, via), m.tx);
  const other = req('CANCEL', 'z9hG4bKother');
  assert.equal(layer.inviteFor(other, parseVia(other.headers[0]?.value ?? '') ?? via), undefined);
});

test('a transport error ends a client transaction and tells the TU', () => {
  const sched = new VirtualScheduler();
  const events: string[] = [];
  const layer = new TransactionLayer((_m, _d, onError) => onError?.(new Error('ECONNREFUSED')), sched, DEFAULT_TIMERS);
  layer.request(req('INVITE'), DEST, false, {
    response: () => events.push('response'),
    timeout: () => events.push('timeout'),
    transportError: (e) => events.push(e.message),
  });
  sched.advance(60000);
  assert.deepEqual(events, ['ECONNREFUSED']);
});

test('responses to unknown transactions are reported as unmatched', () => {
  const { layer } = setup();
  const res: SipResponse = createResponse(req('INVITE', 'z9hG4bKnobody'), 200, { toTag: 'q' });
  assert.equal(layer.response(res), false);
});
