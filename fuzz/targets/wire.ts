/**
 * Binary and line protocols off the network: SIP over UDP (one datagram) and TCP (stream framing by
 * Content-Length), RTP, SMPP PDUs and SMPP stream framing. These parsers document that they never throw
 * (SIP, RTP: a result or an error value) or throw only their own error (SMPP: PduDecodeError).
 */
import { CommandId, Tag } from '../../src/messaging/carriers/smpp/constants.js';
import { PduDecodeError, decodePdu, encodePdu } from '../../src/messaging/carriers/smpp/codec.js';
import { PduFramer } from '../../src/messaging/carriers/smpp/framer.js';
import { decodeInbound } from '../../src/messaging/carriers/smpp/inbound.js';
import type { Pdu } from '../../src/messaging/carriers/smpp/pdu.js';
import { shortMessageDefaults } from '../../src/messaging/carriers/smpp/pdu.js';
import { tlv } from '../../src/messaging/carriers/smpp/tlv.js';
import { MAX_MESSAGE_BYTES, parseMessage } from '../../src/voice/sip/parser.js';
import { TcpFramer } from '../../src/voice/sip/tcp-framer.js';
import { createRtpHeader, encodeRtp, parseRtp } from '../../src/voice/media/rtp.js';
import type { Rng, Target } from '../engine.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const int = (r: Rng, n: number) => Math.floor(r() * n);

const SDP =
  'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n';
const HEAD = (start: string, method: string, extra = '') =>
  `${start}\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;rport\r\nMax-Forwards: 70\r\n` +
  `From: "Alice" <sip:alice@example.com>;tag=1928301774\r\nTo: <sip:+15551230000@127.0.0.1>\r\n` +
  `Call-ID: a84b4c76e66710@pc33.example.com\r\nCSeq: 314159 ${method}\r\nContact: <sip:alice@10.0.0.1:5060>\r\n${extra}`;
const SIP_SEEDS = [
  HEAD('INVITE sip:+15551230000@127.0.0.1 SIP/2.0', 'INVITE', `Content-Type: application/sdp\r\nContent-Length: ${SDP.length}\r\n\r\n`) + SDP,
  HEAD(
    'REGISTER sip:127.0.0.1 SIP/2.0',
    'REGISTER',
    'Expires: 3600\r\nAuthorization: Digest username="u", realm="r", nonce="n", uri="sip:127.0.0.1", response="0123456789abcdef0123456789abcdef"\r\nContent-Length: 0\r\n\r\n',
  ),
  HEAD(
    'SIP/2.0 200 OK',
    'INVITE',
    `Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\nContent-Type: application/sdp\r\nContent-Length: ${SDP.length}\r\n\r\n`,
  ) + SDP,
  HEAD('BYE sip:+15551230000@127.0.0.1 SIP/2.0', 'BYE', 'Route: <sip:127.0.0.1;lr>\r\nl: 0\r\n\r\n'),
  HEAD('INFO sip:x@127.0.0.1 SIP/2.0', 'INFO', 'Content-Type: application/dtmf-relay\r\nContent-Length: 24\r\n\r\nSignal=5\r\nDuration=160\r\n'),
  'OPTIONS sip:127.0.0.1 SIP/2.0\nv: SIP/2.0/TCP h;branch=z9hG4bKx\nf: <sip:a@b>;tag=x\nt: <sip:c@d>\ni: id\nCSeq: 1 OPTIONS\n\n',
].map(b);
const SIP_DICT = [
  '\r\n',
  '\r\n\r\n',
  '\n',
  ':',
  ';',
  ',',
  '<',
  '>',
  '"',
  '\\',
  ' ',
  '\t',
  '\r\n ',
  'Content-Length: ',
  'l: 99999',
  'CSeq: ',
  'Via: ',
  'SIP/2.0',
  ';branch=',
  ';tag=',
  '%00',
  '\0',
  'sip:',
  'sips:',
  'tel:',
];

const tooBig = (m: Buffer) => m.length > MAX_MESSAGE_BYTES;

export const sipUdp: Target = {
  name: 'sip-udp',
  seeds: SIP_SEEDS,
  maxLength: MAX_MESSAGE_BYTES + 64,
  dictionary: SIP_DICT,
  run(input) {
    const res = parseMessage(input);
    // parseMessage catches its own exceptions and reports them as "parser failure": that is a bug found.
    if (!res.ok && res.error.startsWith('parser failure')) return res.error.replace(/\d+/g, 'N').slice(0, 120);
    return null;
  },
};

export const sipTcp: Target = {
  name: 'sip-tcp',
  // Streams of one to three messages, so framing boundaries get mutated too.
  seeds: [...SIP_SEEDS, Buffer.concat([SIP_SEEDS[1]!, b('\r\n\r\n'), SIP_SEEDS[0]!, SIP_SEEDS[3]!])],
  maxLength: 3 * MAX_MESSAGE_BYTES,
  dictionary: SIP_DICT,
  run(input, r) {
    const framer = new TcpFramer();
    let taken = 0;
    for (let at = 0; at < input.length; ) {
      const n = 1 + int(r, 1 + (r() < 0.5 ? 32 : input.length));
      const out = framer.push(input.subarray(at, at + n));
      at += n;
      for (const m of out.messages) {
        taken += m.length;
        if (tooBig(m)) return 'framed a message over MAX_MESSAGE_BYTES';
        const res = parseMessage(m, { stream: true });
        if (!res.ok && res.error.startsWith('parser failure')) return res.error.replace(/\d+/g, 'N').slice(0, 120);
      }
      if (out.error !== undefined) break;
    }
    if (taken > input.length) return 'framed more bytes than arrived';
    return null;
  },
};

const RTP_SEEDS = [
  encodeRtp({ payloadType: 0, sequence: 1, timestamp: 160, ssrc: 0x1234, payload: Buffer.alloc(160, 0xff) }),
  encodeRtp({ marker: true, payloadType: 101, sequence: 65535, timestamp: 0xffffffff, ssrc: 1, payload: Buffer.from([5, 0x8a, 0, 160]) }),
  // CSRCs, an extension and padding.
  Buffer.concat([
    Buffer.from([0xb2, 8, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0xbe, 0xde, 0, 1, 1, 2, 3, 4]),
    Buffer.alloc(20, 0xd5),
    Buffer.from([0, 0, 3]),
  ]),
  // RTCP sender report and receiver report sent to the RTP port (RFC 5761): rejected, never parsed as RTP.
  Buffer.from('80c8000600000001e0000000000000000000000000000000000000000000', 'hex'),
  Buffer.from('81c90007000000010000000200000000000000000000000000000000000000', 'hex'),
];

export const rtp: Target = {
  name: 'rtp',
  seeds: RTP_SEEDS,
  maxLength: 1500,
  generate(r) {
    const x = Buffer.from(Array.from({ length: int(r, 200) }, () => int(r, 256)));
    if (x.length > 0) x[0] = 0x80 | (x[0]! & 0x3f);
    return x;
  },
  run(input) {
    const out = createRtpHeader();
    if (!parseRtp(input, input.length, out)) return null;
    if (out.payloadOffset < 12 || out.payloadLength < 0 || out.payloadOffset + out.payloadLength > input.length) return 'payload outside the packet';
    if (out.payloadType >= 72 && out.payloadType <= 76) return 'RTCP accepted as RTP';
    return null;
  },
};

const SMPP_SEEDS: Pdu[] = [
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
  { command: 'bind_transceiver_resp', status: 0, sequence: 1, systemId: 'SMSC', tlvs: [tlv.u8(0x0210, 0x34)] },
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
    shortMessage: Buffer.from('id:1 sub:001 dlvrd:001 submit date:2611271600 done date:2611271601 stat:DELIVRD err:000 text:hi'),
    tlvs: [tlv.cstring(Tag.receipted_message_id, '1'), tlv.u8(Tag.message_state, 2)],
  },
  {
    command: 'deliver_sm',
    status: 0,
    sequence: 4,
    ...shortMessageDefaults(),
    esmClass: 0x40,
    dataCoding: 8,
    shortMessage: Buffer.from([6, 8, 4, 1, 2, 3, 1, 0, 0x41, 4, 0x16]),
    tlvs: [],
  },
  {
    command: 'deliver_sm',
    status: 0,
    sequence: 7,
    ...shortMessageDefaults(),
    tlvs: [
      tlv.u16(Tag.sar_msg_ref_num, 9),
      tlv.u8(Tag.sar_total_segments, 2),
      tlv.u8(Tag.sar_segment_seqnum, 1),
      tlv.octets(Tag.message_payload, Buffer.from('hello')),
    ],
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
  { command: 'generic_nack', status: 3, sequence: 8 },
];
const COMMAND_IDS = Object.values(CommandId);

/** A header that frames correctly around random body bytes, so the body decoders are reached. */
function smppFrame(r: Rng): Buffer {
  const body = Buffer.from(Array.from({ length: int(r, 120) }, () => (r() < 0.3 ? 0 : int(r, 256))));
  const head = Buffer.alloc(16);
  head.writeUInt32BE(16 + body.length, 0);
  head.writeUInt32BE(COMMAND_IDS[int(r, COMMAND_IDS.length)] ?? 0, 4);
  head.writeUInt32BE(r() < 0.8 ? 0 : int(r, 0x100), 8);
  head.writeUInt32BE(int(r, 0x7fffffff), 12);
  return Buffer.concat([head, body]);
}

/** After a successful decode, the MO decoder (UDH, sar_*, text) must not throw either. */
function afterDecode(pdu: Pdu): void {
  if (pdu.command === 'deliver_sm' || pdu.command === 'data_sm') decodeInbound(pdu, 'gsm7');
}

export const smppPdu: Target = {
  name: 'smpp-pdu',
  seeds: SMPP_SEEDS.map((p) => encodePdu(p)),
  maxLength: 70_000,
  generate: smppFrame,
  run(input) {
    try {
      afterDecode(decodePdu(input));
    } catch (err) {
      if (err instanceof PduDecodeError) return null;
      throw err;
    }
    return null;
  },
};

export const smppFramer: Target = {
  name: 'smpp-framer',
  seeds: [Buffer.concat(SMPP_SEEDS.map((p) => encodePdu(p)))],
  maxLength: 140_000,
  generate: (r) => Buffer.concat(Array.from({ length: 1 + int(r, 4) }, () => smppFrame(r))),
  run(input, r) {
    const framer = new PduFramer();
    let framed = 0;
    for (let at = 0; at < input.length; ) {
      const n = 1 + int(r, r() < 0.5 ? 20 : input.length);
      const out = framer.push(input.subarray(at, at + n));
      at += n;
      for (const f of out.frames) {
        framed += f.length;
        if (f.length < 16 || f.readUInt32BE(0) !== f.length) return 'frame length differs from command_length';
        try {
          afterDecode(decodePdu(f));
        } catch (err) {
          if (!(err instanceof PduDecodeError)) throw err;
        }
      }
      if (out.error) break;
    }
    return framed > input.length ? 'framed more bytes than arrived' : null;
  },
};
