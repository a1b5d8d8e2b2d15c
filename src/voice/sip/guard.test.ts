import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAuthorization, parseChallenge } from './digest.js';
import { GuardConfigError, InviteGuard, parseNetworks, parsePeers } from './guard.js';
import type { SipRequest } from './message.js';
import type { Destination } from './transport.js';

const invite = (headers: Array<{ name: string; value: string }> = []): SipRequest =>
  ({ type: 'request', method: 'INVITE', uri: 'sip:+15551230000@127.0.0.1', version: 'SIP/2.0', headers, body: Buffer.alloc(0) }) as SipRequest;
const from = (host: string): Destination => ({ protocol: 'udp', host, port: 5062 });

test('a source over its rate gets one 503 with Retry-After, then nothing; listed sources are exempt', () => {
  let now = 1_000_000;
  const g = new InviteGuard({ ratePerSecond: 1, burst: 3, trusted: ['10.0.0.0/8'], peers: new Map(), realm: 'r', now: () => now });
  const seen = Array.from({ length: 6 }, () => g.check(invite(), from('10.1.1.1')).action);
  assert.deepEqual(seen, Array(6).fill('accept'));
  const out = Array.from({ length: 6 }, () => g.check(invite(), from('203.0.113.5')));
  assert.deepEqual(
    out.map((v) => (v.action === 'reply' ? v.status : v.action)),
    [403, 403, 403, 503, 'drop', 'drop'],
  );
  const r = out[3];
  assert.ok(r?.action === 'reply' && r.headers?.some((h) => h.name === 'Retry-After'));
  now += 1500;
  assert.equal(g.check(invite(), from('203.0.113.5')).action, 'reply'); // a token again: 403 (untrusted)
  assert.equal(g.counters.rate, 3);
});

test('no list and no peers: everyone is accepted; a list refuses others with 403', () => {
  const open = new InviteGuard({ ratePerSecond: 0, burst: 1, trusted: null, peers: new Map(), realm: 'r' });
  assert.equal(open.check(invite(), from('203.0.113.5')).action, 'accept');
  const closed = new InviteGuard({ ratePerSecond: 0, burst: 1, trusted: ['198.51.100.7', '2001:db8::/32'], peers: new Map(), realm: 'r' });
  assert.equal(closed.check(invite(), from('198.51.100.7')).action, 'accept');
  assert.equal(closed.check(invite(), from('[2001:db8::5]')).action, 'accept');
  assert.equal(closed.check(invite(), from('::ffff:198.51.100.7')).action, 'accept');
  const v = closed.check(invite(), from('198.51.100.8'));
  assert.ok(v.action === 'reply' && v.status === 403);
});

test('peers: challenged with 401, the right answer is accepted, a wrong password or another URI is 403', () => {
  const g = new InviteGuard({ ratePerSecond: 0, burst: 1, trusted: null, peers: parsePeers('alice:s3cret'), realm: 'switchboard' });
  const first = g.check(invite(), from('203.0.113.5'));
  assert.ok(first.action === 'reply' && first.status === 401);
  const challenge = parseChallenge(first.headers?.[0]?.value ?? '');
  assert.ok(challenge);
  const answer = (password: string, uri = 'sip:+15551230000@127.0.0.1') =>
    buildAuthorization({ challenge, credentials: { username: 'alice', password }, method: 'INVITE', uri }) ?? '';
  assert.deepEqual(g.check(invite([{ name: 'Authorization', value: answer('s3cret') }]), from('203.0.113.5')), { action: 'accept', peer: 'alice' });
  const wrong = g.check(invite([{ name: 'Authorization', value: answer('guess') }]), from('203.0.113.5'));
  assert.ok(wrong.action === 'reply' && wrong.status === 403);
  const replay = g.check(invite([{ name: 'Authorization', value: answer('s3cret', 'sip:+15559999999@127.0.0.1') }]), from('203.0.113.5'));
  assert.ok(replay.action === 'reply' && replay.status === 403);
  const forged = g.check(invite([{ name: 'Authorization', value: answer('s3cret').replace(/nonce="[^"]+"/, 'nonce="1.abc"') }]), from('203.0.113.5'));
  assert.ok(forged.action === 'reply' && forged.status === 401);
});

test('bad allow-list and peer entries are configuration errors', () => {
  assert.throws(() => parseNetworks(['10.0.0.0/33']), GuardConfigError);
  assert.throws(() => parseNetworks(['trunk.example.com']), GuardConfigError);
  assert.throws(() => parsePeers('alice'), GuardConfigError);
  assert.equal(parsePeers('a:b:c, d:e').get('a'), 'b:c');
});
