import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import twilio from 'twilio';
import { ApiError } from '../core/errors.js';
import { mintAccessToken, verifyAccessToken } from './token.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const KEY = 'SK' + 'b'.repeat(32);
const SECRET = 'c'.repeat(32);
const secretOf = async (account: string, key: string) => (account === ACCOUNT && key === KEY ? SECRET : undefined);

function official(o: { alg?: 'HS256' | 'HS384' | 'HS512'; ttl?: number; room?: string } = {}): string {
  const t = new twilio.jwt.AccessToken(ACCOUNT, KEY, SECRET, { identity: 'alice', ttl: o.ttl ?? 600 });
  t.addGrant(new twilio.jwt.AccessToken.VideoGrant(o.room ? { room: o.room } : {}));
  return t.toJwt(o.alg);
}

async function code(token: string, now = Date.now()): Promise<number> {
  try {
    await verifyAccessToken(token, secretOf, now);
    return 0;
  } catch (err) {
    assert.ok(err instanceof ApiError);
    return err.code;
  }
}

/** Re-signs a token whose header or payload was edited, so only the edit is wrong. */
function edit(token: string, part: 0 | 1, change: (o: Record<string, unknown>) => void): string {
  const parts = token.split('.');
  const obj = JSON.parse(Buffer.from(parts[part]!, 'base64url').toString()) as Record<string, unknown>;
  change(obj);
  parts[part] = Buffer.from(JSON.stringify(obj)).toString('base64url');
  const body = `${parts[0]}.${parts[1]}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

test("twilio-node's AccessToken verifies with HS256, HS384 and HS512; grant fields come through", async () => {
  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    const g = await verifyAccessToken(official({ alg, room: 'standup' }), secretOf, Date.now());
    assert.deepEqual({ ...g, expiresAt: 0 }, { accountSid: ACCOUNT, keySid: KEY, identity: 'alice', room: 'standup', expiresAt: 0 });
  }
  assert.equal((await verifyAccessToken(official(), secretOf, Date.now())).room, undefined);
});

test('each fault has its own code', async () => {
  assert.equal(await code('a.b'), 20101);
  assert.equal(
    await code(
      edit(official(), 0, (h) => {
        h.cty = 'text/plain';
      }),
    ),
    20102,
  );
  assert.equal(
    await code(
      edit(official(), 0, (h) => {
        h.alg = 'none';
      }),
    ),
    20102,
  );
  assert.equal(
    await code(
      edit(official(), 1, (p) => {
        p.sub = 'AC' + 'd'.repeat(32);
      }),
    ),
    20103,
    "the key is not that account's",
  );
  assert.equal(
    await code(
      edit(official(), 1, (p) => {
        p.iss = 'AC' + 'a'.repeat(32);
      }),
    ),
    20103,
  );
  assert.equal(await code(official({ ttl: -1 })), 20104);
  assert.equal(await code(official({ ttl: 2 * 86400 })), 20104, 'more than 24 hours is refused');
  assert.equal(await code(official(), Date.now() + 3600_000), 20104, 'expired by the clock');
  assert.equal(
    await code(
      edit(official(), 1, (p) => {
        p.nbf = Math.floor(Date.now() / 1000) + 60;
      }),
    ),
    20105,
  );
  assert.equal(
    await code(
      edit(official(), 1, (p) => {
        delete (p.grants as Record<string, unknown>).video;
      }),
    ),
    20106,
  );
  assert.equal(
    await code(
      edit(official(), 1, (p) => {
        delete (p.grants as Record<string, unknown>).identity;
      }),
    ),
    20106,
  );
  const t = official();
  assert.equal(await code(t.slice(0, -2) + (t.endsWith('AA') ? 'BB' : 'AA')), 20107);
});

test('mintAccessToken makes what verifyAccessToken and the token format expect', async () => {
  const token = mintAccessToken({ accountSid: ACCOUNT, keySid: KEY, secret: SECRET, identity: 'demo', room: 'r', nowMs: Date.now() });
  const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, string>;
  assert.deepEqual(header, { typ: 'JWT', alg: 'HS256', cty: 'twilio-fpa;v=1' });
  assert.equal((await verifyAccessToken(token, secretOf, Date.now())).identity, 'demo');
});
