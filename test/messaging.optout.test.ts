// Opt-out end to end, every keyword: a virtual phone texts each of Twilio's opt-out keywords to one number,
// gets Twilio's confirmation, and from then on that number (only that one: the opt-out is per sender) is
// refused with 21610 while the account's other number still reaches the phone; each opt-in keyword lifts
// it; the help keywords only answer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

let s: TestServer;
const SHOP = '+15017122700';
const OTHER_SHOP = '+15017122701';
const STOP = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
const START = ['START', 'YES', 'UNSTOP'];
const HELP = ['HELP', 'INFO'];

before(async () => {
  s = await startTestServer();
  for (const n of [SHOP, OTHER_SHOP]) await s.client.incomingPhoneNumbers.create({ phoneNumber: n });
});
after(async () => {
  await s.close();
});

async function text(phone: string, to: string, body: string): Promise<void> {
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Messages`, { method: 'POST', form: { To: to, Body: body } });
  assert.equal(res.status, 201);
}
async function inbox(phone: string): Promise<string[]> {
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Messages`);
  return ((await res.json()) as { messages: Array<{ direction: string; body: string }> }).messages.filter((m) => m.direction !== 'outbound').map((m) => m.body);
}
const refused = (p: Promise<unknown>) => assert.rejects(p, (e: { code: number; status: number }) => e.code === 21610 && e.status === 400);

test('each opt-out keyword blocks that sender only; each opt-in keyword lifts it', async () => {
  for (const [i, word] of STOP.entries()) {
    const phone = `+1555867${String(1000 + i)}`;
    await text(phone, SHOP, word.toLowerCase());
    await eventually(async () => ((await inbox(phone)).some((b) => b.startsWith('You have successfully been unsubscribed')) ? true : undefined));
    await refused(s.client.messages.create({ to: phone, from: SHOP, body: `after ${word}` }));
    const other = await s.client.messages.create({ to: phone, from: OTHER_SHOP, body: 'from the other number' });
    assert.equal(other.status, 'queued', `${word} at ${SHOP} does not opt the phone out of ${OTHER_SHOP}`);
    // Opt back in with one of the opt-in keywords, in turn.
    const back = START[i % START.length]!;
    await text(phone, SHOP, back);
    await eventually(async () => ((await inbox(phone)).some((b) => b.startsWith('You have successfully been re-subscribed')) ? true : undefined));
    assert.equal((await s.client.messages.create({ to: phone, from: SHOP, body: `after ${back}` })).status, 'queued', `${back} lifts ${word}`);
  }
});

test('help keywords answer with the help text and opt nobody out; a longer message is no keyword', async () => {
  for (const [i, word] of HELP.entries()) {
    const phone = `+1555867${String(2000 + i)}`;
    await text(phone, SHOP, word);
    await eventually(async () => ((await inbox(phone)).some((b) => b.startsWith('Reply STOP to unsubscribe')) ? true : undefined));
    assert.equal((await s.client.messages.create({ to: phone, from: SHOP, body: 'still here' })).status, 'queued');
  }
  const phone = '+15558673000';
  await text(phone, SHOP, 'STOP PLEASE');
  await eventually(async () => ((await s.client.messages.list({ from: phone, to: SHOP })).length > 0 ? true : undefined));
  assert.equal((await s.client.messages.create({ to: phone, from: SHOP, body: 'not opted out' })).status, 'queued');
});
