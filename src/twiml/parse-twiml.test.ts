import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TWIML_BYTES, parseTwiml } from './parse-twiml.js';
import { KNOWN_ELEMENTS } from './names.js';
import { MESSAGING_VERBS, VOICE_VERBS } from './registry.js';
import { alertOf, verbsOf } from './test-support/walk.js';
import type { SayVerb } from './parse/say.js';

test('12100: not XML, wrong root, broken structure', () => {
  const broken = [
    '',
    '   ',
    'Hello world',
    '{"Say":"hi"}',
    '<Response>',
    '<Response><Say>hi</Response>',
    '<Response></Response><Response/>',
    '<Response/>trailing',
    '<Response/>x<!-- c -->',
    '<Response/><!-- c -->y',
    '<Say>hi</Say>',
    '<response/>',
    '<Response><Say>a & b</Say></Response>',
    '<Response><Say>&nbsp;</Say></Response>',
    '<Response><Say>&#0;</Say></Response>',
    '<Response><Say>\u0007</Say></Response>',
    '<Response><Say voice>x</Say></Response>',
    '<Response><Say voice="a" voice="b">x</Say></Response>',
    '<Response><Say voice="a<b">x</Say></Response>',
    '<!DOCTYPE Response><Response/>',
    '<?xml version="1.0"?><!-- c --><!DOCTYPE r [<!ENTITY a "aaaa">]><Response><Say>&a;</Say></Response>',
    '<Response>Hello</Response>',
    '<Response><Response/></Response>',
  ];
  for (const xml of broken) assert.equal(alertOf(xml).code, 12100, JSON.stringify(xml));
});

test('an empty <Response> is valid and does nothing', () => {
  assert.deepEqual(verbsOf('<Response/>'), []);
  assert.deepEqual(verbsOf('<?xml version="1.0" encoding="UTF-8"?>\r\n<Response>\r\n</Response>\r\n'), []);
});

test('prolog, comments, BOM, CRLF and namespace declarations are XML plumbing', () => {
  const [say] = verbsOf(
    '\uFEFF<?xml version="1.0"?><?pi x?><!-- generated --><Response xmlns="http://www.twilio.com/twiml"><Say>a<!-- x -->b\r\nc</Say></Response><!-- end -->',
  ) as SayVerb[];
  assert.equal(say?.text, 'ab\nc');
});

test('entities and CDATA in text and attributes', () => {
  const [say] = verbsOf(
    `<Response><Say voice="Polly.L&#xE9;a" language='fr-FR'>&lt;&gt;&amp;&apos;&quot; &#65;&#x42; <![CDATA[&amp; stays]]></Say></Response>`,
  ) as SayVerb[];
  assert.deepEqual([say?.voice, say?.language, say?.text], ['Polly.Léa', 'fr-FR', `<>&'" AB &amp; stays`]);
  // Literal newlines in attribute values are normalised to spaces; character references keep theirs.
  const [hangup] = verbsOf('<Response><Hangup><Parameter name="n" value="a\nb&#10;c"/></Hangup></Response>');
  assert.deepEqual(hangup, { verb: 'Hangup', parameters: [{ name: 'n', value: 'a b\nc' }] });
});

test(`11750: documents over ${MAX_TWIML_BYTES} bytes, counted in UTF-8`, () => {
  const frame = '<Response><Say></Say></Response>';
  const fits = `<Response><Say>${'a'.repeat(MAX_TWIML_BYTES - frame.length)}</Say></Response>`;
  assert.equal(Buffer.byteLength(fits), MAX_TWIML_BYTES);
  assert.equal(verbsOf(fits).length, 1);
  assert.equal(alertOf(fits.replace('<Say>', '<Say>a')).code, 11750);
  // 22,000 three-byte characters are under 64 K UTF-16 units but over 64 KiB of UTF-8.
  assert.equal(alertOf(`<Response><Say>${'€'.repeat(22_000)}</Say></Response>`).code, 11750);
});

test('12200: unknown verbs, including names that live on Object.prototype', () => {
  for (const name of ['Foo', 'say', 'Pay', 'Refer', 'Echo', 'toString', 'hasOwnProperty', 'valueOf', 'x:Say']) {
    assert.equal(alertOf(`<Response><${name}/></Response>`).code, 12200, name);
  }
  for (const name of ['constructor', '__proto__']) {
    const r = parseTwiml(`<Response><${name}/></Response>`, { dialect: 'voice' });
    assert.equal(r.ok, false, name);
  }
  // fast-xml-parser refuses these names outright: an alert, never an exception or a polluted prototype.
  assert.equal(parseTwiml('<Response><Hangup __proto__="x" constructor="y"/></Response>', { dialect: 'voice' }).ok, false);
  assert.equal(({} as Record<string, unknown>)['x'], undefined);
});

test('a verb of the other dialect is 12200, a noun at the top is 12100', () => {
  assert.match(alertOf('<Response><Message>hi</Message></Response>', 'voice').message, /not a voice verb/);
  assert.match(alertOf('<Response><Dial>1</Dial></Response>', 'messaging').message, /not a messaging verb/);
  assert.equal(alertOf('<Response><Number>+1555</Number></Response>').code, 12100);
  assert.equal(alertOf('<Response><Media>x</Media></Response>', 'messaging').code, 12100);
});

test('verbs run in document order', () => {
  const verbs = verbsOf('<Response><Say>a</Say><Pause/><Play>u</Play><Redirect>/n</Redirect><Hangup/></Response>');
  assert.deepEqual(
    verbs.map((v) => v.verb),
    ['Say', 'Pause', 'Play', 'Redirect', 'Hangup'],
  );
});

test('never throws on inputs a JavaScript caller could pass', () => {
  const odd: unknown[] = [undefined, null, 42, {}, ['<Response/>'], Symbol('x')];
  for (const value of odd) {
    const r = parseTwiml(value as string, { dialect: 'voice' });
    assert.equal(r.ok, false);
  }
  const r = parseTwiml('<Response/>', { dialect: 'fax' as 'voice' });
  assert.equal(r.ok, false);
});

test('every verb in the registries is a known element name', () => {
  for (const name of [...VOICE_VERBS.keys(), ...MESSAGING_VERBS.keys()]) assert.ok(KNOWN_ELEMENTS.has(name), name);
});
