import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOOP_FOREVER } from '../attrs.js';
import { alertOf, verbsOf, walkAttributes } from '../test-support/walk.js';
import type { SayVerb } from './say.js';

const first = (verbs: unknown[]) => verbs[0];

walkAttributes('<Say>', {
  dialect: 'voice',
  document: (a) => `<Response><Say${a}>Hello</Say></Response>`,
  pick: first,
  rows: [
    {
      name: 'voice',
      default: 'man',
      valid: [
        ['woman', 'woman'],
        ['alice', 'alice'],
        ['Polly.Joanna-Neural', 'Polly.Joanna-Neural'],
        ['Google.en-US-Standard-C', 'Google.en-US-Standard-C'],
      ],
      invalid: ['two words', ''],
    },
    {
      name: 'language',
      default: 'en-US',
      valid: [
        ['fr-FR', 'fr-FR'],
        ['cmn-CN', 'cmn-CN'],
        ['en-GB-WLS', 'en-GB-WLS'],
      ],
      invalid: ['english', 'e', ''],
    },
    {
      name: 'loop',
      default: 1,
      valid: [
        ['3', 3],
        [' 2 ', 2],
        ['0', LOOP_FOREVER],
      ],
      invalid: ['abc', '-1', '1.5', '1001', ''],
    },
  ],
});

walkAttributes('<Play>', {
  dialect: 'voice',
  document: (a) => `<Response><Play${a}>https://example.com/a.mp3</Play></Response>`,
  pick: first,
  rows: [
    {
      name: 'loop',
      default: 1,
      valid: [
        ['10', 10],
        ['0', LOOP_FOREVER],
      ],
      invalid: ['x', '-2'],
    },
    {
      name: 'digits',
      default: null,
      valid: [
        ['wwww3', 'wwww3'],
        ['1234#*', '1234#*'],
      ],
      invalid: ['12a', ''],
    },
  ],
});

walkAttributes('<Pause>', {
  dialect: 'voice',
  document: (a) => `<Response><Pause${a}/></Response>`,
  pick: first,
  rows: [
    {
      name: 'length',
      default: 1,
      valid: [
        ['0', 0],
        ['10', 10],
      ],
      invalid: ['ten', '-1', '2.5'],
    },
  ],
});

test('<Say> text is unescaped and trimmed; plain text has no SSML tree', () => {
  const [say] = verbsOf('<Response><Say>\n  Fish &amp; chips &lt;3 &#233;&#x1F600; <![CDATA[<raw> & more]]>\n</Say></Response>') as SayVerb[];
  assert.equal(say?.text, 'Fish & chips <3 é😀 <raw> & more');
  assert.equal(say?.ssml, null);
});

test('<Say> keeps SSML as a tree and flattens its words', () => {
  const [say] = verbsOf(
    '<Response><Say voice="Polly.Joanna">Hi <break time="1s"/><prosody rate="slow"><emphasis level="strong">there</emphasis></prosody>' +
      '<say-as interpret-as="digits">42</say-as><lang xml:lang="fr-FR">oui</lang></Say></Response>',
  ) as SayVerb[];
  assert.equal(say?.text, 'Hi there42oui');
  assert.deepEqual(say?.ssml?.[1], { kind: 'element', tag: 'break', attributes: { time: '1s' }, children: [] });
  assert.deepEqual(say?.ssml?.[4], { kind: 'element', tag: 'lang', attributes: { 'xml:lang': 'fr-FR' }, children: [{ kind: 'text', text: 'oui' }] });
});

test('<Say> refuses a verb nested in it and markup that is not SSML', () => {
  assert.equal(alertOf('<Response><Say>a<Play>x</Play></Say></Response>').code, 12100);
  assert.equal(alertOf('<Response><Say>a<blink>x</blink></Say></Response>').code, 12200);
});

test('empty <Say> and <Play/> parse with a warning', () => {
  for (const xml of ['<Response><Say/></Response>', '<Response><Play/></Response>']) {
    const r = verbsOf(xml);
    assert.equal(r.length, 1);
  }
});

test('<Play digits> without a URL; <Pause> takes no content', () => {
  assert.deepEqual(verbsOf('<Response><Play digits="ww1"/></Response>')[0], { verb: 'Play', url: null, loop: 1, digits: 'ww1' });
  assert.equal(alertOf('<Response><Pause>5</Pause></Response>').code, 12100);
  assert.equal(alertOf('<Response><Pause><Say>x</Say></Pause></Response>').code, 12100);
});
