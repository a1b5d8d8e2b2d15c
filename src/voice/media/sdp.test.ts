import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnswer, createOffer, parseAnswer } from './sdp.js';

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

// What SIPp's uac scenario offers.
const SIPP = crlf(`v=0
o=user1 53655765 2353687637 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 6000 RTP/AVP 0
a=rtpmap:0 PCMU/8000
`);

// A softphone offer: opus first, G.711 later, dynamic telephone-event, media-level c=, video too.
const PHONE = crlf(`v=0
o=- 1234 5678 IN IP4 192.0.2.10
s=phone
c=IN IP4 192.0.2.10
t=0 0
m=audio 40000 RTP/AVP 96 8 0 97
c=IN IP4 198.51.100.7
a=rtpmap:96 opus/48000/2
a=rtpmap:8 PCMA/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:97 telephone-event/8000
a=fmtp:97 0-16
a=ptime:20
a=sendonly
m=video 40002 RTP/AVP 100
a=rtpmap:100 VP8/90000
`);

test('offers PCMU, PCMA and telephone-event 101', () => {
  const offer = createOffer({ address: '127.0.0.1', port: 30000, sessionId: '42', sessionVersion: 3 });
  assert.match(offer, /^v=0\r\n/);
  assert.match(offer, /o=- 42 3 IN IP4 127.0.0.1/);
  assert.match(offer, /m=audio 30000 RTP\/AVP 0 8 101\r\n/);
  assert.match(offer, /a=rtpmap:101 telephone-event\/8000/);
  assert.match(offer, /a=fmtp:101 0-16/);
  assert.match(offer, /a=sendrecv/);
  assert.doesNotMatch(createOffer({ address: '::1', port: 1, dtmf: false, codecs: ['PCMA'] }), /telephone-event/);
  assert.match(createOffer({ address: '::1', port: 1 }), /c=IN IP6 ::1/);
});

test('answers SIPp with PCMU and no DTMF', () => {
  const r = createAnswer(SIPP, { address: '127.0.0.1', port: 30000 });
  assert.ok(r.ok);
  assert.deepEqual(r.media, {
    remoteAddress: '127.0.0.1',
    remotePort: 6000,
    codec: 'PCMU',
    payloadType: 0,
    dtmfPayloadType: null,
    direction: 'sendrecv',
    ptime: null,
  });
  assert.match(r.sdp, /m=audio 30000 RTP\/AVP 0\r\n/);
  assert.doesNotMatch(r.sdp, /telephone-event/);
});

test('answers a softphone in its order, echoes its DTMF payload type, mirrors direction, rejects video', () => {
  const r = createAnswer(PHONE, { address: '127.0.0.1', port: 30000 });
  assert.ok(r.ok);
  assert.equal(r.media.codec, 'PCMA');
  assert.equal(r.media.dtmfPayloadType, 97);
  assert.equal(r.media.remoteAddress, '198.51.100.7', 'media-level c= wins');
  assert.equal(r.media.direction, 'sendonly');
  assert.match(r.sdp, /m=audio 30000 RTP\/AVP 8 97\r\n/);
  assert.match(r.sdp, /a=recvonly/);
  assert.match(r.sdp, /m=video 0 RTP\/AVP 100/);
  assert.equal(r.sdp.match(/^m=/gm)?.length, 2, 'same number of m-lines as the offer');
  const pcmuOnly = createAnswer(PHONE, { address: '127.0.0.1', port: 30000, codecs: ['PCMU'] });
  assert.ok(pcmuOnly.ok && pcmuOnly.media.codec === 'PCMU');
});

test('answer failures are reported, not thrown', () => {
  assert.deepEqual(createAnswer('garbage', { address: '127.0.0.1', port: 1 }), { ok: false, reason: 'malformed' });
  assert.deepEqual(createAnswer(SIPP.replace('RTP/AVP 0', 'RTP/AVP 18').replace('0 PCMU', '18 G729'), { address: '127.0.0.1', port: 1 }), {
    ok: false,
    reason: 'no-common-codec',
  });
  assert.deepEqual(createAnswer(SIPP.replace('m=audio 6000', 'm=audio 0'), { address: '127.0.0.1', port: 1 }), { ok: false, reason: 'no-audio' });
  assert.deepEqual(createAnswer(crlf('v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\n'), { address: '127.0.0.1', port: 1 }), { ok: false, reason: 'no-audio' });
});

test('parses the answer to our offer', () => {
  const answer = createAnswer(createOffer({ address: '127.0.0.1', port: 30000 }), { address: '10.0.0.1', port: 40000, codecs: ['PCMA'] });
  assert.ok(answer.ok);
  const m = parseAnswer(answer.sdp);
  assert.deepEqual(m, { remoteAddress: '10.0.0.1', remotePort: 40000, codec: 'PCMA', payloadType: 8, dtmfPayloadType: 101, direction: 'sendrecv', ptime: 20 });
  assert.equal(parseAnswer('nope'), null);
});
