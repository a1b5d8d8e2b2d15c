// The SDK's signalling reconnect: a call moves to a new socket only with the token it was last given,
// from the same identity; the token is new each time, so a spent one is refused (31209).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientCall } from './call.js';
import { ClientGateway, type DeviceLink } from './gateway.js';
import type { VoiceGrant } from './grant.js';
import type { ClientMessage, ServerMessage } from './protocol.js';

class TestCall extends ClientCall {
  onMessage(msg: ClientMessage, from: DeviceLink): void {
    this.common(msg, from);
  }
  give(): string {
    return this.issueReconnectToken();
  }
}

function link(identity: string): DeviceLink & { sent: ServerMessage[] } {
  const grant: VoiceGrant = { accountSid: 'AC1', keySid: 'SK1', identity, incomingAllow: true, applicationSid: null, applicationParams: {}, expiresAt: 0 };
  const sent: ServerMessage[] = [];
  return { grant, open: true, sent, send: (m) => void sent.push(m) };
}

const invite = (reconnect: string | null): ClientMessage => ({ type: 'invite', payload: { callsid: 'CA1', sdp: 'v=0', params: '', reconnect } });

test('reconnect: the last token from the same identity moves the call; anything else is 31209', () => {
  const gateway = new ClientGateway({ secretOf: async () => undefined, now: Date.now, placeCall: () => undefined, log: () => undefined });
  const first = link('alice');
  const call = new TestCall(gateway, 'CA1', null, 'AC1', 'alice', first);
  const token = call.give();

  const stranger = link('mallory');
  call.onMessage(invite(token), stranger);
  assert.deepEqual(stranger.sent[0], { type: 'hangup', payload: { callsid: 'CA1', error: { code: 31209, message: 'The call cannot be reconnected' } } });

  const wrong = link('alice');
  call.onMessage(invite(`${token.slice(0, -1)}x`), wrong);
  assert.equal(wrong.sent[0]?.type, 'hangup');

  const second = link('alice');
  call.onMessage(invite(token), second);
  const answer = second.sent[0];
  assert.equal(answer?.type, 'answer');
  const next = answer?.type === 'answer' ? answer.payload.reconnect : undefined;
  assert.ok(next && next !== token, 'a new token');

  // The spent token is no good any more; the new one is.
  const replay = link('alice');
  call.onMessage(invite(token), replay);
  assert.equal(replay.sent[0]?.type, 'hangup');
  const third = link('alice');
  call.onMessage(invite(next!), third);
  assert.equal(third.sent[0]?.type, 'answer');
  gateway.untrack(call);
});
