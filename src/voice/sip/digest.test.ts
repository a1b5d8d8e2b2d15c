import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAuthorization, digestResponse, parseAuthParams, parseChallenge, verifyDigest } from './digest.js';
import { authorizeRequest } from './auth.js';
import { getHeader } from './message.js';
import type { SipRequest, SipResponse } from './message.js';
import { formatUri, parseNameAddr, parseUri, userOf } from './header-values.js';

test('digest response matches the RFC 2617 3.5 example (qop=auth)', () => {
  const r = digestResponse({
    username: 'Mufasa',
    password: 'Circle Of Life',
    realm: 'testrealm@host.com',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    method: 'GET',
    uri: '/dir/index.html',
    algorithm: 'MD5',
    qop: 'auth',
    nc: '00000001',
    cnonce: '0a4f113b',
  });
  assert.equal(r, '6629fae49393a05397450978507c4ef1');
});

test('parses challenges with quoted commas, no qop, and MD5-sess', () => {
  const c = parseChallenge('Digest realm="sip.example.com", nonce="a,b=c", qop="auth,auth-int", algorithm=MD5, opaque="xyz", stale=TRUE');
  assert.deepEqual(c, { realm: 'sip.example.com', nonce: 'a,b=c', qop: ['auth', 'auth-int'], algorithm: 'MD5', opaque: 'xyz', stale: true });
  assert.deepEqual(parseChallenge('Digest realm="r",nonce="n"')?.qop, []);
  assert.equal(parseChallenge('Basic realm="r"'), null);
  assert.equal(parseChallenge('Digest nonce="n"'), null, 'realm is required');
  assert.deepEqual(parseAuthParams('a=1, b="x\\"y"'), { a: '1', b: 'x"y' });
});

test('buildAuthorization answers qop=auth, no-qop and MD5-sess challenges that verifyDigest accepts', () => {
  const creds = { username: 'trunkuser', password: 's3cret' };
  for (const header of [
    'Digest realm="asterisk", nonce="5f1c", qop="auth"',
    'Digest realm="asterisk", nonce="5f1c"',
    'Digest realm="asterisk", nonce="5f1c", qop="auth", algorithm=MD5-sess, opaque="o"',
  ]) {
    const challenge = parseChallenge(header);
    assert.ok(challenge);
    const auth = buildAuthorization({ challenge, credentials: creds, method: 'INVITE', uri: 'sip:+15551230000@trunk.example.com' });
    assert.ok(auth);
    assert.ok(verifyDigest(auth, 'INVITE', 's3cret'), header);
    assert.ok(!verifyDigest(auth, 'INVITE', 'wrong'));
    assert.ok(!verifyDigest(auth, 'BYE', 's3cret'), 'method is covered');
  }
  assert.equal(
    buildAuthorization({
      challenge: { realm: 'r', nonce: 'n', qop: [], algorithm: 'SHA-256', stale: false },
      credentials: creds,
      method: 'INVITE',
      uri: 'sip:x',
    }),
    null,
  );
});

test('authorizeRequest bumps CSeq, drops Via and picks the header for 401 or 407', () => {
  const invite: SipRequest = {
    type: 'request',
    method: 'INVITE',
    uri: 'sip:bob@trunk',
    body: Buffer.alloc(0),
    headers: [
      { name: 'Via', value: 'SIP/2.0/UDP h;branch=z9hG4bK1' },
      { name: 'CSeq', value: '1 INVITE' },
      { name: 'Call-ID', value: 'c' },
    ],
  };
  const challenge = (status: number, name: string): SipResponse => ({
    type: 'response',
    status,
    reason: '',
    body: Buffer.alloc(0),
    headers: [{ name, value: 'Digest realm="t", nonce="n", qop="auth"' }],
  });
  const a = authorizeRequest(invite, challenge(401, 'WWW-Authenticate'), { username: 'u', password: 'p' }, 2);
  assert.ok(a);
  assert.equal(getHeader(a, 'CSeq'), '2 INVITE');
  assert.equal(getHeader(a, 'Via'), undefined);
  assert.ok(verifyDigest(getHeader(a, 'Authorization') ?? '', 'INVITE', 'p'));
  const p = authorizeRequest(invite, challenge(407, 'Proxy-Authenticate'), { username: 'u', password: 'p' }, 2);
  assert.ok(p && getHeader(p, 'Proxy-Authorization'));
  assert.equal(authorizeRequest(invite, challenge(401, 'WWW-Authenticate'), { username: 'u', password: 'p', realm: 'other' }, 2), null);
  assert.equal(getHeader(invite, 'Via'), 'SIP/2.0/UDP h;branch=z9hG4bK1', 'the original is not modified');
});

test('URI and name-addr helpers', () => {
  const u = parseUri('sip:+1%20555;phone-context=x@[2001:db8::1]:5080;transport=tcp;lr?subject=hi');
  assert.ok(u);
  assert.equal(u.user, '+1 555;phone-context=x');
  assert.equal(u.host, '[2001:db8::1]');
  assert.equal(u.port, 5080);
  assert.deepEqual(u.params, { transport: 'tcp', lr: null });
  assert.equal(u.headers, 'subject=hi');
  assert.equal(parseUri(formatUri(u))?.user, u.user);
  assert.equal(parseUri('tel:+15551230000;phone-context=+1')?.user, '+15551230000');
  for (const bad of ['', 'sip:', 'sip:@h', 'sip:a@h:99999', 'sip:a@h:x', '1sip:a@h', 'sip:a@<h>']) assert.equal(parseUri(bad), null, bad);
  assert.equal(userOf('"Bob" <sip:bob@h>;tag=1'), 'bob');
  assert.equal(userOf('sip:+1555@h'), '+1555');
  assert.equal(parseNameAddr('<sip:a@h'), null);
  assert.equal(parseNameAddr('"unterminated <sip:a@h>'), null);
  assert.deepEqual(parseNameAddr('*'), { uri: '*', params: {} });
});
