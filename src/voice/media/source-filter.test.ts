import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCEPT, DROP, LEARNED, SourceFilter, unusableSdpAddress } from './source-filter.js';

const make = (probation = 4) => {
  const drops = { source: 0, ssrc: 0 };
  return { f: new SourceFilter(probation, drops), drops };
};

test('the SDP address locks at once; everyone else is dropped and counted', () => {
  const { f, drops } = make();
  f.expect('198.51.100.7', 4000);
  assert.equal(f.check('203.0.113.66', 5000, 9, 1), DROP);
  assert.equal(f.check('198.51.100.7', 4000, 1, 100), LEARNED);
  assert.equal(f.check('198.51.100.7', 4000, 1, 101), ACCEPT);
  for (let i = 0; i < 10; i++) assert.equal(f.check('203.0.113.66', 5000, 9, 2 + i), DROP);
  assert.equal(drops.source, 11);
});

test('another IP is never learned, however many sequential packets it sends', () => {
  const { f } = make();
  f.expect('198.51.100.7', 4000);
  for (let i = 0; i < 20; i++) assert.equal(f.check('203.0.113.66', 5000, 9, i), DROP);
  assert.equal(f.locked, false);
});

test('the SDP IP on another port is learned after probation; a broken sequence starts over', () => {
  const { f } = make(4);
  f.expect('198.51.100.7', 4000);
  assert.equal(f.check('198.51.100.7', 4002, 5, 10), DROP);
  assert.equal(f.check('198.51.100.7', 4002, 5, 11), DROP);
  assert.equal(f.check('198.51.100.7', 4002, 5, 13), DROP); // gap: count restarts at 1
  assert.equal(f.check('198.51.100.7', 4002, 5, 14), DROP);
  assert.equal(f.check('198.51.100.7', 4002, 5, 15), DROP);
  assert.equal(f.check('198.51.100.7', 4002, 5, 16), LEARNED);
  assert.equal(f.check('198.51.100.7', 4002, 5, 17), ACCEPT);
  // The exact SDP address still takes over from a learned source.
  assert.equal(f.check('198.51.100.7', 4000, 8, 1), LEARNED);
  assert.equal(f.check('198.51.100.7', 4002, 5, 18), DROP);
});

test('a new SSRC from the locked source passes probation first', () => {
  const { f, drops } = make(3);
  f.expect('198.51.100.7', 4000);
  f.check('198.51.100.7', 4000, 1, 1);
  assert.equal(f.check('198.51.100.7', 4000, 2, 50), DROP);
  assert.equal(f.check('198.51.100.7', 4000, 2, 51), DROP);
  assert.equal(f.check('198.51.100.7', 4000, 2, 52), ACCEPT);
  assert.equal(f.check('198.51.100.7', 4000, 2, 53), ACCEPT);
  assert.equal(drops.ssrc, 2);
});

test('a private SDP address lets the signalling source be learned (NAT); a new SDP relearns', () => {
  const { f } = make(2);
  f.expect('192.168.1.20', 4000, '203.0.113.5');
  assert.equal(f.check('203.0.113.9', 6000, 3, 1), DROP);
  assert.equal(f.check('203.0.113.9', 6000, 3, 2), DROP);
  assert.equal(f.check('203.0.113.5', 31000, 3, 1), DROP);
  assert.equal(f.check('203.0.113.5', 31000, 3, 2), LEARNED);
  f.expect('198.51.100.7', 4000, '203.0.113.5'); // a public SDP address: the signalling source no longer counts
  assert.equal(f.locked, false);
  for (let i = 0; i < 6; i++) assert.equal(f.check('203.0.113.5', 31000, 3, 3 + i), DROP);
});

test('unusable SDP addresses', () => {
  for (const a of ['0.0.0.0', '::', '10.1.2.3', '172.20.0.1', '192.168.0.9', '100.64.1.1', '169.254.3.3', 'fd00::1', 'fe80::1'])
    assert.ok(unusableSdpAddress(a), a);
  for (const a of ['198.51.100.7', '127.0.0.1', '2001:db8::1', 'sip.example.com']) assert.ok(!unusableSdpAddress(a), a);
});
