import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Status, Tag } from './constants.js';
import { PduDecodeError, decodePdu, encodePdu } from './codec.js';
import type { Pdu } from './pdu.js';
import { shortMessageDefaults } from './pdu.js';
import { tlv, tlvCString, tlvNetworkError, tlvU16, tlvU8 } from './tlv.js';

const samples: Pdu[] = [
  {
    command: 'bind_transceiver',
    status: 0,
    sequence: 1,
    systemId: 'esme',
    password: 'secret',
    systemType: 'SB',
    interfaceVersion: 0x34,
    addrTon: 1,
    addrNpi: 1,
    addressRange: '',
  },
  {
    command: 'bind_transmitter',
    status: 0,
    sequence: 2,
    systemId: 'a'.repeat(15),
    password: 'p'.repeat(8),
    systemType: '',
    interfaceVersion: 0x34,
    addrTon: 0,
    addrNpi: 0,
    addressRange: '^1555',
  },
  {
    command: 'bind_receiver',
    status: 0,
    sequence: 3,
    systemId: 'r',
    password: '',
    systemType: '',
    interfaceVersion: 0x34,
    addrTon: 0,
    addrNpi: 0,
    addressRange: '',
  },
  { command: 'bind_transceiver_resp', status: 0, sequence: 1, systemId: 'SMSC', tlvs: [tlv.u8(Tag.sc_interface_version, 0x34)] },
  { command: 'bind_receiver_resp', status: Status.ESME_RINVPASWD, sequence: 3, systemId: '', tlvs: [] },
  {
    command: 'submit_sm',
    status: 0,
    sequence: 0x7fffffff,
    ...shortMessageDefaults(),
    sourceAddr: '15550001111',
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    destinationAddr: '15550002222',
    esmClass: 0x40,
    registeredDelivery: 1,
    dataCoding: 8,
    validityPeriod: '000000010000000R',
    shortMessage: Buffer.from([5, 0, 3, 7, 2, 1, 0, 0x41]),
    tlvs: [tlv.u16(Tag.sar_msg_ref_num, 513), tlv.octets(Tag.message_payload, Buffer.alloc(300, 1))],
  },
  {
    command: 'deliver_sm',
    status: 0,
    sequence: 9,
    ...shortMessageDefaults(),
    sourceAddr: '1',
    destinationAddr: '2',
    esmClass: 4,
    shortMessage: Buffer.from('id:1 stat:DELIVRD'),
  },
  { command: 'submit_sm_resp', status: 0, sequence: 4, messageId: 'abc123', tlvs: [] },
  { command: 'submit_sm_resp', status: Status.ESME_RTHROTTLED, sequence: 5, messageId: '', tlvs: [] },
  { command: 'deliver_sm_resp', status: 0, sequence: 9, messageId: '', tlvs: [] },
  {
    command: 'data_sm',
    status: 0,
    sequence: 10,
    serviceType: '',
    sourceAddrTon: 5,
    sourceAddrNpi: 0,
    sourceAddr: 'Brand',
    destAddrTon: 1,
    destAddrNpi: 1,
    destinationAddr: '1'.repeat(64),
    esmClass: 0,
    registeredDelivery: 1,
    dataCoding: 0,
    tlvs: [tlv.octets(Tag.message_payload, Buffer.from('hi'))],
  },
  { command: 'data_sm_resp', status: 0, sequence: 10, messageId: 'x', tlvs: [] },
  { command: 'enquire_link', status: 0, sequence: 11 },
  { command: 'enquire_link_resp', status: 0, sequence: 11 },
  { command: 'unbind', status: 0, sequence: 12 },
  { command: 'unbind_resp', status: 0, sequence: 12 },
  { command: 'generic_nack', status: Status.ESME_RINVCMDID, sequence: 13 },
];

for (const pdu of samples) {
  test(`round trip: ${pdu.command} #${pdu.sequence}`, () => {
    const bytes = encodePdu(pdu);
    assert.equal(bytes.readUInt32BE(0), bytes.length);
    assert.deepEqual(decodePdu(bytes), pdu);
  });
}

test('enquire_link is exactly the 16-octet header', () => {
  assert.equal(encodePdu({ command: 'enquire_link', status: 0, sequence: 1 }).toString('hex'), '00000010000000150000000000000001');
});

test('submit_sm wire layout field by field', () => {
  const bytes = encodePdu({
    command: 'submit_sm',
    status: 0,
    sequence: 2,
    ...shortMessageDefaults(),
    sourceAddr: '1',
    destinationAddr: '2',
    registeredDelivery: 1,
    dataCoding: 0,
    shortMessage: Buffer.from('Hi'),
  });
  const body =
    '00' + // service_type ""
    '0000' +
    '3100' + // source ton npi "1"
    '0000' +
    '3200' + // dest ton npi "2"
    '00' +
    '00' +
    '00' + // esm_class protocol_id priority
    '00' +
    '00' + // schedule, validity
    '01' +
    '00' +
    '00' +
    '00' + // registered_delivery replace data_coding default_msg_id
    '02' +
    '4869'; // sm_length short_message
  assert.equal(bytes.subarray(16).toString('hex'), body);
  assert.equal(bytes.readUInt32BE(4), 4);
});

test('error responses may have no body and decode with an empty id', () => {
  const bytes = encodePdu({ command: 'submit_sm_resp', status: Status.ESME_RTHROTTLED, sequence: 5, messageId: '', tlvs: [] });
  assert.equal(bytes.length, 16);
  const pdu = decodePdu(bytes);
  assert.equal(pdu.command, 'submit_sm_resp');
  assert.equal(pdu.status, Status.ESME_RTHROTTLED);
});

test('encoding refuses over-long C-octet strings and short_message', () => {
  const base = { command: 'submit_sm' as const, status: 0, sequence: 1, ...shortMessageDefaults() };
  assert.throws(() => encodePdu({ ...base, destinationAddr: '1'.repeat(21) }), RangeError);
  assert.throws(() => encodePdu({ ...base, shortMessage: Buffer.alloc(255) }), RangeError);
  assert.doesNotThrow(() => encodePdu({ ...base, destinationAddr: '1'.repeat(20), shortMessage: Buffer.alloc(254) }));
  assert.throws(
    () =>
      encodePdu({
        command: 'bind_transceiver',
        status: 0,
        sequence: 1,
        systemId: 'x'.repeat(16),
        password: '',
        systemType: '',
        interfaceVersion: 0x34,
        addrTon: 0,
        addrNpi: 0,
        addressRange: '',
      }),
    RangeError,
  );
});

function decodeError(bytes: Buffer): PduDecodeError {
  try {
    decodePdu(bytes);
  } catch (err) {
    assert.ok(err instanceof PduDecodeError);
    return err;
  }
  assert.fail('expected a decode error');
}

test('decoding errors carry the status to answer with', () => {
  const good = encodePdu({ command: 'submit_sm', status: 0, sequence: 7, ...shortMessageDefaults(), destinationAddr: '123', shortMessage: Buffer.from('abc') });
  // Cut inside short_message, fix command_length: the sm_length points past the end.
  const cut = Buffer.from(good.subarray(0, good.length - 1));
  cut.writeUInt32BE(cut.length, 0);
  assert.equal(decodeError(cut).status, Status.ESME_RINVMSGLEN);
  assert.equal(decodeError(cut).sequence, 7);
  const unknown = Buffer.from('00000010000000ff0000000000000003', 'hex');
  assert.equal(decodeError(unknown).status, Status.ESME_RINVCMDID);
  // destination_addr with no NUL within 21 octets.
  const noNul = encodePdu({ command: 'submit_sm', status: 0, sequence: 1, ...shortMessageDefaults(), destinationAddr: '1'.repeat(20) });
  const idx = noNul.indexOf(Buffer.from('1'.repeat(20)));
  noNul[idx + 20] = 0x31;
  assert.equal(decodeError(noNul).status, Status.ESME_RINVDSTADR);
  const badLen = Buffer.from('00000011000000150000000000000001', 'hex');
  assert.equal(decodeError(badLen).status, Status.ESME_RINVCMDLEN);
  const truncatedTlv = Buffer.concat([
    encodePdu({ command: 'submit_sm_resp', status: 0, sequence: 1, messageId: 'a', tlvs: [] }),
    Buffer.from([0x04, 0x24, 0x00, 0x05, 0x01]),
  ]);
  truncatedTlv.writeUInt32BE(truncatedTlv.length, 0);
  assert.equal(decodeError(truncatedTlv).status, Status.ESME_RINVOPTPARSTREAM);
});

test('TLV readers: receipted_message_id, message_state, network_error_code', () => {
  const tlvs = [
    tlv.cstring(Tag.receipted_message_id, 'ABC'),
    tlv.u8(Tag.message_state, 2),
    tlv.octets(Tag.network_error_code, Buffer.from([3, 0, 27])),
    tlv.u16(Tag.sar_msg_ref_num, 300),
    { tag: Tag.destination_port, value: Buffer.from([1]) },
  ];
  assert.equal(tlvCString(tlvs, Tag.receipted_message_id), 'ABC');
  assert.equal(tlvU8(tlvs, Tag.message_state), 2);
  assert.deepEqual(tlvNetworkError(tlvs, Tag.network_error_code), { networkType: 3, errorCode: 27 });
  assert.equal(tlvU16(tlvs, Tag.sar_msg_ref_num), 300);
  assert.equal(tlvU16(tlvs, Tag.destination_port), undefined, 'wrong length reads as absent');
  assert.equal(tlvCString([{ tag: 1, value: Buffer.from('NoNul') }], 1), 'NoNul');
});
