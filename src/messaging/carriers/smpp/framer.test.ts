import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePdu } from './codec.js';
import { PduFramer } from './framer.js';
import { shortMessageDefaults } from './pdu.js';

const frames = [
  encodePdu({ command: 'enquire_link', status: 0, sequence: 1 }),
  encodePdu({ command: 'submit_sm', status: 0, sequence: 2, ...shortMessageDefaults(), destinationAddr: '123', shortMessage: Buffer.alloc(200, 0x41) }),
  encodePdu({ command: 'submit_sm_resp', status: 0, sequence: 2, messageId: 'abc', tlvs: [] }),
];
const stream = Buffer.concat(frames);

test('coalesced PDUs in one chunk come out as separate frames', () => {
  const out = new PduFramer().push(stream);
  assert.equal(out.error, undefined);
  assert.deepEqual(
    out.frames.map((f) => f.toString('hex')),
    frames.map((f) => f.toString('hex')),
  );
});

test('every split of the stream into two chunks, and byte-by-byte, yields the same frames', () => {
  for (let cut = 0; cut <= stream.length; cut++) {
    const framer = new PduFramer();
    const got = [...framer.push(stream.subarray(0, cut)).frames, ...framer.push(stream.subarray(cut)).frames];
    assert.deepEqual(
      got.map((f) => f.toString('hex')),
      frames.map((f) => f.toString('hex')),
      `cut at ${cut}`,
    );
    assert.equal(framer.buffered, 0);
  }
  const framer = new PduFramer();
  const got: Buffer[] = [];
  for (const byte of stream) got.push(...framer.push(Buffer.from([byte])).frames);
  assert.equal(got.length, 3);
});

test('an absurd command_length is refused as soon as 4 octets arrive, with the sequence when known', () => {
  const f1 = new PduFramer(1000);
  const r1 = f1.push(Buffer.from('ffffffff', 'hex'));
  assert.deepEqual(r1.error, { commandLength: 0xffffffff, sequence: 0 });
  assert.deepEqual(f1.push(stream).frames, [], 'nothing after a framing error');
  const r2 = new PduFramer(1000).push(Buffer.concat([frames[0] ?? Buffer.alloc(0), Buffer.from('0000000300000015000000000000002a', 'hex')]));
  assert.equal(r2.frames.length, 1, 'frames before the bad one are kept');
  assert.deepEqual(r2.error, { commandLength: 3, sequence: 42 });
  const r3 = new PduFramer(1000).push(Buffer.from('000003e9000000040000000000000001', 'hex'));
  assert.equal(r3.error?.commandLength, 1001);
});
