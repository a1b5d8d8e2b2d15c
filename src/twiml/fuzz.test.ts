// parseTwiml must answer every input with a result, never an exception: random text, mutated TwiML and random
// trees of TwiML names. Seeded, so a failure reproduces; bounded, so the suite stays quick on a small machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTwiml } from './parse-twiml.js';
import type { Dialect } from './fault.js';
import { seededRandom } from '../core/random.js';

const ROUNDS = 1_500;

/** The seeded PRNG with the helpers these cases draw from. */
function rng(seed: number) {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  return { next, int, pick };
}

const CORPUS = [
  '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="alice" loop="2">Hello &amp; welcome</Say><Pause length="1"/></Response>',
  '<Response><Gather input="dtmf speech" numDigits="4" action="/g"><Say>PIN?</Say><Play>https://e.com/a.wav</Play></Gather></Response>',
  '<Response><Dial callerId="+15550001111" record="true"><Number sendDigits="w1">+15551230000</Number><Sip>sip:a@b</Sip><Client><Identity>x</Identity><Parameter name="a" value="b"/></Client></Dial></Response>',
  '<Response><Dial><Conference beep="onEnter" statusCallbackEvent="start end">Room</Conference></Dial><Hangup/></Response>',
  '<Response><Record maxLength="20" finishOnKey="#" recordingStatusCallbackEvent="completed absent"/><Redirect method="GET">/n</Redirect></Response>',
  '<Response><Enqueue workflowSid="WW1"><Task priority="1">{"a":1}</Task></Enqueue><Leave/><Reject reason="busy"/></Response>',
  '<Response><Connect action="/a"><Stream url="wss://x"><Parameter name="p" value="v"/></Stream></Connect><Start><Stream url="wss://y" name="s"/></Start><Stop><Stream name="s"/></Stop></Response>',
  '<Response><Say voice="Polly.Joanna">Hi <break time="1s"/><say-as interpret-as="digits">123</say-as><![CDATA[<raw>]]></Say><Sms to="+1">t</Sms></Response>',
  '<Response><Message to="+1" statusCallback="/s"><Body>Hi</Body><Media>https://e.com/1.png</Media></Message><Redirect>/next</Redirect></Response>',
];

const TOKENS = [
  '<',
  '>',
  '/>',
  '</',
  '&',
  '&amp;',
  '&#x0;',
  '&#xD800;',
  '&#1114112;',
  '&bogus;',
  '"',
  "'",
  '=',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<?xml version="1.0"?>',
  '<!DOCTYPE Response>',
  '<!ENTITY a "b">',
  '\u0000',
  '\uD800',
  '\uFFFF',
  '\uFEFF',
  '\r\n',
  ' ',
  '\t',
  '<Say>',
  '</Say>',
  '<Dial>',
  '</Dial>',
  '<Response>',
  '</Response>',
  '<Number>',
  '<Gather>',
  '<Message>',
  '<Media>',
  '<Body>',
  ' loop="abc"',
  ' loop="0"',
  ' voice=""',
  ' input="dtmf,speech"',
  ' method="get"',
  ' record="true"',
  ' xmlns:x="u"',
  ' x:y="1"',
  '<constructor/>',
  '<__proto__/>',
  '<toString/>',
  ' __proto__="1"',
  ' constructor="c"',
  '<x:Say/>',
  '<say-as>',
  '💥',
  'é',
];

const NAMES = [
  'Response',
  'Say',
  'Play',
  'Pause',
  'Gather',
  'Record',
  'Hangup',
  'Redirect',
  'Reject',
  'Dial',
  'Enqueue',
  'Leave',
  'Connect',
  'Start',
  'Stop',
  'Sms',
  'Message',
  'Number',
  'Sip',
  'Uri',
  'Headers',
  'Header',
  'Client',
  'Identity',
  'Parameter',
  'Conference',
  'Queue',
  'Task',
  'Stream',
  'Room',
  'Body',
  'Media',
  'break',
  'prosody',
  'Pay',
  'Foo',
  'hasOwnProperty',
  'valueOf',
];
const ATTRS = [
  'loop',
  'voice',
  'language',
  'digits',
  'length',
  'input',
  'action',
  'method',
  'numDigits',
  'finishOnKey',
  'timeout',
  'speechTimeout',
  'hints',
  'maxLength',
  'playBeep',
  'trim',
  'record',
  'callerId',
  'ringTone',
  'reason',
  'url',
  'name',
  'value',
  'track',
  'beep',
  'statusCallbackEvent',
  'priority',
  'to',
  'from',
  'sendDigits',
  'maxParticipants',
  'unknownAttr',
];
const VALUES = [
  '',
  '0',
  '1',
  '-1',
  '5',
  '600',
  '1001',
  'true',
  'false',
  'GET',
  'post',
  'abc',
  'dtmf speech',
  '#',
  '*',
  'busy',
  'uk',
  'sip:a@b',
  'wss://x',
  '&amp;',
  '&#65;',
  'a\nb',
];

type Rand = ReturnType<typeof rng>;

function mutate(r: Rand, doc: string): string {
  let s = doc;
  for (let i = 1 + r.int(4); i > 0; i--) {
    const at = r.int(s.length + 1);
    switch (r.int(5)) {
      case 0:
        s = s.slice(0, at) + r.pick(TOKENS) + s.slice(at);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at + 1 + r.int(12));
        break;
      case 2: {
        const len = r.int(40);
        s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
        break;
      }
      case 3:
        s = s.slice(0, at) + String.fromCharCode(r.int(0x80)) + s.slice(at + 1);
        break;
      default: {
        const b = r.int(s.length + 1);
        s = s.slice(Math.min(at, b), Math.max(at, b)) + s.slice(0, Math.min(at, b));
      }
    }
  }
  return s;
}

function tree(r: Rand, depth: number): string {
  const name = depth === 0 ? 'Response' : r.pick(NAMES);
  let attrs = '';
  for (let i = r.int(3); i > 0; i--) attrs += ` ${r.pick(ATTRS)}="${r.pick(VALUES)}"`;
  let inner = '';
  for (let i = depth > 3 ? 0 : r.int(4); i > 0; i--) inner += r.next() < 0.3 ? r.pick(VALUES) : tree(r, depth + 1);
  return inner === '' && r.next() < 0.5 ? `<${name}${attrs}/>` : `<${name}${attrs}>${inner}</${name}>`;
}

function randomText(r: Rand): string {
  let s = '';
  for (let i = r.int(80); i > 0; i--) s += r.next() < 0.6 ? r.pick(TOKENS) : String.fromCharCode(r.int(0x3000));
  return s;
}

function check(xml: string, dialect: Dialect, counts: Map<string, number>): void {
  let result: ReturnType<typeof parseTwiml>;
  try {
    result = parseTwiml(xml, { dialect });
  } catch (err) {
    assert.fail(`parseTwiml threw ${String(err)} for ${JSON.stringify(xml)}`);
  }
  if (result.ok) {
    assert.ok(Array.isArray(result.verbs) && Array.isArray(result.warnings));
    JSON.stringify(result.verbs);
  } else {
    assert.ok([12100, 12200, 11750].includes(result.alert.code), JSON.stringify(result));
    assert.ok(result.alert.message.length > 0);
  }
  const key = result.ok ? 'ok' : String(result.alert.code);
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

test('fuzz: random text never throws', () => {
  const r = rng(1);
  const counts = new Map<string, number>();
  for (let i = 0; i < ROUNDS; i++) check(randomText(r), r.next() < 0.5 ? 'voice' : 'messaging', counts);
  assert.ok((counts.get('12100') ?? 0) > ROUNDS / 2);
});

test('fuzz: mutated TwiML never throws', () => {
  const r = rng(2);
  const counts = new Map<string, number>();
  for (let i = 0; i < ROUNDS; i++) check(mutate(r, r.pick(CORPUS)), r.next() < 0.8 ? 'voice' : 'messaging', counts);
  // The mutations should exercise every outcome, not just the XML check.
  for (const key of ['ok', '12100', '12200']) assert.ok((counts.get(key) ?? 0) > 0, `${key}: ${JSON.stringify([...counts])}`);
});

test('fuzz: random trees of TwiML names never throw', () => {
  const r = rng(3);
  const counts = new Map<string, number>();
  for (let i = 0; i < ROUNDS; i++) check(tree(r, 0), r.next() < 0.8 ? 'voice' : 'messaging', counts);
  for (const key of ['ok', '12100', '12200']) assert.ok((counts.get(key) ?? 0) > 0, `${key}: ${JSON.stringify([...counts])}`);
});

test('fuzz: deep nesting and inputs at the size limit answer without overflowing', () => {
  const counts = new Map<string, number>();
  check(`<Response>${'<Say>'.repeat(5_000)}x${'</Say>'.repeat(5_000)}</Response>`, 'voice', counts);
  check(`<Response><Say>${'<p>'.repeat(8_000)}x${'</p>'.repeat(8_000)}</Say></Response>`, 'voice', counts);
  check(`<Response><Say>${'<p>'.repeat(50)}x${'</p>'.repeat(50)}</Say></Response>`, 'voice', counts);
  check(`<Response>${'<Dial>'.repeat(20_000)}`, 'voice', counts);
  check('<'.repeat(70_000), 'voice', counts);
  assert.equal(counts.get('ok') ?? 0, 1, JSON.stringify([...counts])); // only the 50-deep SSML: more than 100 levels is refused
  const amps = parseTwiml(`<Response><Say>${'&amp;'.repeat(13_000)}</Say></Response>`, { dialect: 'voice' });
  assert.ok(amps.ok && amps.verbs[0]?.verb === 'Say' && amps.verbs[0].text.length === 13_000);
});
