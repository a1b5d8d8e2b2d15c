import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { parseMessage } from './parser.js';
import { serializeMessage } from './serialize.js';
import { TcpFramer } from './tcp-framer.js';
import { createSipEndpoint } from './endpoint.js';
import { parseCSeq, parseNameAddr, parseUri, parseVia } from './header-values.js';
import { parseChallenge } from './digest.js';
import { waitFor } from './test-support/peers.js';
import { seededRandom as rng } from '../../core/random.js';

const SEEDS = [
  `INVITE sip:+15551230000@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-1;rport\r\nFrom: "A, B" <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:+15551230000@127.0.0.1>\r\nCall-ID: fuzz@127.0.0.1\r\nCSeq: 1 INVITE\r\nContact: <sip:a@127.0.0.1:5071>\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: 38\r\n\r\nv=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 1 RTP/AVP 0\r\n`,
  `SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP h:5060;branch=z9hG4bKx, SIP/2.0/TCP [::1]:5061;branch=z9hG4bKy\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\nCall-ID: c\r\nCSeq: 2 INVITE\r\nWWW-Authenticate: Digest realm="r", nonce="n", qop="auth,auth-int", algorithm=MD5\r\nl: 0\r\n\r\n`,
  `OPTIONS sip:h SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bKo\r\nf: <sip:a@h>;tag=9\r\nt: sip:h\r\ni: o@h\r\nCSeq: 5 OPTIONS\r\nSubject: folded\r\n  continuation\r\n\r\n`,
];

const TOKENS = [
  '\r\n',
  ':',
  ';',
  ',',
  '<',
  '>',
  '"',
  '\\',
  ' ',
  '\t',
  'SIP/2.0',
  'Via',
  'Content-Length',
  'l',
  '0',
  '99999999',
  'sip:',
  '@',
  '[',
  ']',
  'z9hG4bK',
  '=',
  '\u00ff',
  '\u0000',
  '%',
  'INVITE',
];

function mutate(seed: Buffer, r: () => number): Buffer {
  let b = Buffer.from(seed);
  const ops = 1 + Math.floor(r() * 6);
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(r() * (b.length + 1));
    switch (Math.floor(r() * 7)) {
      case 0: // flip a byte
        if (b.length) b[Math.min(at, b.length - 1)] = Math.floor(r() * 256);
        break;
      case 1: // delete a range
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + Math.floor(r() * 40)))]);
        break;
      case 2: // insert a syntax token
        b = Buffer.concat([b.subarray(0, at), Buffer.from(TOKENS[Math.floor(r() * TOKENS.length)] ?? ''), b.subarray(at)]);
        break;
      case 3: // truncate
        b = b.subarray(0, at);
        break;
      case 4: // duplicate a slice
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.floor(r() * b.length), at), b.subarray(at)]);
        break;
      case 5: // random bytes
        b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: Math.floor(r() * 16) }, () => Math.floor(r() * 256))), b.subarray(at)]);
        break;
      default: // absurd Content-Length
        b = Buffer.from(b.toString('latin1').replace(/Content-Length: \d+|l: \d+/, `Content-Length: ${Math.floor(r() * 1e7) - 100}`), 'latin1');
    }
  }
  return b;
}

function* corpus(count: number, seed: number): Generator<Buffer> {
  const r = rng(seed);
  for (let i = 0; i < count; i++) {
    if (i % 10 === 0) {
      yield Buffer.from(Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)));
    } else if (i % 10 === 1) {
      yield Buffer.from(Array.from({ length: 1 + Math.floor(r() * 40) }, () => TOKENS[Math.floor(r() * TOKENS.length)]).join(''), 'latin1');
    } else {
      yield mutate(Buffer.from(SEEDS[i % SEEDS.length] ?? '', 'latin1'), r);
    }
  }
}

test('the parser survives 6000 mutated and random messages, and what it accepts re-serializes', () => {
  let accepted = 0;
  for (const buf of corpus(6000, 20240611)) {
    for (const stream of [false, true]) {
      const r = parseMessage(buf, { stream });
      assert.equal(typeof r.ok, 'boolean');
      if (!r.ok) {
        assert.doesNotMatch(r.error, /^parser failure/, 'the catch-all safety net should never be needed');
        continue;
      }
      accepted++;
      const again = parseMessage(serializeMessage(r.message), { stream: true });
      assert.ok(again.ok, `re-parse failed: ${again.ok ? '' : again.error} for ${JSON.stringify(buf.toString('latin1'))}`);
    }
  }
  assert.ok(accepted > 100, `some mutants stay valid (${accepted})`);
});

test('header value parsers and the TCP framer never throw on garbage', () => {
  const r = rng(7);
  const framer = new TcpFramer();
  for (const buf of corpus(3000, 99)) {
    const s = buf.toString('latin1');
    parseUri(s);
    parseNameAddr(s);
    parseVia(s);
    parseCSeq(s);
    parseChallenge(`Digest ${s}`);
    const res = framer.push(buf.subarray(0, Math.floor(r() * (buf.length + 1))));
    if (res.error) assert.equal(typeof res.error, 'string');
  }
});

test('an endpoint fed 1500 garbage datagrams keeps answering OPTIONS', async () => {
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0, transports: ['udp'] });
  const sock = createSocket('udp4');
  try {
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
    const port = ep.ports.udp ?? 0;
    let n = 0;
    for (const buf of corpus(1500, 4242)) {
      sock.send(buf.subarray(0, 60000), port, '127.0.0.1');
      if (++n % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    const replies: string[] = [];
    sock.on('message', (m) => replies.push(m.toString()));
    const me = sock.address().port;
    const options = `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bKalive;rport\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: alive@t\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
    sock.send(Buffer.from(options), port, '127.0.0.1');
    await waitFor(() => replies.some((m) => m.startsWith('SIP/2.0 200') && m.includes('alive@t')), 5000, '200 to OPTIONS');
  } finally {
    sock.close();
    await ep.close();
  }
});
