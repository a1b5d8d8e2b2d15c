import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FakeApp, eventually } from './support/app.js';
import { Cli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-durable-'));
const procs: Cli[] = [];
const app = new FakeApp();
after(async () => {
  for (const p of procs) p.kill();
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

const SID = `AC${'d'.repeat(32)}`;
const TOKEN = 'durability-token-1234-0123456789abcdef';
const auth = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
const env = { SWITCHBOARD_ACCOUNT_SID: SID, SWITCHBOARD_AUTH_TOKEN: TOKEN, SWITCHBOARD_LOG_LEVEL: 'warn' };
const args = ['start', '--port', '0', '--data-dir', dir, '--mps-long-code', '200'];

async function post(base: string, path: string, form: Record<string, string>) {
  return fetch(base + path, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

test('SIGKILL mid-burst: every accepted message is delivered exactly once to its phone after a restart', async () => {
  await app.start();
  const first = new Cli(args, env);
  procs.push(first);
  const { url } = await first.banner();
  const number = (await (await post(url, `/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers.json`, { AreaCode: '415' })).json()) as { phone_number: string };

  // 200 MPS paces 400 messages over about two seconds, so the kill lands with work queued and in flight.
  const accepted: string[] = [];
  let refused = 0;
  const burst = (async () => {
    for (let i = 0; i < 400; i++) {
      try {
        const res = await post(url, `/2010-04-01/Accounts/${SID}/Messages.json`, {
          To: `+1555867${String(1000 + i)}`,
          From: number.phone_number,
          Body: `burst ${i}`,
          StatusCallback: `${app.base}/status`,
        });
        if (res.status === 201) accepted.push(((await res.json()) as { sid: string }).sid);
        else refused++;
      } catch {
        return; // the server is gone: requests without an answer were never accepted
      }
    }
  })();
  await eventually(async () => (accepted.length >= 150 ? true : undefined), 20_000, 5);
  first.signal('SIGKILL');
  await burst;
  await first.exited;
  assert.equal(refused, 0);
  assert.ok(accepted.length >= 150 && accepted.length < 400, `kill landed mid-burst (${accepted.length} accepted)`);

  const second = new Cli(args, env);
  procs.push(second);
  const { url: url2 } = await second.banner();
  const fetchMessage = async (sid: string) =>
    (await (await fetch(`${url2}/2010-04-01/Accounts/${SID}/Messages/${sid}.json`, { headers: { authorization: auth } })).json()) as {
      status: string;
      to: string;
    };
  await eventually(
    async () => {
      for (const sid of accepted) if ((await fetchMessage(sid)).status !== 'delivered') return undefined;
      return true;
    },
    60_000,
    200,
  );

  // Exactly once at the phone: each accepted message appears once in its recipient's inbox.
  for (const sid of accepted) {
    const { to } = await fetchMessage(sid);
    const inbox = (await (
      await fetch(`${url2}/switchboard/v1/VirtualPhones/${encodeURIComponent(to)}/Messages?PageSize=1000`, { headers: { authorization: auth } })
    ).json()) as { messages: { message_sid: string }[] };
    assert.equal(inbox.messages.filter((m) => m.message_sid === sid).length, 1, `message ${sid} reached its phone once`);
  }
  // Each accepted message's delivered callback arrived (at least once: webhooks are at-least-once).
  await eventually(
    async () => {
      const delivered = new Set(app.received.filter((r) => r.params.MessageStatus === 'delivered').map((r) => r.params.MessageSid));
      return accepted.every((sid) => delivered.has(sid)) ? true : undefined;
    },
    30_000,
    100,
  );
  second.signal('SIGTERM');
  assert.equal(await second.exited, 0);
});
