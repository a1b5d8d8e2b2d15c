// Fuzzing the PDU decoder, the framer and a live connection with random and mutated bytes (seeded,
// bounded counts): nothing may throw anything but PduDecodeError, and nothing may crash the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { CommandId, Tag } from './constants.js';
import { PduDecodeError, decodePdu, encodePdu } from './codec.js';
import { SmppConnection } from './connection.js';
import { PduFramer } from './framer.js';
import type { Pdu } from './pdu.js';
import { shortMessageDefaults } from './pdu.js';
import { tlv } from './tlv.js';
import { seededRandom as rng } from '../../../core/random.js';

const COMMAND_IDS = Object.values(CommandId);

const seeds: Pdu[] = [
  {
    command: 'bind_transceiver',
    status: 0,
    sequence: 1,
    systemId: 'esme',
    password: 'pw',
    systemType: '',
    interfaceVersion: 0x34,
    addrTon: 0,
    addrNpi: 0,
    addressRange: '',
  },
  {
    command: 'submit_sm',
    status: 0,
    sequence: 2,
    ...shortMessageDefaults(),
    sourceAddr: '1555',
    destinationAddr: '1666',
    esmClass: 0x40,
    shortMessage: Buffer.from([5, 0, 3, 1, 2, 1, 65, 66]),
    tlvs: [tlv.u16(Tag.sar_msg_ref_num, 1)],
  },
  {
    command: 'deliver_sm',
    status: 0,
    sequence: 3,
    ...shortMessageDefaults(),
    esmClass: 4,
    shortMessage: Buffer.from('id:1 stat:DELIVRD err:000'),
    tlvs: [tlv.cstring(Tag.receipted_message_id, '1'), tlv.u8(Tag.message_state, 2)],
  },
  { command: 'submit_sm_resp', status: 0, sequence: 4, messageId: 'ab', tlvs: [] },
  {
    command: 'data_sm',
    status: 0,
    sequence: 5,
    serviceType: '',
    sourceAddrTon: 0,
    sourceAddrNpi: 0,
    sourceAddr: 'x',
    destAddrTon: 0,
    destAddrNpi: 0,
    destinationAddr: 'y',
    esmClass: 0,
    registeredDelivery: 0,
    dataCoding: 8,
    tlvs: [tlv.octets(Tag.message_payload, Buffer.from('0041', 'hex'))],
  },
  { command: 'enquire_link', status: 0, sequence: 6 },
];

function randomBytes(next: () => number, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
}

function mutate(next: () => number, frame: Buffer): Buffer {
  const b = Buffer.from(frame);
  const kind = Math.floor(next() * 4);
  if (kind === 0) {
    for (let i = 0; i < 1 + Math.floor(next() * 4); i++) b[Math.floor(next() * b.length)] = Math.floor(next() * 256);
    return b;
  }
  if (kind === 1) return b.subarray(0, Math.floor(next() * b.length));
  if (kind === 2) return Buffer.concat([b, randomBytes(next, 1 + Math.floor(next() * 20))]);
  // Keep the header honest so the body decoder is reached.
  const body = randomBytes(next, Math.floor(next() * 80));
  const out = Buffer.concat([b.subarray(0, 16), body]);
  out.writeUInt32BE(out.length, 0);
  return out;
}

function checkDecode(frame: Buffer): void {
  let pdu: Pdu;
  try {
    pdu = decodePdu(frame);
  } catch (err) {
    assert.ok(err instanceof PduDecodeError, `unexpected ${String(err)} for ${frame.toString('hex')}`);
    return;
  }
  // Whatever decoded must encode again and be stable from then on.
  const once = decodePdu(encodePdu(pdu));
  assert.deepEqual(decodePdu(encodePdu(once)), once);
}

test('decoder: 20000 random and mutated frames throw only PduDecodeError', () => {
  const next = rng(7);
  for (let i = 0; i < 20000; i++) {
    let frame: Buffer;
    if (i % 3 === 0) {
      const body = randomBytes(next, Math.floor(next() * 120));
      frame = Buffer.concat([Buffer.alloc(16), body]);
      frame.writeUInt32BE(frame.length, 0);
      frame.writeUInt32BE(COMMAND_IDS[Math.floor(next() * COMMAND_IDS.length)] ?? 0, 4);
      frame.writeUInt32BE(Math.floor(next() * 0xffffffff), 12);
    } else {
      frame = mutate(next, encodePdu(seeds[Math.floor(next() * seeds.length)] ?? { command: 'unbind', status: 0, sequence: 1 }));
    }
    checkDecode(frame);
  }
});

test('framer: random and mostly-valid streams in random chunks never throw or over-buffer', () => {
  const next = rng(11);
  let frames = 0;
  for (let run = 0; run < 500; run++) {
    // Half the runs: frames (some mutated) back to back; the other half: pure noise.
    const stream =
      run % 2 === 0
        ? Buffer.concat(
            Array.from({ length: 10 }, () => {
              const f = encodePdu(seeds[Math.floor(next() * seeds.length)] ?? { command: 'unbind', status: 0, sequence: 1 });
              return next() < 0.2 ? mutate(next, f) : f;
            }),
          )
        : randomBytes(next, 400);
    const framer = new PduFramer(4096);
    for (let at = 0; at < stream.length; ) {
      const n = 1 + Math.floor(next() * 64);
      const out = framer.push(stream.subarray(at, at + n));
      at += n;
      for (const f of out.frames) {
        frames++;
        assert.ok(f.length >= 16 && f.length <= 4096);
        checkDecode(f);
      }
      assert.ok(framer.buffered <= 4096);
      if (out.error) break;
    }
  }
  assert.ok(frames > 1000, `only ${frames} frames reached the decoder`);
});

test('live connection: 60 streams of mutated PDUs never crash it; it answers or closes', async () => {
  const next = rng(23);
  let closes = 0;
  let requests = 0;
  const server = net.createServer((socket) => {
    const conn = new SmppConnection(socket, {
      onRequest: (pdu, c) => {
        requests++;
        c.send({ command: 'generic_nack', status: 3, sequence: pdu.sequence });
      },
      onClose: () => closes++,
      onWarning: () => undefined,
    });
    void conn;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  try {
    for (let i = 0; i < 60; i++) {
      const chunks = Array.from({ length: 8 }, () => mutate(next, encodePdu(seeds[Math.floor(next() * seeds.length)] ?? seeds[0]!)));
      await new Promise<void>((resolve) => {
        const client = net.connect(port, '127.0.0.1', () => {
          for (const c of chunks) client.write(c);
          client.end();
        });
        client.on('data', () => undefined);
        client.on('error', () => resolve());
        client.on('close', () => resolve());
      });
    }
    // Each server-side connection closes once the client is gone.
    for (let i = 0; i < 100 && closes < 60; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(closes, 60);
    assert.ok(requests > 0);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
