import assert from 'node:assert/strict';
import { test } from 'node:test';
import twilio from 'twilio';
import { ApiError } from '../../core/errors.js';
import { verifyVoiceToken } from './grant.js';
import { parseClientMessage } from './protocol.js';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const KEY = `SK${'b'.repeat(32)}`;
const SECRET = 'c'.repeat(32);
const secretOf = async (account: string, key: string) => (account === ACCOUNT && key === KEY ? SECRET : undefined);

function voiceToken(grant: ConstructorParameters<typeof twilio.jwt.AccessToken.VoiceGrant>[0], secret = SECRET): string {
  const t = new twilio.jwt.AccessToken(ACCOUNT, KEY, secret, { identity: 'alice', ttl: 600 });
  t.addGrant(new twilio.jwt.AccessToken.VoiceGrant(grant));
  return t.toJwt();
}

test("twilio-node's VoiceGrant: identity, incoming allow, the outgoing application and its params", async () => {
  const g = await verifyVoiceToken(
    voiceToken({ incomingAllow: true, outgoingApplicationSid: `AP${'d'.repeat(32)}`, outgoingApplicationParams: { n: 1 } }),
    secretOf,
    Date.now(),
  );
  assert.deepEqual(
    { ...g, expiresAt: 0 },
    {
      accountSid: ACCOUNT,
      keySid: KEY,
      identity: 'alice',
      incomingAllow: true,
      applicationSid: `AP${'d'.repeat(32)}`,
      applicationParams: { n: '1' },
      expiresAt: 0,
    },
  );
  const bare = await verifyVoiceToken(voiceToken({}), secretOf, Date.now());
  assert.equal(bare.incomingAllow, false);
  assert.equal(bare.applicationSid, null);
});

test('a token without a voice grant, or signed with another secret, is refused with its code', async () => {
  const video = new twilio.jwt.AccessToken(ACCOUNT, KEY, SECRET, { identity: 'alice' });
  video.addGrant(new twilio.jwt.AccessToken.VideoGrant({}));
  await assert.rejects(verifyVoiceToken(video.toJwt(), secretOf, Date.now()), (e: unknown) => e instanceof ApiError && e.code === 20106);
  await assert.rejects(verifyVoiceToken(voiceToken({}, 'x'.repeat(32)), secretOf, Date.now()), (e: unknown) => e instanceof ApiError && e.code === 20107);
  await assert.rejects(verifyVoiceToken(voiceToken({}), secretOf, Date.now() + 3600_000), (e: unknown) => e instanceof ApiError && e.code === 20104);
});

test('PStream messages as the SDK publishes them', () => {
  assert.deepEqual(parseClientMessage('{"type":"invite","version":"1.6","payload":{"callsid":"TJ1","sdp":"v=0","twilio":{"params":"To=%2B1"}}}'), {
    type: 'invite',
    payload: { callsid: 'TJ1', sdp: 'v=0', params: 'To=%2B1', reconnect: null },
  });
  assert.deepEqual(parseClientMessage('{"type":"register","payload":{"media":{"audio":true}}}'), { type: 'register', payload: { media: { audio: true } } });
  assert.deepEqual(parseClientMessage('{"type":"reinvite","payload":{"callsid":"CA1","sdp":"v=0"}}'), { type: 'other', name: 'reinvite', callsid: 'CA1' });
  assert.equal(parseClientMessage('{"type":"answer","payload":{}}'), null, 'an answer needs callsid and sdp');
  assert.equal(parseClientMessage('not json'), null);
});
