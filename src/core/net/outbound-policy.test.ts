import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { test } from 'node:test';
import { isLoopbackHost, normalise, OutboundDenied, OutboundPolicy, OutboundPolicyError } from './outbound-policy.js';

const restricted = new OutboundPolicy({ deny: ['private'], allow: [] });

test('normalises IPv4-mapped IPv6 to IPv4 and leaves the rest', () => {
  assert.equal(normalise('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(normalise('::ffff:7f00:1'), '127.0.0.1');
  assert.equal(normalise('0:0:0:0:0:ffff:a00:1'), '10.0.0.1');
  assert.equal(normalise('::1'), '::1');
  assert.equal(normalise('2001:DB8::1'), '2001:db8::1');
  assert.equal(normalise('example.com'), undefined);
});

test('the private set refuses loopback, private, link-local, CGNAT, multicast and mapped forms', () => {
  for (const a of [
    '127.0.0.1',
    '127.9.9.9',
    '0.0.0.0',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
  ]) {
    assert.equal(restricted.allows(a), false, a);
  }
  for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) assert.equal(restricted.allows(a), true, a);
});

test('the allow list lets networks through the deny list', () => {
  const p = new OutboundPolicy({ deny: ['private'], allow: ['127.0.0.1', '10.0.0.0/8'] });
  assert.equal(p.allows('127.0.0.1'), true);
  assert.equal(p.allows('::ffff:127.0.0.1'), true);
  assert.equal(p.allows('127.0.0.2'), false);
  assert.equal(p.allows('10.200.0.1'), true);
  assert.equal(p.allows('192.168.0.1'), false);
});

test('an explicit deny list replaces the default; none denies nothing', () => {
  const p = new OutboundPolicy({ deny: ['169.254.169.254/32'], allow: [] });
  assert.equal(p.allows('169.254.169.254'), false);
  assert.equal(p.allows('127.0.0.1'), true);
  assert.equal(new OutboundPolicy({ deny: ['none'], allow: [] }).allows('127.0.0.1'), true);
});

test('the default depends on whether the HTTP host is loopback', () => {
  for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2']) {
    assert.equal(isLoopbackHost(host), true, host);
    assert.equal(OutboundPolicy.fromSettings(host, undefined, undefined).allows('127.0.0.1'), true, host);
  }
  for (const host of ['0.0.0.0', '::', '10.0.0.5', 'switchboard.example.com']) {
    assert.equal(isLoopbackHost(host), false, host);
    assert.equal(OutboundPolicy.fromSettings(host, undefined, undefined).allows('127.0.0.1'), false, host);
  }
  assert.equal(OutboundPolicy.fromSettings('0.0.0.0', undefined, '127.0.0.0/8').allows('127.0.0.1'), true);
  assert.equal(OutboundPolicy.fromSettings('127.0.0.1', 'private', undefined).allows('127.0.0.1'), false);
});

test('bad entries are configuration errors', () => {
  for (const bad of ['localhost', '10.0.0.0/33', '10.0.0.0/x', '::1/129', '1.2.3']) {
    assert.throws(() => new OutboundPolicy({ deny: [bad], allow: [] }), OutboundPolicyError, bad);
  }
});

test('URL hosts are checked in every spelling the URL parser accepts', () => {
  for (const u of [
    'http://2130706433/',
    'http://0x7f.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://[::1]/',
  ]) {
    assert.ok(restricted.checkUrl(new URL(u)) instanceof OutboundDenied, u);
  }
  assert.equal(restricted.checkUrl(new URL('http://93.184.216.34/')), undefined);
  assert.equal(restricted.checkUrl(new URL('http://example.com/')), undefined); // hostnames: checked by lookup
});

test('lookup refuses a hostname that resolves to a denied address, in both callback forms', async () => {
  const one = await new Promise<Error | null>((resolve) => restricted.lookup('localhost', {}, (err) => resolve(err)));
  assert.ok(one instanceof OutboundDenied);
  const all = await new Promise<Error | null>((resolve) => restricted.lookup('localhost', { all: true }, (err) => resolve(err)));
  assert.ok(all instanceof OutboundDenied);
  const open = OutboundPolicy.open();
  const got = await new Promise<string | LookupAddress[]>((resolve, reject) =>
    open.lookup('localhost', { all: true }, (err, a) => (err ? reject(err) : resolve(a))),
  );
  assert.ok(Array.isArray(got) && got.length > 0);
});
