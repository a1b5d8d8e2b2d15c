// Issue 21 item 10: the fuzz harness stays working (each target for 2,000 inputs with a fixed seed, in
// process; the full campaign is `npm run fuzz`), and the crashes the campaign found stay fixed.
// test/core.fuzz.test.ts covers malformed requests against a whole server; this does not repeat it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseForm } from '../src/http/params.js';
import { parseTwiml } from '../src/twiml/index.js';
import { createAnswer, parseAnswer } from '../src/voice/media/sdp.js';
import { runTarget } from '../fuzz/engine.js';
import { TARGETS } from '../fuzz/targets/index.js';

for (const target of TARGETS) {
  test(`fuzz smoke: ${target.name} survives 2,000 generated inputs`, async () => {
    const report = await runTarget(target, { iterations: 2000, seed: 42 });
    assert.equal(report.inputs, 2000);
    assert.deepEqual(
      report.crashes.map((c) => `${c.signature} (${c.count}) first input ${c.input.toString('latin1').slice(0, 80)}`),
      [],
    );
  });
}

test('campaign finding: form keys named like Object.prototype members are plain string parameters', () => {
  const p = parseForm('constructor=%2B1555&toString=a&toString=b&__proto__=x&hasOwnProperty=y');
  assert.equal(Object.getPrototypeOf(p), Object.prototype);
  assert.equal(p.constructor, '+1555');
  assert.deepEqual(p.toString, ['a', 'b']);
  assert.equal(Object.getOwnPropertyDescriptor(p, '__proto__')?.value, 'x');
  assert.deepEqual(Object.keys(p), ['constructor', 'toString', '__proto__', 'hasOwnProperty']);
});

test('campaign finding: SDP with a port over 65535 is malformed; a numeric rtpmap codec name does not throw', () => {
  const sdp = (m: string, extra = '') => `v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n${m}\r\n${extra}`;
  assert.deepEqual(createAnswer(sdp('m=audio 67534 RTP/AVP 0'), { address: '127.0.0.1', port: 20000 }), { ok: false, reason: 'malformed' });
  assert.equal(parseAnswer(sdp('m=audio 99999999999 RTP/AVP 0')), null);
  const numeric = createAnswer(sdp('m=audio 4000 RTP/AVP 0 96', 'a=rtpmap:96 123/8000\r\n'), { address: '127.0.0.1', port: 20000 });
  assert.equal(numeric.ok && numeric.media.codec, 'PCMU');
});

test('campaign finding: an XML declaration the parser refuses after validation is a 12100 document fault', () => {
  const res = parseTwiml('<?xml version="1.02 encodiog="UTF-8"?><Response><Say>x</Say></Response>', { dialect: 'voice' });
  assert.equal(res.ok, false);
  assert.ok(!res.ok && res.alert.code === 12100 && res.alert.message.includes('not well-formed'), !res.ok ? res.alert.message : '');
});
