import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from './parser.js';
import { serializeMessage, createResponse } from './serialize.js';
import { getHeader, getHeaders } from './message.js';
import type { SipRequest, SipResponse } from './message.js';
import { parseCSeq, parseNameAddr, parseVia } from './header-values.js';
import { TcpFramer } from './tcp-framer.js';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\r?\n/g, '\r\n'));

function request(buf: Buffer): SipRequest {
  const r = parseMessage(buf);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.message.type, 'request');
  return r.message as SipRequest;
}

// As SIPp's built-in uac scenario sends it.
const SIPP_INVITE = crlf(`INVITE sip:+15551230000@127.0.0.1:5060 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-4242-1-0
From: sipp <sip:sipp@127.0.0.1:5071>;tag=4242SIPpTag001
To: +15551230000 <sip:+15551230000@127.0.0.1:5060>
Call-ID: 1-4242@127.0.0.1
CSeq: 1 INVITE
Contact: sip:sipp@127.0.0.1:5071
Max-Forwards: 70
Subject: Performance Test
Content-Type: application/sdp
Content-Length:   129

v=0
o=user1 53655765 2353687637 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 6000 RTP/AVP 0
a=rtpmap:0 PCMU/8000
`);

test('parses an INVITE as SIPp sends it', () => {
  const req = request(SIPP_INVITE);
  assert.equal(req.method, 'INVITE');
  assert.equal(req.uri, 'sip:+15551230000@127.0.0.1:5060');
  assert.equal(getHeader(req, 'call-id'), '1-4242@127.0.0.1');
  assert.equal(req.body.length, 129);
  assert.ok(req.body.toString().startsWith('v=0\r\n'));
  assert.deepEqual(parseCSeq(getHeader(req, 'CSeq') ?? ''), { seq: 1, method: 'INVITE' });
  assert.equal(parseNameAddr(getHeader(req, 'From') ?? '')?.params.tag, '4242SIPpTag001');
  assert.equal(parseNameAddr(getHeader(req, 'To') ?? '')?.display, '+15551230000');
});

test('parses a 200 OK with several Vias, Record-Route lists and a display name with comma', () => {
  const res = parseMessage(
    crlf(`SIP/2.0 200 OK
Via: SIP/2.0/UDP proxy.example.com:5060;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.1, SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKnashds8;rport=5062
Via: SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bKv6
Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>
From: "Smith, Bob" <sip:bob@example.com>;tag=a6c85cf
To: <sip:+15551230000@example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.example.com
CSeq: 314159 INVITE
Contact: <sip:alice@192.0.2.4>
Content-Length: 0

`),
  );
  assert.ok(res.ok);
  const msg = res.message as SipResponse;
  assert.equal(msg.status, 200);
  assert.equal(msg.reason, 'OK');
  const vias = getHeaders(msg, 'Via');
  assert.equal(vias.length, 3);
  assert.equal(parseVia(vias[0] ?? '')?.params.received, '192.0.2.1');
  assert.equal(parseVia(vias[1] ?? '')?.params.rport, '5062');
  const v6 = parseVia(vias[2] ?? '');
  assert.equal(v6?.host, '[2001:db8::9]');
  assert.equal(v6?.port, 5070);
  assert.equal(v6?.protocol, 'TCP');
  assert.deepEqual(getHeaders(msg, 'Record-Route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
  assert.equal(parseNameAddr(getHeader(msg, 'From') ?? '')?.display, 'Smith, Bob');
});

test('expands compact header forms', () => {
  const req = request(
    crlf(`OPTIONS sip:bob@example.com SIP/2.0
v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKc1
f: <sip:a@example.com>;tag=1
t: <sip:bob@example.com>
i: compact-1@example.com
CSeq: 7 OPTIONS
m: <sip:a@192.0.2.1>
k: timer
c: text/plain
l: 5

hello`),
  );
  assert.equal(getHeader(req, 'Via'), 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKc1');
  assert.equal(getHeader(req, 'Call-ID'), 'compact-1@example.com');
  assert.equal(getHeader(req, 'Supported'), 'timer');
  assert.equal(getHeader(req, 'Content-Type'), 'text/plain');
  assert.equal(req.body.toString(), 'hello');
  assert.ok(
    req.headers.every((h) => h.name.length > 1),
    'names are expanded',
  );
});

// RFC 4475 3.1.1.1 (wsinv): a valid but tortuous INVITE: folding, odd whitespace, case, compact forms.
const WSINV = crlf(`INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0
TO :
 sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n
from   : "J Rosenberg \\\\\\""       <sip:jdrosen@example.com>
  ;
  tag = 98asjd8
MaX-fOrWaRdS: 0068
Call-ID: wsinv.ndaksdj@192.0.2.1
Content-Length   : 150
cseq: 0009
  INVITE
Via  : SIP  /   2.0
 /UDP
    192.0.2.2;branch=390skdjuw
s :
NewFangledHeader:   newfangled value
 continued newfangled value
UnknownHeaderWithUnusualValue: ;;,,;;,;
Content-Type: application/sdp
Route:
 <sip:services.example.com;lr;unknownwith=value;unknown-no-value>
v:  SIP  / 2.0  / TCP     spindle.example.com   ;
  branch  =   z9hG4bK9ikj8  ,
 SIP  /    2.0   / UDP  192.168.255.111   ; branch=
 z9hG4bK30239
m:"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =
      newvalue ;
  secondparam ; q = 0.33

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.3
s=-
c=IN IP4 192.0.2.4
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
`);

test('parses the RFC 4475 wsinv torture message', () => {
  const req = request(WSINV);
  assert.equal(req.body.length, 150);
  assert.equal(parseNameAddr(getHeader(req, 'To') ?? '')?.params.tag, '1918181833n');
  const from = parseNameAddr(getHeader(req, 'From') ?? '');
  assert.equal(from?.params.tag, '98asjd8');
  assert.equal(from?.display, 'J Rosenberg \\"');
  assert.deepEqual(parseCSeq(getHeader(req, 'CSeq') ?? ''), { seq: 9, method: 'INVITE' });
  const vias = getHeaders(req, 'Via').map((v) => parseVia(v));
  assert.deepEqual(
    vias.map((v) => v?.host),
    ['192.0.2.2', 'spindle.example.com', '192.168.255.111'],
  );
  assert.equal(vias[1]?.params.branch, 'z9hG4bK9ikj8');
  assert.equal(vias[2]?.params.branch, 'z9hG4bK30239');
  assert.equal(getHeader(req, 'NewFangledHeader'), 'newfangled value continued newfangled value');
  const contact = parseNameAddr(getHeader(req, 'Contact') ?? '');
  assert.equal(contact?.params.newparam, 'newvalue');
  assert.equal(contact?.params.q, '0.33');
});

test('accepts LF-only line endings and leading CRLFs', () => {
  const text = `\r\n\r\nBYE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:x@y>;tag=1\nTo: <sip:a@b>;tag=2\nCall-ID: c\nCSeq: 2 BYE\n\n`;
  const req = request(Buffer.from(text));
  assert.equal(req.method, 'BYE');
  assert.equal(req.body.length, 0);
});

test('takes exactly Content-Length bytes and rejects a short body', () => {
  const extra = Buffer.concat([SIPP_INVITE, Buffer.from('garbage after the body')]);
  const req = request(extra);
  assert.equal(req.body.length, 129);
  const short = SIPP_INVITE.subarray(0, SIPP_INVITE.length - 10);
  const r = parseMessage(short);
  assert.ok(!r.ok);
  assert.match(r.error, /Content-Length/);
  assert.ok(r.badRequest, 'enough headers to answer 400');
});

test('reports errors instead of throwing, and offers a 400 when it can', () => {
  const noCallId = crlf(`INVITE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:x@y>;tag=1\nTo: <sip:a@b>\nCSeq: 1 INVITE\n\n`);
  const r1 = parseMessage(noCallId);
  assert.ok(!r1.ok && /Call-ID/.test(r1.error) && !r1.badRequest);

  const badCseq = crlf(`INVITE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:x@y>;tag=1\nTo: <sip:a@b>\nCall-ID: x\nCSeq: one INVITE\n\n`);
  const r2 = parseMessage(badCseq);
  assert.ok(!r2.ok && r2.badRequest);
  const res = createResponse(r2.badRequest, 400);
  assert.equal(getHeader(res, 'CSeq'), 'one INVITE');

  const mismatch = crlf(`INVITE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:x@y>;tag=1\nTo: <sip:a@b>\nCall-ID: x\nCSeq: 1 BYE\n\n`);
  assert.ok(!parseMessage(mismatch).ok);

  for (const garbage of ['', '\r\n\r\n', 'hello', 'SIP/2.0 99 Too Low\r\n\r\n', 'INVITE sip:a@b HTTP/1.1\r\n\r\n', '\u0000\u0001\u0002']) {
    const r = parseMessage(Buffer.from(garbage));
    assert.equal(r.ok, false, JSON.stringify(garbage));
  }
  // RFC 4475 3.1.2.x: negative Content-Length, unterminated quoted display name
  assert.ok(!parseMessage(Buffer.from(SIPP_INVITE.toString().replace('Content-Length:   129', 'Content-Length: -999'))).ok);
});

test('serializes with the real Content-Length and round-trips', () => {
  const req = request(WSINV);
  const out = serializeMessage(req);
  const again = request(out);
  assert.equal(again.body.toString(), req.body.toString());
  assert.deepEqual(
    again.headers.filter((h) => h.name !== 'Content-Length'),
    req.headers.filter((h) => h.name !== 'Content-Length'),
  );
  assert.match(out.toString(), /\r\nContent-Length: 150\r\n\r\n/);
});

test('createResponse copies the dialog headers and adds a To tag', () => {
  const req = request(SIPP_INVITE);
  const res = createResponse(req, 180, { toTag: 'abc', headers: [{ name: 'Contact', value: '<sip:me@h>' }] });
  assert.equal(res.reason, 'Ringing');
  assert.equal(parseNameAddr(getHeader(res, 'To') ?? '')?.params.tag, 'abc');
  assert.equal(getHeader(res, 'Via'), getHeader(req, 'Via'));
  const trying = createResponse(req, 100, { toTag: 'abc' });
  assert.equal(parseNameAddr(getHeader(trying, 'To') ?? '')?.params.tag, undefined, '100 carries no tag');
});

test('frames a TCP stream by Content-Length across arbitrary chunk boundaries', () => {
  const one = serializeMessage(request(SIPP_INVITE));
  const two = serializeMessage(request(WSINV));
  const stream = Buffer.concat([Buffer.from('\r\n\r\n'), one, Buffer.from('\r\n'), two, one]);
  for (const size of [1, 7, 64, 1000, stream.length]) {
    const framer = new TcpFramer();
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i += size) {
      const r = framer.push(stream.subarray(i, i + size));
      assert.equal(r.error, undefined);
      got.push(...r.messages);
    }
    assert.deepEqual(
      got.map((m) => m.length),
      [one.length, two.length, one.length],
      `chunk size ${size}`,
    );
  }
  const bad = new TcpFramer().push(Buffer.from('INVITE sip:a@b SIP/2.0\r\nContent-Length: x\r\n\r\n'));
  assert.ok(bad.error);
});
