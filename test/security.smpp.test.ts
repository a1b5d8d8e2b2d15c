// Issue 21 item 7: a concatenation flood from an SMSC. Parts of sets that never complete arrive over a real
// bind; what MO reassembly holds stays under the carrier's set and byte bounds, the evictions show in
// /metrics, the flood produces no inbound messages, a complete set still arrives as one message, and an
// expired set becomes one message (or none with moIncompleteSets: drop), never one per part.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Tag } from '../src/messaging/carriers/smpp/constants.js';
import { ConcatReassembler } from '../src/messaging/carriers/smpp/inbound.js';
import type { InboundPart } from '../src/messaging/carriers/smpp/inbound.js';
import { TestSmsc } from '../src/messaging/carriers/smpp/test-support/smsc.js';
import { tlv } from '../src/messaging/carriers/smpp/tlv.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

const SHOP = '+15017122661';
const MAX_SETS = 40;
const MAX_BYTES = 65_536;
const dir = mkdtempSync(join(tmpdir(), 'sb-sec-smpp-'));
const smscs: Record<string, TestSmsc> = {};
let s: TestServer;
let app: FakeApp;

/** A UDH with a 16-bit reference: `06 08 04 ref ref total seq`. */
const udh16 = (ref: number, total: number, seq: number) => Buffer.from([6, 8, 4, ref >> 8, ref & 0xff, total, seq]);

function part(smsc: TestSmsc, from: string, ref: number, total: number, seq: number, text: string, inPayload = false) {
  const data = Buffer.concat([udh16(ref, total, seq), Buffer.from(text, 'latin1')]);
  return smsc.sendMo({
    from,
    to: SHOP.slice(1),
    dataCoding: 3,
    esmClass: 0x40,
    ...(inPayload ? { tlvs: [tlv.octets(Tag.message_payload, data)] } : { shortMessage: data }),
  });
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const smsFrom = (from: string) => app.received.filter((r) => r.path === '/sms' && r.params.From === `+${from}`);

before(async () => {
  for (const name of ['flood', 'slow', 'dropper']) {
    smscs[name] = new TestSmsc({ systemId: 'sb', password: 'pw' });
    await smscs[name].start();
  }
  const base = (name: string, extra: Record<string, unknown>) => ({
    name,
    host: '127.0.0.1',
    port: smscs[name]!.port,
    systemId: 'sb',
    password: 'pw',
    enquireLinkSeconds: 0,
    ...extra,
    routes: { prefixes: [name === 'flood' ? '+44' : name === 'slow' ? '+33' : '+49'], senders: [] },
  });
  const file = join(dir, 'carriers.json');
  writeFileSync(
    file,
    JSON.stringify({
      carriers: [
        base('flood', { moReassemblyMaxSets: MAX_SETS, moReassemblyMaxBytes: MAX_BYTES }),
        base('slow', { moReassemblyTimeoutSeconds: 1 }),
        base('dropper', { moReassemblyTimeoutSeconds: 1, moIncompleteSets: 'drop' }),
      ],
    }),
  );
  s = await startTestServer({ carriersFile: file, mpsLongCode: 1000 });
  app = await new FakeApp().start();
  await s.client.incomingPhoneNumbers.create({ phoneNumber: SHOP, smsUrl: `${app.base}/sms` });
  for (const name of Object.keys(smscs)) {
    await eventually(async () => ((await (await s.fetch(`/switchboard/v1/Carriers/${name}`)).json()) as { health: { up: boolean } }).health.up || undefined);
  }
});
after(async () => {
  await s?.close();
  await app?.stop();
  for (const x of Object.values(smscs)) await x.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a flood of never-completing sets stays under the carrier bounds, is counted, and delivers nothing; a complete set still arrives whole', async () => {
  const smsc = smscs.flood!;
  const attacker = '447700900666';
  const labels = 'carrier="flood",kind=';
  let maxSeen = { sets: 0, bytes: 0 };
  // 600 small sets (part 1 of 3 each), then 60 parts of 3000 characters in message_payload (the byte bound).
  for (let i = 0; i < 660; i++) {
    const big = i >= 600;
    const resp = await part(smsc, attacker, i, 3, 1, big ? 'B'.repeat(3000) : `flood ${i}`, big);
    assert.equal(resp?.status, 0, 'each part is acknowledged: the SMSC has no reason to resend it');
    if (i % 60 === 59) {
      const sets = await metric('switchboard_carrier_mo_reassembly_pending', `${labels}"sets"`);
      const bytes = await metric('switchboard_carrier_mo_reassembly_pending', `${labels}"bytes"`);
      maxSeen = { sets: Math.max(maxSeen.sets, sets), bytes: Math.max(maxSeen.bytes, bytes) };
      assert.ok(sets > 0 && sets <= MAX_SETS, `held sets ${sets} within ${MAX_SETS}`);
      assert.ok(bytes > 0 && bytes <= MAX_BYTES, `held bytes ${bytes} within ${MAX_BYTES}`);
    }
  }
  // The byte bound, not the set bound, limits the large parts: ~15 of them fit in 64 KiB.
  assert.ok((await metric('switchboard_carrier_mo_reassembly_pending', `${labels}"sets"`)) < 20);
  assert.ok(maxSeen.sets === MAX_SETS, `the set bound was reached (${maxSeen.sets})`);
  const evicted = await metric('switchboard_carrier_mo_reassembly_total', 'carrier="flood",outcome="evicted"');
  assert.ok(evicted >= 660 - 20, `evictions counted (${evicted})`);
  assert.ok((await metric('switchboard_carrier_mo_reassembly_dropped_total', 'carrier="flood",unit="parts"')) >= 640);
  assert.ok((await metric('switchboard_carrier_mo_reassembly_dropped_total', 'carrier="flood",unit="bytes"')) > 40 * 6000);

  // A real long message after the flood: three parts out of order, one inbound message with the whole text.
  const friend = '447700900123';
  const texts = ['first part, ', 'second part, ', 'third part.'];
  for (const seq of [2, 3, 1]) assert.equal((await part(smsc, friend, 777, 3, seq, texts[seq - 1]!))?.status, 0);
  const mo = await app.waitFor((r) => r.path === '/sms' && r.params.From === `+${friend}`);
  assert.equal(mo.params.Body, texts.join(''));
  assert.equal(smsFrom(friend).length, 1);
  // The flood was handled before the complete set (one connection, in order): none of it reached the app.
  assert.equal(smsFrom(attacker).length, 0, 'evicted sets are dropped, not turned into inbound messages');
  assert.equal(await metric('switchboard_carrier_events_total', 'carrier="flood",kind="inbound"'), 1);
});

test('an expired incomplete set is one inbound message of the parts that arrived, not one per part; policy drop delivers none', async () => {
  const sender = '33612345678';
  for (const seq of [1, 2, 4]) assert.equal((await part(smscs.slow!, sender, 9, 5, seq, `p${seq} `))?.status, 0);
  const mo = await app.waitFor((r) => r.path === '/sms' && r.params.From === `+${sender}`, 10_000);
  assert.equal(mo.params.Body, 'p1 p2 p4 ');
  assert.equal(await metric('switchboard_carrier_mo_reassembly_total', 'carrier="slow",outcome="expired"'), 1);
  assert.equal(await metric('switchboard_carrier_mo_reassembly_pending', 'carrier="slow",kind="sets"'), 0);

  const quiet = '4915112345678';
  for (const seq of [1, 2]) assert.equal((await part(smscs.dropper!, quiet, 10, 3, seq, `q${seq}`))?.status, 0);
  await eventually(async () => (await metric('switchboard_carrier_mo_reassembly_total', 'carrier="dropper",outcome="expired"')) === 1 || undefined);
  assert.equal(await metric('switchboard_carrier_mo_reassembly_dropped_total', 'carrier="dropper",unit="parts"'), 2);
  assert.equal(smsFrom(quiet).length, 0);
  // Exactly one message for the slow carrier's set, however long we looked.
  assert.equal(smsFrom(sender).length, 1);
});

test('reassembler bounds: activity order, a set that outgrows the byte budget alone, a part larger than the budget', () => {
  const r = new ConcatReassembler({ maxSets: 3, maxBytes: 2000, onExpired: () => assert.fail('nothing expires here') });
  const p = (ref: number, seq: number, text: string, total = 3): InboundPart => ({
    from: '1',
    to: '2',
    dataCoding: 0,
    text,
    payload: Buffer.alloc(0),
    concat: { ref, total, seq, via: 'udh8' },
  });
  for (const ref of [1, 2, 3]) assert.equal(r.add(p(ref, 1, 'x')), null);
  assert.equal(r.add(p(1, 2, 'y')), null, 'set 1 is now the most recently active');
  assert.equal(r.add(p(4, 1, 'z')), null, 'set 2, the stalest, makes room');
  assert.deepEqual([r.stats.pendingSets, r.stats.evicted, r.stats.droppedParts], [3, 1, 1]);
  assert.equal(r.add(p(1, 3, 'w'))?.message.text, 'xyw', 'the active set survived and completes');
  // 600 characters = 1296 estimated bytes: two such parts of one set cannot fit in 2000, so the set goes.
  assert.equal(r.add(p(9, 1, 'a'.repeat(600), 2)), null);
  assert.equal(r.add(p(9, 2, 'b'.repeat(600), 2)), null);
  assert.ok(r.stats.pendingBytes <= 2000 && r.stats.pendingSets === 0, JSON.stringify(r.stats));
  assert.equal(r.add(p(10, 1, 'c'.repeat(1000))), null);
  assert.deepEqual([r.stats.oversized, r.stats.pendingSets], [1, 0]);
  r.clear();
});
