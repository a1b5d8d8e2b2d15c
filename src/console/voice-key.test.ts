import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifyVoiceToken } from '../voice/client/grant.js';
import { ConsoleVoiceKeys } from './voice-key.js';

const A = `AC${'a'.repeat(32)}`;
const B = `AC${'b'.repeat(32)}`;

test('console tokens verify as Voice SDK tokens of their own account only, and expire', async () => {
  const keys = new ConsoleVoiceKeys('11'.repeat(32));
  const now = Date.parse('2026-01-01T00:00:00Z');
  const { token, expiresAt } = keys.mint(A, now);
  const lookup = async (account: string, key: string) => keys.secretOf(account, key);
  const g = await verifyVoiceToken(token, lookup, now);
  assert.equal(g.accountSid, A);
  assert.equal(g.identity, 'console');
  assert.equal(g.incomingAllow, true);
  assert.equal(g.applicationSid, null);
  assert.equal(expiresAt, now / 1000 + 3600);
  assert.ok(keys.isConsoleKey(A, g.keySid));
  // Another account's key is nobody's; another server secret knows nothing of it.
  assert.equal(keys.isConsoleKey(B, g.keySid), false);
  assert.equal(new ConsoleVoiceKeys('22'.repeat(32)).secretOf(A, g.keySid), undefined);
  await assert.rejects(verifyVoiceToken(token, lookup, now + 3601_000), (e: { code?: number }) => e.code === 20104);
});
