import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iceServersFor, IceServersError, parseIceServers } from './ice-servers.js';

test('parses stun, static turn and shared-secret turn entries', () => {
  assert.deepEqual(parseIceServers('stun:stun.example.net, turn:a%40b:p%2Cw@[2001:db8::1]:3478?transport=tcp,turns::k@t.example.net:5349'), [
    { kind: 'stun', url: 'stun:stun.example.net' },
    { kind: 'turn-static', url: 'turn:[2001:db8::1]:3478?transport=tcp', username: 'a@b', credential: 'p,w' },
    { kind: 'turn-secret', url: 'turns:t.example.net:5349', secret: 'k' },
  ]);
});

test('refuses what a browser could not use', () => {
  for (const bad of ['http://x', 'turn:host', 'stun:u:p@host', 'turn:user@host', 'turn:user:@host', 'stun:host?transport=sctp']) {
    assert.throws(() => parseIceServers(bad), IceServersError, bad);
  }
});

test('shared-secret credentials expire with the token', () => {
  const [s] = iceServersFor(parseIceServers('turn::k@h'), 'AC1', 1_000_000, 60);
  assert.equal(s?.username, '1060:AC1');
  assert.equal(typeof s?.credential, 'string');
});
